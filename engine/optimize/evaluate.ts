import { createRun } from "../executor/run.js";
import { prepareGraph } from "../graph/prepare.js";
import { forEachConcurrent } from "../util/pool.js";
import type { Provider, ProviderRegistry } from "../providers/types.js";
import type { Graph } from "../schema/graph.js";
import { errorMessage } from "../errors.js";
import { aggregateMetrics } from "../evaluation/aggregate.js";
import { applyParams } from "./apply.js";
import { isErrored, type CandidateParams, type ExampleResult } from "./candidate.js";
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
  /** Checked before each example starts: a reason means the example is not run (recorded as an error). */
  stop?: () => string | undefined;
  /**
   * Owner of the example runs' template renders and worker checks (RunOptions.renderOwner): the
   * optimization's run id, so that all its examples take one turn in the workers, not one each.
   */
  renderOwner?: string;
}

/**
 * Runs the workflow with the candidate's parameters on each row (bounded concurrency); per-example
 * results in row order. An example where a provider call failed and the run did not recover from
 * it (the budget refused it, the network failed, it timed out) is `status: "error"` with no
 * scores: a failure of the infrastructure is not a score of 0. So is an example whose evaluation
 * node failed (its check could not run, e.g. over a regex or JSON limit, or a judge that gave no
 * score). A run that fails on the candidate's own account (a bad output, a template) is scored as it came out.
 */
export async function evaluateParams(opts: EvaluateOptions): Promise<ExampleResult[]> {
  const prepared = prepareGraph(applyParams(opts.graph, opts.params));
  const evalNodes = prepared.graph.nodes.filter((n) => n.kind === "evaluation").map((n) => n.id);
  const aiNodes = prepared.graph.nodes.filter((n) => n.kind === "ai").map((n) => n.id);
  const targets = Object.keys(opts.params);
  const results: ExampleResult[] = new Array(opts.rows.length);
  await forEachConcurrent(opts.rows.length, opts.concurrency, async (i) => {
    const { index, row } = opts.rows[i];
    const r: ExampleResult = { row: index, ok: false, status: "scored", scores: {}, passed: {}, feedback: {}, outputs: {}, tokens: 0, latencyMs: 0, costUsd: 0 };
    const stopped = opts.stop?.();
    if (stopped) {
      results[i] = { ...r, status: "error", error: stopped };
      return;
    }
    const failures: unknown[] = [];
    try {
      const run = await (await createRun({ graph: prepared, inputs: row, providers: observed(opts.providers, failures), signal: opts.signal, renderOwner: opts.renderOwner })).result;
      r.ok = run.status === "succeeded";
      r.tokens = run.usage.totalTokens;
      r.costUsd = run.costUsd;
      if (run.error) r.error = run.error.message;
      const score = (id: string) => (run.nodes[id]?.output as { score?: number } | undefined)?.score;
      // A provider failure the run recovered from (a node retry) does not matter; one it did not, does.
      const unrecovered = failures.length > 0 && (!r.ok || Object.values(run.nodes).some((n) => n.status === "failed") || evalNodes.some((id) => typeof score(id) !== "number"));
      // An evaluation node that failed did not score the answer: no score, not a 0.
      const unchecked = evalNodes.find((id) => run.nodes[id]?.status === "failed");
      if (unrecovered) {
        r.status = "error";
        r.error = errorMessage(failures[failures.length - 1]);
      } else if (unchecked) {
        r.status = "error";
        r.error = `evaluation node "${unchecked}" could not score this example: ${run.nodes[unchecked].error?.message ?? "it failed"}`;
      } else {
        for (const id of evalNodes) {
          const out = run.nodes[id]?.output as { score?: number; passed?: boolean; feedback?: string } | undefined;
          r.scores[id] = out?.score ?? 0;
          r.passed[id] = out?.passed ?? false;
          r.feedback[id] = out?.feedback ?? `no score: ${run.nodes[id]?.status ?? "not run"}${run.error ? ` (${run.error.message})` : ""}`;
        }
      }
      for (const id of aiNodes) r.latencyMs += (run.nodes[id]?.output as { latencyMs?: number } | undefined)?.latencyMs ?? 0;
      for (const id of targets) r.outputs[id] = (run.nodes[id]?.output as { text?: string } | undefined)?.text ?? "";
    } catch (err) {
      // The run could not even start (e.g. the row does not fit the inputs): nothing was scored.
      r.status = "error";
      r.error = errorMessage(err);
    }
    results[i] = r;
  }, opts.signal);
  return results.filter(Boolean);
}

// The registry with every provider call's failure noted in `failures`.
function observed(providers: ProviderRegistry, failures: unknown[]): ProviderRegistry {
  return {
    ids: () => providers.ids(),
    get(id) {
      const p = providers.get(id);
      if (!p) return undefined;
      const wrapped: Provider = {
        id: p.id,
        complete: async (req, o) => {
          try {
            return await p.complete(req, o);
          } catch (err) {
            failures.push(err);
            throw err;
          }
        },
      };
      return wrapped;
    },
  };
}

/**
 * Per-example means of each objective's measure (evaluation scores, tokens, latency, cost) over
 * the scored examples, plus the dataset-level aggregates: pass rate, p50/p95 latency, total
 * tokens and cost (of every example: errored ones spent too), `n` (examples scored) and `errors`
 * (examples not scored). With nothing scored there are no means at all, never zeros.
 */
export function aggregateExamples(results: readonly ExampleResult[], objectives: readonly ObjectiveSpec[]): Record<string, number> {
  const scored = results.filter((r) => !isErrored(r));
  const all = aggregateMetrics(results.map((r) => ({ latencyMs: r.latencyMs, tokens: r.tokens, costUsd: r.costUsd })));
  const out: Record<string, number> = { n: scored.length, errors: results.length - scored.length, totalTokens: all.totalTokens, totalCostUsd: all.totalCostUsd };
  if (scored.length === 0) return out;
  const mean = (f: (r: ExampleResult) => number) => scored.reduce((s, r) => s + f(r), 0) / scored.length;
  const evalIds = Object.keys(scored[0].scores);
  const agg = aggregateMetrics(scored.map((r) => ({ passed: evalIds.length > 0 && evalIds.every((id) => r.passed[id]), latencyMs: r.latencyMs })));
  Object.assign(out, {
    tokens: mean((r) => r.tokens),
    latency: mean((r) => r.latencyMs),
    cost: mean((r) => r.costUsd),
    passRate: agg.passRate,
    p50LatencyMs: agg.p50LatencyMs,
    p95LatencyMs: agg.p95LatencyMs,
  });
  for (const id of evalIds) out[id] = mean((r) => r.scores[id] ?? 0);
  for (const o of objectives) out[o.metric] ??= 0;
  return out;
}
