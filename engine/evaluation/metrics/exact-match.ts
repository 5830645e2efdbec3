import type { Metric } from "../types.js";
import { normalize } from "./normalize.js";
import { truncate } from "./text.js";

/** 1 when actual equals expected (after trimming; case-insensitive unless configured). */
export const exactMatch: Metric = {
  id: "exact_match",
  description: "1 when the answer equals the expected text (trimmed, case-insensitive by default), else 0.",
  requires: ["actual", "expected"],
  score({ actual, expected = "", caseSensitive }) {
    const ok = normalize(actual, caseSensitive) === normalize(expected, caseSensitive);
    return ok
      ? { score: 1, feedback: "exact match" }
      : { score: 0, feedback: `expected exactly ${JSON.stringify(expected)} but got ${JSON.stringify(truncate(actual))}` };
  },
};
