import type { Metric } from "../types.js";
import { normalize } from "./normalize.js";

/** 1 when actual equals expected (after trimming; case-insensitive unless configured). */
export const exactMatch: Metric = {
  id: "exact_match",
  requires: ["expected"],
  score({ actual, expected = "", caseSensitive }) {
    const ok = normalize(actual, caseSensitive) === normalize(expected, caseSensitive);
    return ok
      ? { score: 1, feedback: "exact match" }
      : { score: 0, feedback: `expected exactly ${JSON.stringify(expected)} but got ${JSON.stringify(truncate(actual))}` };
  },
};

function truncate(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
