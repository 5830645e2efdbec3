import { createRun } from "../executor/run.js";
import { prepareGraph } from "../graph/prepare.js";
import { forEachConcurrent } from "../util/pool.js";
import type { ProviderRegistry } from "../providers/types.js";
import type { Graph } from "../schema/graph.js";
import { errorMessage } from "../errors.js";
import { aggregateMetrics } from "../evaluation/aggregate.js";
import { applyParams } from "./apply.js";
import type { CandidateParams, ExampleResult } from "./candidate.js";
import type { ObjectiveSpec } from "./config.js";

/** One dataset row with its position in the whole dataset. */
export interface IndexedRow {
  index: number;
  row: Record<string, unknown>;
}

export interface EvaluateOptions {
  graph: Graph;
  params: CandidateParams;
  rows: readonly IndexedRow[];
  providers: ProviderRegistry;
  concurrency: number;
  signal?: AbortSignal;
}

/** Runs the workflow with the candidate's parameters on each row (bounded concurrency); per-example results in row order. */
export async function evaluateParams(opts: EvaluateOptions): Promise<ExampleResult[]> {
  const prepared = prepareGraph(applyParams(opts.graph, opts.params));
  const evalNodes = prepared.graph.nodes.filter((n) => n.kind === "evaluation").map((n) => n.id);
  const aiNodes = prepared.graph.nodes.filter((n) => n.kind === "ai").map((n) => n.id);
  const targets = Object.keys(opts.params);
  const results: ExampleResult[] = new Array(opts.rows.length);
  await forEachConcurrent(opts.rows.length, opts.concurrency, async (i) => {
    const { index, row } = opts.rows[i];
    const r: ExampleResult = { row: index, ok: false, scores: {}, passed: {}, feedback: {}, outputs: {}, tokens: 0, latencyMs: 0, costUsd: 0 };
    try {
      const run = await (await createRun({ graph: prepared, inputs: row, providers: opts.providers, signal: opts.signal })).result;
      r.ok = run.status === "succeeded";
      r.tokens = run.usage.totalTokens;
      r.costUsd = run.costUsd;
      if (run.error) r.error = run.error.message;
      for (const id of evalNodes) {
        const out = run.nodes[id]?.output as { score?: number; passed?: boolean; feedback?: string } | undefined;
        r.scores[id] = out?.score ?? 0;
        r.passed[id] = out?.passed ?? false;
        r.feedback[id] = out?.feedback ?? `no score: ${run.nodes[id]?.status ?? "not run"}${run.error ? ` (${run.error.message})` : ""}`;
      }
      for (const id of aiNodes) r.latencyMs += (run.nodes[id]?.output as { latencyMs?: number } | undefined)?.latencyMs ?? 0;
      for (const id of targets) r.outputs[id] = (run.nodes[id]?.output as { text?: string } | undefined)?.text ?? "";
    } catch (err) {
      r.error = errorMessage(err);
      for (const id of evalNodes) {
        r.scores[id] = 0;
        r.passed[id] = false;
        r.feedback[id] = r.error;
      }
    }
    results[i] = r;
  }, opts.signal);
  return results.filter(Boolean);
}

/**
 * Per-example means of each objective's measure (evaluation scores, tokens, latency, cost), plus
 * the dataset-level aggregates: pass rate, p50/p95 latency, total tokens and cost.
 */
export function aggregateExamples(results: readonly ExampleResult[], objectives: readonly ObjectiveSpec[]): Record<string, number> {
  const n = Math.max(1, results.length);
  const mean = (f: (r: ExampleResult) => number) => results.reduce((s, r) => s + f(r), 0) / n;
  const evalIds = Object.keys(results[0]?.scores ?? {});
  const agg = aggregateMetrics(
    results.map((r) => ({ passed: evalIds.length > 0 && evalIds.every((id) => r.passed[id]), latencyMs: r.latencyMs, tokens: r.tokens, costUsd: r.costUsd })),
  );
  const out: Record<string, number> = {
    tokens: mean((r) => r.tokens),
    latency: mean((r) => r.latencyMs),
    cost: mean((r) => r.costUsd),
    passRate: agg.passRate,
    p50LatencyMs: agg.p50LatencyMs,
    p95LatencyMs: agg.p95LatencyMs,
    totalTokens: agg.totalTokens,
    totalCostUsd: agg.totalCostUsd,
  };
  for (const id of evalIds) out[id] = mean((r) => r.scores[id] ?? 0);
  for (const o of objectives) out[o.metric] ??= 0;
  return out;
}
