import { createOpenAICompatibleProvider, type OpenAICompatibleOptions } from "./openai-compatible.js";
import type { Provider, ProviderRegistry } from "./types.js";

/**
 * A ProviderRegistry over a fixed list; `ids()` keeps the given order.
 * Throws on duplicate ids, since a silent shadowing would send calls to the wrong endpoint.
 */
export function createProviderRegistry(providers: Provider[]): ProviderRegistry {
  const byId = new Map<string, Provider>();
  for (const p of providers) {
    if (byId.has(p.id)) throw new Error(`duplicate provider id "${p.id}"`);
    byId.set(p.id, p);
  }
  return {
    get: (id) => byId.get(id),
    ids: () => [...byId.keys()],
  };
}

/** Environment variables `providersFromEnv` reads. */
export type ProviderEnv = Record<string, string | undefined>;

/**
 * Providers configured by environment variables (the caller adds the simulator itself):
 * - `FLOWTUNE_OPENAI_BASE_URL` (+ optional `FLOWTUNE_OPENAI_API_KEY`): an openai-compatible provider at that URL;
 * - otherwise `OPENAI_API_KEY`: an openai-compatible provider at https://api.openai.com/v1.
 * `OPENAI_API_KEY` is never sent to a custom base URL, so a local Ollama cannot receive your OpenAI key.
 * Empty values count as unset; an invalid base URL throws an error naming the variable. `overrides` (e.g. `fetch`, `timeoutMs`, `prices`) apply to what is built.
 */
export function providersFromEnv(
  env: ProviderEnv,
  overrides: Partial<Omit<OpenAICompatibleOptions, "baseUrl" | "apiKey">> = {},
): Provider[] {
  const value = (name: string) => env[name]?.trim() || undefined;
  const baseUrl = value("FLOWTUNE_OPENAI_BASE_URL");
  if (baseUrl) {
    try {
      return [createOpenAICompatibleProvider({ ...overrides, baseUrl, apiKey: value("FLOWTUNE_OPENAI_API_KEY") })];
    } catch (err) {
      // Name the variable so a typo in the environment is easy to find.
      throw new Error(`FLOWTUNE_OPENAI_BASE_URL: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  const openaiKey = value("OPENAI_API_KEY");
  if (openaiKey) {
    return [createOpenAICompatibleProvider({ ...overrides, baseUrl: "https://api.openai.com/v1", apiKey: openaiKey })];
  }
  return [];
}
