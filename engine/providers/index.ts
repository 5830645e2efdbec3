export type * from "./types.js";
export { createOpenAICompatibleProvider } from "./openai-compatible.js";
export { createProviderRegistry, providersFromEnv } from "./registry.js";
export { withResponseCache, createMemoryCacheStore, cacheKey } from "./cache.js";
export { withRetry, sleep, isAbortError } from "./retry.js";
export { listOpenAICompatibleModels, ModelListError, MODEL_LIST_DEFAULTS, type ModelListFailure, type ModelListOptions } from "./models.js";
export { providerReferences, providerNotConfigured, unavailableProviderIssues, type ProviderReference } from "./references.js";
