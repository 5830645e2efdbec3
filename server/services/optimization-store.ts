import { errorMessage, type CandidateRecord as EngineCandidate, type ErrorInfo, type OptimizationStore as EngineStore, type OptimizeConfig } from "../../engine/index.js";
import type { OptimizationStore } from "../store/optimizations.js";
import { isTransientDbError } from "../store/transient.js";

/**
 * How a failed optimization's error is stored: a transient database failure (lock contention, a
 * write that timed out) is code TRANSIENT with a plain message — the run may be resumed, and the
 * driver's text (paths, query excerpts) stays out of what clients read; anything else is
 * OPTIMIZATION_FAILED with its message.
 */
export function optimizationFailure(err: unknown, message = errorMessage(err)): ErrorInfo {
  if (isTransientDbError(err)) return { code: "TRANSIENT", message: "a database write failed under contention (transient); resume the optimization to continue" };
  return { code: "OPTIMIZATION_FAILED", message };
}

/** Adapts the SQLite optimization store to the engine's persistence interface. */
export function engineOptimizationStore(store: OptimizationStore): EngineStore {
  const configs = new Map<string, OptimizeConfig>();
  const objectiveNames = async (runId: string) => {
    let config = configs.get(runId);
    if (!config) {
      config = (await store.getRun(runId))?.config as unknown as OptimizeConfig;
      configs.set(runId, config);
    }
    return config.objectives.map((o) => o.metric);
  };
  return {
    async createRun({ runId, workflowId, config, datasetId }) {
      configs.set(runId, config);
      await store.createRun({ id: runId, workflowId, targetNodeIds: config.targets, datasetId: datasetId ?? null, config: config as unknown as Record<string, unknown> });
    },
    async appendCandidate(runId, c) {
      const names = await objectiveNames(runId);
      await store.appendCandidate(runId, {
        index: c.index,
        generation: c.generation,
        parentIds: c.parentIds,
        params: c.params as unknown as Record<string, Record<string, unknown>>,
        status: c.status,
        rejectReason: c.rejectReason ?? null,
        split: c.split,
        perExample: c.perExample,
        // The origin (baseline, strategy, operator) travels with the metrics.
        metrics: { ...c.metrics, origin: c.origin },
        objectives: Object.fromEntries(names.map((n, i) => [n, c.objectives[i]])),
        tokens: c.tokens,
        costUsd: c.costUsd,
        llmCalls: c.llmCalls,
      });
    },
    async saveSpend(runId, spend) {
      await store.recordSpend(runId, spend);
    },
    async loadSpend(runId) {
      const run = await store.getRun(runId);
      return { tokens: run?.tokensSpent ?? 0, costUsd: run?.costSpent ?? 0, llmCalls: run?.llmCalls ?? 0 };
    },
    async finishRun(runId, r) {
      const error = r.error === undefined ? undefined : r.status === "cancelled" ? { code: "RUN_CANCELLED", message: r.error } : optimizationFailure(r.cause ?? r.error, r.error);
      await store.finishRun(runId, {
        status: r.status,
        baseline: r.summary?.baseline,
        best: r.summary?.best,
        pareto: r.summary?.pareto,
        error,
        stopReason: r.summary?.stopReason,
        ...(r.spend ? { tokensSpent: r.spend.tokens, costSpent: r.spend.costUsd, llmCalls: r.spend.llmCalls } : {}),
      });
    },
    async loadCandidates(runId) {
      const names = await objectiveNames(runId);
      const { candidates } = await store.resumeState(runId);
      return candidates.map((c): EngineCandidate => {
        const { origin, ...metrics } = (c.metrics ?? {}) as Record<string, number | string>;
        return {
          index: c.index,
          generation: c.generation,
          parentIds: c.parentIds,
          params: c.params as unknown as EngineCandidate["params"],
          paramsChecksum: c.paramsChecksum,
          status: c.status,
          rejectReason: c.rejectReason ?? undefined,
          split: c.split as EngineCandidate["split"],
          origin: String(origin ?? ""),
          perExample: (c.perExample ?? []) as EngineCandidate["perExample"],
          metrics: metrics as Record<string, number>,
          objectives: names.map((n) => c.objectives?.[n] ?? NaN),
          tokens: c.tokens,
          costUsd: c.costUsd,
          llmCalls: c.llmCalls,
        };
      });
    },
  };
}
