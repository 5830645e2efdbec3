import type { BranchResponse } from "./types.js";

/** The text a response votes with: `.text` of an AI output, the string itself, or JSON. */
export function defaultVoteKey(value: unknown): string {
  if (typeof value === "string") return value.trim().toLowerCase();
  if (value && typeof value === "object" && typeof (value as { text?: unknown }).text === "string") {
    return (value as { text: string }).text.trim().toLowerCase();
  }
  return JSON.stringify(value);
}

/** Tallies (weighted) votes; ties go to the key that arrived first. */
export function tally(
  responses: BranchResponse[],
  keyOf: (r: BranchResponse) => string,
  weightOf: (r: BranchResponse) => number,
): { winner: string; winnerResponse: BranchResponse; votes: Record<string, number>; agreement: number } {
  const votes: Record<string, number> = {};
  const firstArrival = new Map<string, BranchResponse>();
  let total = 0;
  for (const r of responses) {
    const k = keyOf(r);
    const w = weightOf(r);
    votes[k] = (votes[k] ?? 0) + w;
    total += w;
    const seen = firstArrival.get(k);
    if (!seen || r.arrival < seen.arrival) firstArrival.set(k, r);
  }
  let winner = "";
  for (const k of Object.keys(votes)) {
    if (
      !winner ||
      votes[k] > votes[winner] ||
      (votes[k] === votes[winner] && firstArrival.get(k)!.arrival < firstArrival.get(winner)!.arrival)
    ) {
      winner = k;
    }
  }
  return { winner, winnerResponse: firstArrival.get(winner)!, votes, agreement: total > 0 ? votes[winner] / total : 0 };
}
