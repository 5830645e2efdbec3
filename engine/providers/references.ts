/**
 * Where a graph names a provider: each AI node's `config.provider`, each llm_judge evaluation's
 * judge (default "sim"), and a reflective optimizer node's reflection model. The editor and the
 * server check these against the configured providers, so a graph naming one that does not exist
 * is refused before it starts instead of failing mid-run with PROVIDER_NOT_FOUND.
 * Pure (no I/O): the editor imports it through engine/browser.ts.
 */
import type { GraphIssue } from "../errors.js";

/** One place a graph names a provider. */
export interface ProviderReference {
  nodeId: string;
  /** Dotted field path, e.g. `config.provider`. */
  field: string;
  provider: string;
  /** "run": called when the graph runs; "optimize": only by an optimization (the reflection model). */
  usedBy: "run" | "optimize";
}

interface LooseNode {
  id?: unknown;
  kind?: unknown;
  config?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const named = (v: unknown, fallback: string): string | undefined => (v === undefined ? fallback : typeof v === "string" && v.trim() !== "" ? v : undefined);

/**
 * Every provider reference of `graph`, in node order. Tolerates a graph that does not validate
 * (the editor checks drafts): malformed nodes and empty names are skipped, the schema reports those.
 */
export function providerReferences(graph: { nodes?: unknown }): ProviderReference[] {
  const refs: ProviderReference[] = [];
  const nodes: unknown[] = Array.isArray(graph.nodes) ? graph.nodes : [];
  for (const raw of nodes) {
    if (!isRecord(raw)) continue;
    const node = raw as LooseNode;
    if (typeof node.id !== "string" || !isRecord(node.config)) continue;
    const config = node.config;
    const push = (field: string, provider: string | undefined, usedBy: ProviderReference["usedBy"]) => {
      if (provider !== undefined) refs.push({ nodeId: node.id as string, field, provider, usedBy });
    };
    if (node.kind === "ai") {
      push("config.provider", named(config.provider, "sim"), "run");
      // A summary memory calls its own model after each turn.
      if (isRecord(config.memory) && typeof config.memory.summaryProvider === "string" && config.memory.summaryProvider.trim()) push("config.memory.summaryProvider", config.memory.summaryProvider, "run");
    } else if (node.kind === "evaluation" && config.metric === "llm_judge") {
      push("config.judge.provider", isRecord(config.judge) ? named(config.judge.provider, "sim") : "sim", "run");
    } else if (node.kind === "optimizer" && config.strategy === "reflective") {
      push("config.reflection.provider", isRecord(config.reflection) ? named(config.reflection.provider, "sim") : "sim", "optimize");
    }
  }
  return refs;
}

/** The standard problem for a provider id no one configured. */
export function providerNotConfigured(id: string): string {
  return `provider "${id}" is not configured — add it under Providers`;
}

/**
 * One issue per reference whose provider has a problem: `problem(id)` returns why the provider
 * cannot be used (e.g. {@link providerNotConfigured}) or undefined when it can. `usedBy` limits
 * the references checked (a run start checks only "run").
 */
export function unavailableProviderIssues(
  graph: { nodes?: unknown },
  problem: (providerId: string) => string | undefined,
  opts: { usedBy?: ProviderReference["usedBy"] } = {},
): GraphIssue[] {
  const issues: GraphIssue[] = [];
  for (const ref of providerReferences(graph)) {
    if (opts.usedBy && ref.usedBy !== opts.usedBy) continue;
    const message = problem(ref.provider);
    if (message) issues.push({ nodeId: ref.nodeId, field: ref.field, message });
  }
  return issues;
}
