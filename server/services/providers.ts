import { createProviderRegistry, providersFromEnv, type Provider, type ProviderRegistry } from "../../engine/index.js";
import { createSimProvider } from "../../engine/providers/sim/index.js";

/** The built-in sim provider plus any provider configured in the environment. */
export function createProviders(opts: { latencyScale?: number; env?: NodeJS.ProcessEnv } = {}): ProviderRegistry {
  const env = opts.env ?? process.env;
  const scale = opts.latencyScale ?? (env.FLOWTUNE_SIM_LATENCY_SCALE !== undefined ? Number(env.FLOWTUNE_SIM_LATENCY_SCALE) : 1);
  const providers: Provider[] = [createSimProvider({ latencyScale: scale }), ...providersFromEnv(env)];
  return createProviderRegistry(providers);
}
