import {
  GraphValidationError,
  createProviderRegistry,
  providerNotConfigured,
  providersFromEnv,
  unavailableProviderIssues,
  type Provider,
  type ProviderRegistry,
} from "../../engine/index.js";
import { createSimProvider } from "../../engine/providers/sim/index.js";

/** The built-in sim provider plus any provider configured in the environment. */
export function createProviders(opts: { latencyScale?: number; env?: NodeJS.ProcessEnv } = {}): ProviderRegistry {
  const env = opts.env ?? process.env;
  const scale = opts.latencyScale ?? (env.FLOWTUNE_SIM_LATENCY_SCALE !== undefined ? Number(env.FLOWTUNE_SIM_LATENCY_SCALE) : 1);
  const providers: Provider[] = [createSimProvider({ latencyScale: scale }), ...providersFromEnv(env)];
  return createProviderRegistry(providers);
}

/**
 * Refuses to start a graph that names a provider `registry` does not have: a GRAPH_INVALID
 * (BAD_REQUEST) listing each node and field, instead of a PROVIDER_NOT_FOUND once the run is
 * under way. Checks what a run calls (AI nodes, llm_judge judges); `usedBy: "any"` adds a
 * reflective optimizer node's reflection model (optimizations).
 */
export function assertProvidersConfigured(graph: { nodes?: unknown }, registry: ProviderRegistry, opts: { usedBy?: "run" | "any" } = {}): void {
  const known = registry.ids().join(", ") || "none";
  const issues = unavailableProviderIssues(graph, (id) => (registry.get(id) ? undefined : `${providerNotConfigured(id)} (available: ${known})`), {
    usedBy: opts.usedBy === "any" ? undefined : "run",
  });
  if (issues.length > 0) throw new GraphValidationError(issues);
}
