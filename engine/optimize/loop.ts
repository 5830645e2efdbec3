import { randomUUID } from "node:crypto";
import { AbortedError, FlowtuneError } from "../errors.js";
import { parseGraph } from "../graph/validate.js";
import type { ProviderRegistry } from "../providers/types.js";
import type { Graph } from "../schema/graph.js";
import { baselineParams } from "./apply.js";
import { Budget, BUDGET_EXHAUSTED, isBudgetStop } from "./budget.js";
import { passedAll, type CandidateRecord } from "./candidate.js";
import { OptimizeConfigSchema, type OptimizeConfig, type OptimizeConfigInput } from "./config.js";
import { optimizeConfigIssues } from "./check.js";
import { unpricedModelIssues } from "./cost-cap.js";
import { indexGraph } from "../graph/model.js";
import { OptimizationContext, SearchStopped, type ProgressInfo, type Splits } from "./context.js";
import { labelledDemos } from "./demos.js";
import type { IndexedRow } from "./evaluate.js";
import { defaultInstructions } from "./instructions.js";
import { paretoFront } from "./pareto.js";
import type { TargetMaterial } from "./param-space.js";
import { createRng } from "./rng.js";
import type { OptimizationStore, OptimizationSummary, ScoredParams, TestStatus } from "./store.js";
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
  candidates: CandidateRecord[];
}

/** Throws naming every objective, constraint or target that does not fit the graph, and a cost cap it cannot hold. */
export function checkConfig(graph: Graph, config: OptimizeConfig): void {
  const issues = [...optimizeConfigIssues(indexGraph(graph), config), ...unpricedModelIssues(graph, config)];
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
      demos: rng.shuffle(await labelledDemos(graph, t, splits.train, { owner: runId })),
    };
  }
  const budget = new Budget(opts.providers, config.limits, {
    // A resume continues from the recorded totals: the cap holds across any number of restarts.
    spend: opts.resumeRunId ? await opts.store.loadSpend(runId) : undefined,
    save: (spend) => opts.store.saveSpend(runId, spend),
  });
  const ctx = new OptimizationContext({
    runId, config, graph, baseline, splits, material, budget, replay,
    persist: (c) => opts.store.appendCandidate(runId, c),
    onProgress: opts.onProgress ?? (() => {}),
    signal: opts.signal,
    now: opts.now ?? Date.now,
  });
  try {
    const base = await ctx.evaluate(baseline, { generation: 0, parentIds: [], origin: "baseline" });
    for (const r of base.perExample) if (passedAll(r)) splits.control.add(r.row);
    let searchStop: string | undefined;
    try {
      if (config.strategy === "reflective") await runReflective(ctx);
      else if (config.strategy === "bootstrap_fewshot") await runBootstrapFewShot(ctx);
      else await runNumericSearch(ctx, config.strategy);
    } catch (err) {
      if (!(err instanceof SearchStopped)) throw err;
      searchStop = err.reason;
    }
    if (opts.signal?.aborted) throw new AbortedError("optimization cancelled");
    searchStop ??= ctx.stopReason() ?? "the strategy finished";
    ctx.adoptStored();
    // The holdout may use the reserve the search left.
    budget.enterHoldout();
    const scored = await summarize(ctx, base);
    if (opts.signal?.aborted) throw new AbortedError("optimization cancelled");
    const holdoutCut = [scored.baseline, ...scored.pareto].some((p) => p.testStatus === "not scored (budget exhausted)");
    const stopReason = isBudgetStop(searchStop) || !holdoutCut ? searchStop : `${budget.exhausted() ?? BUDGET_EXHAUSTED} during the test re-scoring (the search had stopped: ${searchStop})`;
    await budget.flush();
    const summary: OptimizationSummary = {
      ...scored,
      tokensSpent: budget.spend.tokens,
      costSpent: budget.spend.costUsd,
      llmCalls: budget.spend.llmCalls,
      stopReason,
      budgetExhausted: isBudgetStop(stopReason),
    };
    await opts.store.finishRun(runId, { status: "completed", summary, spend: { ...budget.spend } });
    return { runId, status: "completed", candidates: ctx.records, ...summary };
  } catch (err) {
    const cancelled = opts.signal?.aborted === true;
    await budget.flush().catch(() => undefined);
    await opts.store.finishRun(runId, { status: cancelled ? "cancelled" : "failed", error: (err as Error).message, cause: err, spend: { ...budget.spend } });
    throw cancelled ? new AbortedError(`optimization ${runId} cancelled; resume it with its run id`) : err;
  }
}

type Scored = Pick<OptimizationSummary, "baseline" | "best" | "pareto">;

/**
 * The front (by validation objectives) and the baseline, re-scored on the held-out test split:
 * the baseline first, then the best, then the rest of the front, each while the budget lasts. One
 * the budget (or a provider) cut short reports `test: null` with why, never zeros.
 */
async function summarize(ctx: OptimizationContext, base: CandidateRecord): Promise<Scored> {
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
  )
    .map((o) => evaluated.find((r) => r.index === o.point.index)!)
    .sort((a, b) => a.index - b.index);
  const primary = ctx.config.objectives[0];
  const sign = primary.direction === "max" ? 1 : -1;
  // Best = the front member with the best primary objective on validation (ties: fewer tokens, then earlier).
  const bestRec = [...front].sort((a, b) => sign * (b.metrics[primary.metric] - a.metrics[primary.metric]) || a.metrics.tokens - b.metrics.tokens || a.index - b.index)[0] ?? base;
  const byIndex = new Map<number, ScoredParams>();
  for (const r of [base, bestRec, ...front]) {
    if (byIndex.has(r.index)) continue;
    const t = await ctx.scoreOnTest(r);
    const testStatus: TestStatus = !t || (t.status === "failed" && isBudgetStop(t.rejectReason)) ? "not scored (budget exhausted)" : t.status === "failed" ? "not scored (provider errors)" : "scored";
    byIndex.set(r.index, { index: r.index, params: r.params, validation: r.metrics, test: testStatus === "scored" ? t!.metrics : null, testStatus });
  }
  return { baseline: byIndex.get(base.index)!, best: byIndex.get(bestRec.index)!, pareto: front.map((r) => byIndex.get(r.index)!) };
}
