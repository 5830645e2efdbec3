import type { Metric } from "../types.js";
import { normalize } from "./normalize.js";
import { fmt, roundScore, truncate } from "./text.js";

/** Levenshtein distance in Unicode code points (insert, delete, substitute cost 1); O(n·m) time, O(m) memory. */
export function levenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (!s.length) return t.length;
  if (!t.length) return s.length;
  let prev = new Uint32Array(t.length + 1).map((_, j) => j);
  let cur = new Uint32Array(t.length + 1);
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[t.length];
}

/** 1 − edit distance / length of the longer text, after trimming (and lower-casing unless case-sensitive). */
export const editSimilarity: Metric = {
  id: "edit_similarity",
  description: "1 − Levenshtein distance / longer length between the answer and the expected text.",
  requires: ["actual", "expected"],
  score({ actual, expected = "", caseSensitive }) {
    const a = normalize(actual, caseSensitive);
    const e = normalize(expected, caseSensitive);
    const longest = Math.max(Array.from(a).length, Array.from(e).length);
    if (longest === 0) return { score: 1, feedback: "both empty", value: 1 };
    const distance = levenshtein(a, e);
    const score = roundScore(1 - distance / longest);
    const want = truncate(expected.trim(), 80);
    const feedback = distance === 0 ? "identical" : `${distance} character edit${distance === 1 ? "" : "s"} away from the expected ${JSON.stringify(want)} (similarity ${fmt(score)})`;
    return { score, feedback, value: score };
  },
};
