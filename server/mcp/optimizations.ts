/**
 * MCP tools over optimizations, in the spirit of the run-based seed: start one (its id at once),
 * follow its progress, finalize it with notes, list its candidates, list or cancel runs.
 */
import type { OptimizationProgressEvent } from "../services/optimizations.js";
import { defineTool, procedureInput, readyEvents, type Api } from "./tool.js";

type RunRecord = Awaited<ReturnType<Api["optimizations"]["get"]>>;

/** The objective metric names of a run, in objective order (the first is the primary one). */
function objectiveNames(run: RunRecord): string[] {
  return (run.config as { objectives?: Array<{ metric: string }> }).objectives?.map((o) => o.metric) ?? [];
}

/** What a list shows of a run (no config, no summaries: get_optimization_progress has them). */
function runLine(run: RunRecord) {
  return {
    runId: run.id,
    workflowId: run.workflowId,
    status: run.status,
    targetNodeIds: run.targetNodeIds,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...(run.stopReason !== null ? { stopReason: run.stopReason } : {}),
    ...(run.notes !== undefined ? { notes: run.notes } : {}),
  };
}

export const startOptimization = defineTool({
  name: "start_optimization",
  title: "Start an optimization",
  description:
    "Starts tuning AI nodes' parameters (config.targets) against objectives (evaluation node ids, or tokens/latency/cost) over a " +
    "stored dataset (name or id). Returns its runId at once; it runs in the background (poll get_optimization_progress). " +
    "Counts against the caller's start rate and concurrent-optimization cap.",
  procedures: ["optimizations.start"],
  input: procedureInput("optimizations.start"),
  async run(input, { api }) {
    const { runId } = await api.optimizations.start(input);
    return { runId, status: "running" };
  },
});

/** Pages through the validation split for one candidate (its metrics hold `n`, the examples it was scored on). */
async function validationCandidate(api: Api, runId: string, index: number) {
  let cursor: number | undefined;
  do {
    const page = await api.optimizations.candidates({ runId, split: "validation", limit: 1000, cursor });
    const found = page.candidates.find((c) => c.index === index);
    if (found) return found;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return undefined;
}

type Scored = { index: number; validation: Record<string, number>; test: Record<string, number> | null; testStatus: string };

export const getOptimizationProgress = defineTool({
  name: "get_optimization_progress",
  title: "Get an optimization's progress",
  description:
    "An optimization's status, candidates done of the total, the best candidate so far (its objective values, score = the primary " +
    "objective, and n = the validation examples it was scored on; once completed also its test figures), spend, stop reason, " +
    "error, and notes once finalized.",
  procedures: ["optimizations.get", "optimizations.progress", "optimizations.candidates"],
  input: procedureInput("optimizations.get"),
  async run({ runId }, { api, apiWith }) {
    const run = await api.optimizations.get({ runId });
    // The service's own latest progress event (live, or the stored state of a finished run).
    const latest = (await readyEvents<OptimizationProgressEvent>((a) => a.optimizations.progress({ runId }), apiWith)).at(-1);
    const names = objectiveNames(run);
    const total = (run.config as { limits?: { maxCandidates?: number } }).limits?.maxCandidates ?? latest?.maxCandidates ?? null;
    const final = run.best as Scored | undefined;
    const pick = final ? { index: final.index, objectives: Object.fromEntries(names.map((n) => [n, final.validation[n]])) } : latest?.best;
    let best: Record<string, unknown> | null = null;
    if (pick) {
      const n = final ? final.validation.n : ((await validationCandidate(api, runId, pick.index))?.metrics as Record<string, unknown> | undefined)?.n;
      best = {
        index: pick.index,
        objectives: pick.objectives,
        score: names.length ? pick.objectives[names[0]] : null,
        metric: names[0] ?? null,
        n: typeof n === "number" ? n : null,
        ...(final ? { test: final.test, testStatus: final.testStatus } : {}),
      };
    }
    return {
      runId: run.id,
      workflowId: run.workflowId,
      status: run.status,
      done: latest?.candidates ?? 0,
      total,
      best,
      spend: { tokens: run.tokensSpent, costUsd: run.costSpent, llmCalls: run.llmCalls },
      ...(run.stopReason !== null ? { stopReason: run.stopReason, budgetExhausted: run.budgetExhausted } : {}),
      ...(run.error ? { error: run.error } : {}),
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      finalized: run.notes !== undefined,
      ...(run.notes !== undefined ? { notes: run.notes } : {}),
    };
  },
});

export const finalizeOptimization = defineTool({
  name: "finalize_optimization",
  title: "Finalize an optimization",
  description:
    "Closes an optimization that has ended (completed, failed, cancelled or interrupted) with notes: what was learned, what was " +
    "promoted. Finalizing again replaces the notes. Refused (CONFLICT) while it is still running.",
  procedures: ["optimizations.finalize"],
  input: procedureInput("optimizations.finalize"),
  async run(input, { api }) {
    const run = await api.optimizations.finalize(input);
    return { ...runLine(run), finalized: true };
  },
});

export const listCandidates = defineTool({
  name: "list_candidates",
  title: "List an optimization's candidates",
  description:
    "A page of an optimization's candidates in index order: split (validation, test, …), status, objective values, metrics " +
    "(n = examples scored, passRate, …) and the parameters tried. perExample adds each example's result. Page with nextCursor.",
  procedures: ["optimizations.candidates"],
  input: procedureInput("optimizations.candidates"),
  async run(input, { api }) {
    const page = await api.optimizations.candidates(input);
    return {
      candidates: page.candidates.map(({ id: _id, runId: _r, paramsChecksum: _c, ...c }) => c),
      ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
    };
  },
});

export const listOptimizations = defineTool({
  name: "list_optimizations",
  title: "List optimizations",
  description: "Optimization runs, newest first (optionally of one workflow or with one status); page with nextCursor.",
  procedures: ["optimizations.list"],
  input: procedureInput("optimizations.list"),
  async run(input, { api }) {
    const page = await api.optimizations.list(input);
    return { runs: page.runs.map(runLine), ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
  },
});

export const cancelOptimization = defineTool({
  name: "cancel_optimization",
  title: "Cancel an optimization",
  description: "Stops a running optimization (it stays resumable); cancelled is false when it was not running in this server.",
  procedures: ["optimizations.cancel"],
  input: procedureInput("optimizations.cancel"),
  async run(input, { api }) {
    return { runId: input.runId, ...(await api.optimizations.cancel(input)) };
  },
});

export const optimizationTools = [startOptimization, getOptimizationProgress, finalizeOptimization, listCandidates, listOptimizations, cancelOptimization];
