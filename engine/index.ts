// The engine's public surface: what the server, the CLI and benchmarks import.
export * from "./browser.js";
export * from "./executor/index.js";
export { checksum, canonicalJson } from "./graph/checksum.js";
export * from "./providers/index.js";
export { METRICS, getMetric } from "./evaluation/index.js";
export type { Metric, MetricResult } from "./evaluation/index.js";
export { parseCsv, parseJsonl, parseDataset, type DatasetRow } from "./dataset/parse.js";
export { runBatch, summarize, percentile, type BatchStats, type BatchProgress, type BatchOptions } from "./batch/batch.js";
export { runOptimization, checkConfig, type OptimizeOptions, type OptimizeResult } from "./optimize/loop.js";
export { createMemoryOptimizationStore, type OptimizationStore, type OptimizationSummary, type ScoredParams } from "./optimize/store.js";
export type { CandidateRecord, CandidateParams, ExampleResult } from "./optimize/candidate.js";
export type { ProgressInfo } from "./optimize/context.js";
export { aggregateMetrics, percentile as percentileOf } from "./evaluation/aggregate.js";
export { MODEL_PRICES, lookupPrice, costOf } from "./evaluation/prices.js";
export { splitDataset, splitIndices, DEFAULT_SPLIT_FRACTIONS, type SplitFractions } from "./dataset/split.js";
export { datasetHash, rowHash } from "./dataset/hash.js";
export { checkProviderUrl, classifyAddress, isMetadataHostname, providerUrlGuard, defaultHostLookup, type AddressCategory, type HostLookup, type CheckProviderUrlOptions, type CheckedProviderUrl } from "./providers/url-guard.js";
export type { OpenAICompatibleOptions, ModelPrice } from "./providers/openai-compatible.js";
