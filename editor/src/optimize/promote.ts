/** The reason a one-step promotion suggests (the user edits it before confirming). Pure; unit-tested. */
import { shortId } from "../format.js";
import { formatNumber, metricValue, type CandidateLike } from "./model.js";

/**
 * "candidate #7 of optimization 1a2b3c4d: grade 0.917 (baseline 0.417), tokens 52 (baseline 40)
 * on validation": each objective's value, and the baseline's (candidate #0) when it differs.
 */
export function suggestReason(args: {
  runId: string;
  candidate: CandidateLike;
  baseline?: CandidateLike;
  objectives: ReadonlyArray<{ metric: string }>;
}): string {
  const { runId, candidate, baseline, objectives } = args;
  const parts: string[] = [];
  for (const { metric } of objectives) {
    const v = metricValue(candidate, metric);
    if (v === undefined) continue;
    const b = baseline && baseline.index !== candidate.index ? metricValue(baseline, metric) : undefined;
    parts.push(`${metric} ${formatNumber(v)}${b !== undefined && b !== v ? ` (baseline ${formatNumber(b)})` : ""}`);
  }
  const head = `candidate #${candidate.index} of optimization ${shortId(runId)}`;
  return parts.length ? `${head}: ${parts.join(", ")} on validation` : head;
}
