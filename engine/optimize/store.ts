import type { CandidateRecord } from "./candidate.js";
import type { OptimizeConfig } from "./config.js";

/** The figures a finished optimization reports for one parameter set. */
export interface ScoredParams {
  index: number;
  params: CandidateRecord["params"];
  validation: Record<string, number>;
  test: Record<string, number>;
}

export interface OptimizationSummary {
  baseline: ScoredParams;
  best: ScoredParams;
  pareto: ScoredParams[];
  tokensSpent: number;
  costSpent: number;
  llmCalls: number;
}

/** Where an optimization persists itself as it goes (the server backs it with SQLite). */
export interface OptimizationStore {
  createRun(run: { runId: string; workflowId: string; config: OptimizeConfig; datasetId?: string }): Promise<void>;
  /** Inserts an immutable candidate; inserting the same (index, split) again is a no-op. */
  appendCandidate(runId: string, candidate: CandidateRecord): Promise<void>;
  finishRun(runId: string, result: { status: "completed" | "failed" | "cancelled"; summary?: OptimizationSummary; error?: string }): Promise<void>;
  /** Stored candidates in index order (for resume). */
  loadCandidates(runId: string): Promise<CandidateRecord[]>;
}

/** An in-memory store for tests and one-off runs. */
export function createMemoryOptimizationStore(): OptimizationStore & { runs: Map<string, { status: string; candidates: CandidateRecord[]; summary?: OptimizationSummary }> } {
  const runs = new Map<string, { status: string; candidates: CandidateRecord[]; summary?: OptimizationSummary }>();
  return {
    runs,
    async createRun({ runId }) {
      if (!runs.has(runId)) runs.set(runId, { status: "running", candidates: [] });
    },
    async appendCandidate(runId, c) {
      const run = runs.get(runId)!;
      if (!run.candidates.some((x) => x.index === c.index && x.split === c.split)) run.candidates.push(structuredClone(c));
    },
    async finishRun(runId, r) {
      Object.assign(runs.get(runId)!, { status: r.status, summary: r.summary });
    },
    async loadCandidates(runId) {
      return [...(runs.get(runId)?.candidates ?? [])].sort((a, b) => a.index - b.index);
    },
  };
}
