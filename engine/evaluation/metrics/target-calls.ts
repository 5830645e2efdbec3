import type { TokenUsage } from "../../providers/types.js";
import type { MetricContext } from "../types.js";
import { fmt, roundScore } from "./text.js";

/** What an AI node's output records about its model call. */
export interface TargetCall {
  model?: string;
  latencyMs?: number;
  usage?: TokenUsage;
  cached?: boolean;
}

/**
 * The model calls of the target AI node, read from its output in the run: one call, or one per item when
 * the node ran over a list (failed items are skipped). Undefined when the target has not produced output.
 */
export function targetCalls(target: string | undefined, ctx: MetricContext | undefined): TargetCall[] | undefined {
  if (!target) return undefined;
  const out = ctx?.nodes?.[target];
  if (out === undefined || out === null) return undefined;
  const items = Array.isArray(out) ? out : [out];
  return items.filter((o): o is TargetCall => o !== null && typeof o === "object");
}

/** Budget score: 1 at or under the limit, else limit / value (2× the limit scores 0.5, 4× scores 0.25). */
export function budgetScore(value: number, limit: number): number {
  return value <= limit ? 1 : roundScore(limit / value);
}

/** The feedback clause comparing a measured value with its limit. */
export function budgetClause(value: number, limit: number, unit: (n: number) => string): string {
  if (value <= limit) return `within the ${unit(limit)} limit`;
  return `over the ${unit(limit)} limit by ${fmt(Math.round((value / limit - 1) * 1000) / 10)}%`;
}

/** Feedback for a target that has not run (skipped or failed). */
export function noOutput(target: string | undefined): { score: number; feedback: string } {
  return { score: 0, feedback: `nothing to measure: target node "${target}" produced no output in this run` };
}
