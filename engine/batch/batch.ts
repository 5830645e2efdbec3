import { randomUUID } from "node:crypto";
import type { DatasetRow } from "../dataset/parse.js";
import { createRun } from "../executor/run.js";
import { prepareGraph } from "../graph/prepare.js";
import { forEachConcurrent } from "../util/pool.js";
import type { RunHistorySink } from "../executor/history.js";
import type { RunResult } from "../executor/types.js";
import type { ProviderRegistry } from "../providers/types.js";
import type { Graph } from "../schema/graph.js";
import { errorMessage } from "../errors.js";
import { percentile } from "../evaluation/aggregate.js";

/** Aggregate statistics of a batch. */
export interface BatchStats {
  runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  meanLatencyMs: number;
  p95LatencyMs: number;
  totalTokens: number;
  costUsd: number;
  /** Mean score per evaluation node over the runs where it produced one. */
  scores: Record<string, { mean: number; passRate: number; n: number }>;
  wallMs: number;
}

export interface BatchProgress {
  done: number;
  total: number;
  failed: number;
  last?: RunResult;
}

export interface BatchOptions {
  graph: Graph;
  rows: DatasetRow[];
  providers: ProviderRegistry;
  concurrency?: number;
  history?: RunHistorySink;
  workflowId?: string;
  signal?: AbortSignal;
  onProgress?: (p: BatchProgress) => void;
}

/** Runs a graph once per dataset row with at most `concurrency` runs at a time. */
export async function runBatch(opts: BatchOptions): Promise<{ stats: BatchStats; results: Array<RunResult | { error: string; row: number }> }> {
  const started = performance.now();
  const results: Array<RunResult | { error: string; row: number }> = new Array(opts.rows.length);
  // Validate and index once for every row.
  const graph = prepareGraph(opts.graph);
  // One owner for the whole batch: its runs take one turn in the render workers, not one each, so a
  // big batch delays another user's run by about one render, not by the batch.
  const renderOwner = `batch:${randomUUID()}`;
  let done = 0;
  let failed = 0;
  await forEachConcurrent(opts.rows.length, opts.concurrency ?? 4, async (i) => {
    try {
      const handle = await createRun({ graph, inputs: opts.rows[i], providers: opts.providers, history: opts.history, workflowId: opts.workflowId, signal: opts.signal, renderOwner });
      const r = await handle.result;
      results[i] = r;
      if (r.status !== "succeeded") failed++;
    } catch (err) {
      // Bad inputs for one row fail that row, not the batch.
      results[i] = { error: errorMessage(err), row: i };
      failed++;
    }
    done++;
    opts.onProgress?.({ done, total: opts.rows.length, failed, last: "runId" in results[i] ? (results[i] as RunResult) : undefined });
  }, opts.signal);
  return { stats: summarize(opts.graph, results.filter(Boolean), performance.now() - started), results };
}

/** Computes batch statistics from run results. */
export function summarize(graph: Graph, results: Array<RunResult | { error: string; row: number }>, wallMs: number): BatchStats {
  const runs = results.filter((r): r is RunResult => "runId" in r);
  const lat = runs.map((r) => r.durationMs).sort((a, b) => a - b);
  const evalIds = graph.nodes.filter((n) => n.kind === "evaluation").map((n) => n.id);
  const scores: BatchStats["scores"] = {};
  for (const id of evalIds) {
    const outs = runs.map((r) => r.nodes[id]?.output as { score?: number; passed?: boolean } | undefined).filter((o) => typeof o?.score === "number");
    if (outs.length) {
      scores[id] = {
        mean: outs.reduce((s, o) => s + o!.score!, 0) / outs.length,
        passRate: outs.filter((o) => o!.passed).length / outs.length,
        n: outs.length,
      };
    }
  }
  return {
    runs: results.length,
    succeeded: runs.filter((r) => r.status === "succeeded").length,
    failed: results.length - runs.filter((r) => r.status === "succeeded" || r.status === "cancelled").length,
    cancelled: runs.filter((r) => r.status === "cancelled").length,
    meanLatencyMs: lat.length ? lat.reduce((a, b) => a + b, 0) / lat.length : 0,
    p95LatencyMs: percentile(lat, 0.95),
    totalTokens: runs.reduce((s, r) => s + r.usage.totalTokens, 0),
    costUsd: runs.reduce((s, r) => s + r.costUsd, 0),
    scores,
    wallMs,
  };
}

// Lives with the dataset aggregates (engine/evaluation/aggregate.ts); re-exported for existing callers.
export { percentile };
