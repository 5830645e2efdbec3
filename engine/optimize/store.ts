import type { Spend } from "./budget.js";
import type { CandidateRecord } from "./candidate.js";
import type { OptimizeConfig } from "./config.js";

/** Whether a parameter set was re-scored on the test split, and if not, why. */
export type TestStatus = "scored" | "not scored (budget exhausted)" | "not scored (provider errors)";

/** The figures a finished optimization reports for one parameter set. */
export interface ScoredParams {
  index: number;
  params: CandidateRecord["params"];
  validation: Record<string, number>;
  /** Test-split metrics; null when it was not re-scored (`testStatus` says why) — never zeros. */
  test: Record<string, number> | null;
  testStatus: TestStatus;
}

export interface OptimizationSummary {
  baseline: ScoredParams;
  best: ScoredParams;
  pareto: ScoredParams[];
  /**
   * Run totals of every model call the optimization made (candidates, minibatches, reflection,
   * bootstrap traces, test re-scoring), across resumes. Not the sum of the candidates' tokens.
   */
  tokensSpent: number;
  costSpent: number;
  llmCalls: number;
  /** Why the search stopped; a budget stop starts with "budget exhausted". */
  stopReason: string;
  /** True when the budget ended the search or left a test re-scoring undone. */
  budgetExhausted: boolean;
}

/** Where an optimization persists itself as it goes (the server backs it with SQLite). */
export interface OptimizationStore {
  createRun(run: { runId: string; workflowId: string; config: OptimizeConfig; datasetId?: string }): Promise<void>;
  /** Inserts an immutable candidate; inserting the same (index, split) again is a no-op. Does not touch the run's totals. */
  appendCandidate(runId: string, candidate: CandidateRecord): Promise<void>;
  /** Records the run's spend totals (absolute values; called after every model call, writes serialised). */
  saveSpend(runId: string, spend: Spend): Promise<void>;
  /** The run's recorded spend totals (a resume continues from them). */
  loadSpend(runId: string): Promise<Spend>;
  /**
   * Ends the run. `cause` is the error itself (for the store to classify, e.g. a transient
   * database failure that makes the run resumable); `spend` the final totals.
   */
  finishRun(
    runId: string,
    result: { status: "completed" | "failed" | "cancelled"; summary?: OptimizationSummary; error?: string; cause?: unknown; spend?: Spend },
  ): Promise<void>;
  /** Stored candidates in index order (for resume). */
  loadCandidates(runId: string): Promise<CandidateRecord[]>;
}

/** A run as the in-memory store keeps it. */
export interface MemoryRun {
  status: string;
  candidates: CandidateRecord[];
  spend: Spend;
  summary?: OptimizationSummary;
  error?: string;
}

/** An in-memory store for tests and one-off runs. */
export function createMemoryOptimizationStore(): OptimizationStore & { runs: Map<string, MemoryRun> } {
  const runs = new Map<string, MemoryRun>();
  const mustGet = (runId: string) => {
    const run = runs.get(runId);
    if (!run) throw new Error(`optimization run ${runId} not found`);
    return run;
  };
  return {
    runs,
    async createRun({ runId }) {
      if (!runs.has(runId)) runs.set(runId, { status: "running", candidates: [], spend: { tokens: 0, costUsd: 0, llmCalls: 0 } });
    },
    async appendCandidate(runId, c) {
      const run = mustGet(runId);
      if (!run.candidates.some((x) => x.index === c.index && x.split === c.split)) run.candidates.push(structuredClone(c));
    },
    async saveSpend(runId, spend) {
      mustGet(runId).spend = { ...spend };
    },
    async loadSpend(runId) {
      return { ...mustGet(runId).spend };
    },
    async finishRun(runId, r) {
      const run = mustGet(runId);
      Object.assign(run, { status: r.status, summary: r.summary, error: r.error });
      if (r.spend) run.spend = { ...r.spend };
    },
    async loadCandidates(runId) {
      return [...(runs.get(runId)?.candidates ?? [])].sort((a, b) => a.index - b.index);
    },
  };
}
