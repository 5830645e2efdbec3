import type { AiParams } from "../schema/graph.js";

/** The full parameter bundle of every target AI node: what a candidate is. */
export type CandidateParams = Record<string, AiParams>;

/** One example's result for a candidate. */
export interface ExampleResult {
  row: number;
  ok: boolean;
  /**
   * `error`: not scored — a provider call failed (or the budget refused it) and the run could not
   * recover; `error` says why, and the example counts in no aggregate. Absent in records stored
   * before this field existed: those were scored.
   */
  status?: "scored" | "error";
  /** Evaluation node id → score. */
  scores: Record<string, number>;
  passed: Record<string, boolean>;
  /** Evaluation node id → feedback text (what reflective strategies read). */
  feedback: Record<string, string>;
  /** Target node id → its output text. */
  outputs: Record<string, string>;
  tokens: number;
  latencyMs: number;
  costUsd: number;
  error?: string;
}

/** A candidate as stored: immutable once written. */
export interface CandidateRecord {
  index: number;
  generation: number;
  parentIds: number[];
  params: CandidateParams;
  paramsChecksum: string;
  status: "evaluated" | "rejected" | "failed";
  rejectReason?: string;
  split: "validation" | "test";
  /** How it was made: baseline, strategy id, operator name. */
  origin: string;
  perExample: ExampleResult[];
  /** Aggregates: objective metric → value (means per example), plus passRate. */
  metrics: Record<string, number>;
  /** One value per objective, in objective order. */
  objectives: number[];
  tokens: number;
  costUsd: number;
  llmCalls: number;
}

/** True when the example was not scored (an infrastructure error, not the candidate's answer). */
export function isErrored(r: ExampleResult): boolean {
  return r.status === "error";
}

/** True when the example was scored and passed every evaluation node. */
export function passedAll(r: ExampleResult): boolean {
  return !isErrored(r) && Object.values(r.passed).every(Boolean);
}
