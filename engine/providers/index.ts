export type * from "./types.js";
export { createOpenAICompatibleProvider } from "./openai-compatible.js";
export { createProviderRegistry, providersFromEnv } from "./registry.js";
export { withResponseCache, createMemoryCacheStore, cacheKey } from "./cache.js";
export { withRetry, sleep, isAbortError } from "./retry.js";
