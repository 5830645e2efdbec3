import type { CandidateRecord as EngineCandidate, OptimizationStore as EngineStore, OptimizeConfig } from "../../engine/index.js";
import type { OptimizationStore } from "../store/optimizations.js";

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
    async finishRun(runId, r) {
      await store.finishRun(runId, {
        status: r.status,
        baseline: r.summary?.baseline,
        best: r.summary?.best,
        pareto: r.summary?.pareto,
        error: r.error ? { code: r.status === "cancelled" ? "RUN_CANCELLED" : "OPTIMIZATION_FAILED", message: r.error } : undefined,
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
