import { EVALUATION_METRICS } from "../schema/graph.js";
import { contains } from "./metrics/contains.js";
import { cost } from "./metrics/cost.js";
import { editSimilarity } from "./metrics/edit-similarity.js";
import { exactMatch } from "./metrics/exact-match.js";
import { jsonSchema } from "./metrics/json-schema.js";
import { jsonValid } from "./metrics/json-valid.js";
import { latency } from "./metrics/latency.js";
import { llmJudge } from "./metrics/llm-judge.js";
import { numeric } from "./metrics/numeric.js";
import { regex } from "./metrics/regex.js";
import { tokenF1 } from "./metrics/token-f1.js";
import { tokens } from "./metrics/tokens.js";
import type { Metric, MetricId } from "./types.js";

export type { Metric, MetricContext, MetricField, MetricId, MetricInput, MetricResult } from "./types.js";
export { MetricCheckError } from "./check-error.js";
export { DEFAULT_JUDGE, judgeMessages, parseJudgeReply } from "./metrics/llm-judge.js";
export { readNumber } from "./metrics/numeric.js";
export { answerTokens } from "./metrics/token-f1.js";
export { levenshtein } from "./metrics/edit-similarity.js";
export { checkJsonSchema, validateJsonSchema, type SchemaProblem } from "./json-schema-subset.js";
export { MODEL_PRICES, PRICES_AS_OF, lookupPrice, costOf, type ModelPrice } from "./prices.js";

const ALL: readonly Metric[] = [exactMatch, contains, regex, jsonValid, jsonSchema, numeric, tokenF1, editSimilarity, llmJudge, latency, tokens, cost];

/** Metrics by id, in the order of EVALUATION_METRICS; evaluation nodes name one of these. */
export const METRICS: Record<string, Metric> = Object.fromEntries(EVALUATION_METRICS.map((id) => [id, ALL.find((m) => m.id === id)!]));

/** Looks a metric up by id. */
export function getMetric(id: string): Metric | undefined {
  return Object.hasOwn(METRICS, id) ? METRICS[id] : undefined;
}

/** Every metric id (same list as the graph schema's EVALUATION_METRICS). */
export const METRIC_IDS: readonly MetricId[] = EVALUATION_METRICS;
