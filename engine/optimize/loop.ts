import { randomUUID } from "node:crypto";
import { AbortedError, FlowtuneError } from "../errors.js";
import { parseGraph } from "../graph/validate.js";
import type { ProviderRegistry } from "../providers/types.js";
import type { Graph } from "../schema/graph.js";
import { baselineParams } from "./apply.js";
import { budgetedProviders } from "./budget.js";
import type { CandidateRecord } from "./candidate.js";
import { OptimizeConfigSchema, type OptimizeConfig, type OptimizeConfigInput } from "./config.js";
import { optimizeConfigIssues } from "./check.js";
import { indexGraph } from "../graph/model.js";
import { OptimizationContext, type ProgressInfo, type Splits } from "./context.js";
import { labelledDemos } from "./demos.js";
import type { IndexedRow } from "./evaluate.js";
import { defaultInstructions } from "./instructions.js";
import { paretoFront } from "./pareto.js";
import type { TargetMaterial } from "./param-space.js";
import { createRng } from "./rng.js";
import type { OptimizationStore, OptimizationSummary, ScoredParams } from "./store.js";
import { runBootstrapFewShot } from "./drivers/bootstrap-fewshot.js";
import { runNumericSearch } from "./drivers/numeric.js";
import { runReflective } from "./drivers/reflective.js";
import { splitIndices } from "../dataset/split.js";

export interface OptimizeOptions {
  graph: Graph | unknown;
  rows: Record<string, unknown>[];
  config: OptimizeConfigInput;
  providers: ProviderRegistry;
  store: OptimizationStore;
  workflowId?: string;
  datasetId?: string;
  /** Resume this run: stored candidates are replayed, not re-evaluated. */
  resumeRunId?: string;
  signal?: AbortSignal;
  onProgress?: (p: ProgressInfo) => void;
  now?: () => number;
}

export interface OptimizeResult extends OptimizationSummary {
  runId: string;
  status: "completed";
  stopReason: string;
  candidates: CandidateRecord[];
}

/** Throws naming every objective, constraint or target that does not fit the graph. */
export function checkConfig(graph: Graph, config: OptimizeConfig): void {
  const issues = optimizeConfigIssues(indexGraph(graph), config);
  if (issues.length) throw new FlowtuneError("INPUT_INVALID", issues.map((i) => i.message).join("; "), { field: issues[0].field });
}

/**
 * Tunes the target AI nodes' parameters against the objectives over a dataset: evaluates the
 * baseline, runs the strategy (each candidate persisted as it finishes), re-scores the Pareto
 * front and the baseline on the test split, and returns exactly the parameter sets that were scored.
 */
export async function runOptimization(opts: OptimizeOptions): Promise<OptimizeResult> {
  const graph = parseGraph(opts.graph);
  const config = OptimizeConfigSchema.parse(opts.config);
  checkConfig(graph, config);
  const baseline = baselineParams(graph, config.targets);
  if (opts.rows.length < 3) throw new FlowtuneError("INPUT_INVALID", `an optimization needs at least 3 dataset rows (got ${opts.rows.length})`);
  const runId = opts.resumeRunId ?? randomUUID();
  const stored = opts.resumeRunId ? await opts.store.loadCandidates(runId) : [];
  const replay = new Map<number, CandidateRecord>();
  // Test re-scores share their candidate's index; they are keyed apart.
  for (const c of stored) replay.set(c.split === "test" ? -1 - c.index : c.index, c);
  if (!opts.resumeRunId) await opts.store.createRun({ runId, workflowId: opts.workflowId ?? graph.id, config, datasetId: opts.datasetId });

  const total = config.split.train + config.split.validation + config.split.test;
  const split = splitIndices(opts.rows, {
    seed: config.seed,
    fractions: { train: config.split.train / total, validation: config.split.validation / total, test: config.split.test / total },
  });
  const indexed = (ix: number[]): IndexedRow[] => ix.map((index) => ({ index, row: opts.rows[index] }));
  const splits: Splits = { train: indexed(split.train), validation: indexed(split.validation), test: indexed(split.test), control: new Set() };
  const rng = createRng(config.seed);
  const material: Record<string, TargetMaterial> = {};
  for (const t of config.targets) {
    material[t] = {
      instructions: config.searchSpace.instructions ?? defaultInstructions(graph, t),
      demos: rng.shuffle(labelledDemos(graph, t, splits.train)),
    };
  }
  const budget = budgetedProviders(opts.providers, config.limits);
  const ctx = new OptimizationContext(
    runId, config, graph, baseline, splits, material, budget.providers, budget.spend, budget.exhausted,
    (c) => opts.store.appendCandidate(runId, c), replay, opts.onProgress ?? (() => {}), opts.signal, opts.now ?? Date.now,
  );
  try {
    const base = await ctx.evaluate(baseline, { generation: 0, parentIds: [], origin: "baseline" });
    for (const r of base.perExample) if (Object.values(r.passed).every(Boolean)) splits.control.add(r.row);
    if (config.strategy === "reflective") await runReflective(ctx);
    else if (config.strategy === "bootstrap_fewshot") await runBootstrapFewShot(ctx);
    else await runNumericSearch(ctx, config.strategy);

    const stopReason = ctx.stopReason() ?? "the strategy finished";
    if (opts.signal?.aborted) throw new AbortedError("optimization cancelled");
    const summary = await summarize(ctx, base);
    await opts.store.finishRun(runId, { status: "completed", summary });
    return { runId, status: "completed", stopReason, candidates: ctx.records, ...summary };
  } catch (err) {
    const cancelled = opts.signal?.aborted === true;
    await opts.store.finishRun(runId, { status: cancelled ? "cancelled" : "failed", error: (err as Error).message });
    throw cancelled ? new AbortedError(`optimization ${runId} cancelled; resume it with its run id`) : err;
  }
}

// The front (by validation objectives) and the baseline are re-scored on the held-out test split.
async function summarize(ctx: OptimizationContext, base: CandidateRecord): Promise<OptimizationSummary> {
  const objectives = ctx.config.objectives.map((o) => ({ name: o.metric, direction: o.direction }));
  // Equal objective vectors add nothing to a front: keep the earliest candidate of each.
  const seen = new Set<string>();
  const evaluated = ctx.evaluated().filter((r) => {
    const key = JSON.stringify(r.objectives);
    return !seen.has(key) && (seen.add(key), true);
  });
  const front = paretoFront(
    evaluated.map((r) => ({ point: { index: r.index }, values: r.objectives, feasible: true })),
    objectives,
  ).map((o) => evaluated.find((r) => r.index === o.point.index)!);
  const scored = async (r: CandidateRecord): Promise<ScoredParams> => ({
    index: r.index,
    params: r.params,
    validation: r.metrics,
    test: (await ctx.scoreOnTest(r)).metrics,
  });
  const pareto: ScoredParams[] = [];
  for (const r of front.sort((a, b) => a.index - b.index)) pareto.push(await scored(r));
  const baseline = pareto.find((p) => p.index === base.index) ?? (await scored(base));
  const primary = ctx.config.objectives[0];
  const sign = primary.direction === "max" ? 1 : -1;
  // Best = the front member with the best primary objective on validation (ties: fewer tokens, then earlier).
  const best = [...pareto].sort((a, b) => sign * (b.validation[primary.metric] - a.validation[primary.metric]) || a.validation.tokens - b.validation.tokens || a.index - b.index)[0] ?? baseline;
  return { baseline, best, pareto, tokensSpent: ctx.spend.tokens, costSpent: ctx.spend.costUsd, llmCalls: ctx.spend.llmCalls };
}
