import type { Metric } from "../types.js";
import { fmt, roundScore, truncate } from "./text.js";

// A number not glued to a word or a dot: "-3", "1,234.5", "2.5e3"; "12-5" reads 12 and 5.
const NUMBER = /(?<![\w.])[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|(?<![\w.])[-−+]?\.\d+/g;

/** The number a text states: the whole text when it is a number, else the last number in it (thousands commas allowed). */
export function readNumber(text: string): number | undefined {
  const t = text.trim();
  if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  const last = t.match(NUMBER)?.at(-1);
  if (last === undefined) return undefined;
  const n = Number(last.replace(/,/g, "").replace("−", "-"));
  return Number.isFinite(n) ? n : undefined;
}

/**
 * 1 when |actual − expected| ≤ allowed = max(absolute, relative × |expected|); beyond that the score halves
 * for every `scale` of extra error: 2^(−(error − allowed) / scale), scale = allowed, or max(|expected|, 1) / 10
 * when the tolerance is 0.
 */
export const numeric: Metric = {
  id: "numeric",
  description: "Closeness of the number in the answer to the expected number: 1 within `tolerance`, halving per tolerance-width beyond it.",
  requires: ["actual", "expected"],
  score({ actual, expected = "", tolerance }) {
    const want = readNumber(expected);
    if (want === undefined) return { score: 0, feedback: `the expected value ${JSON.stringify(truncate(expected))} is not a number` };
    const got = readNumber(actual);
    if (got === undefined) return { score: 0, feedback: `expected the number ${fmt(want)} but the answer contains no number: ${JSON.stringify(truncate(actual))}` };
    const error = Math.abs(got - want);
    const allowed = Math.max(tolerance?.absolute ?? 0, (tolerance?.relative ?? 0) * Math.abs(want));
    const tol = allowed > 0 ? ` (tolerance ±${fmt(allowed)})` : "";
    // Float noise (0.1 + 0.2) must not turn an exact answer into a miss.
    if (error <= allowed + 1e-9 * Math.max(1, Math.abs(want))) {
      return { score: 1, feedback: `read ${fmt(got)}; expected ${fmt(want)}${tol}: ${error === 0 ? "exact" : `off by ${fmt(error)}, within tolerance`}`, value: got };
    }
    const scale = allowed > 0 ? allowed : Math.max(Math.abs(want), 1) / 10;
    const score = roundScore(2 ** (-(error - allowed) / scale));
    return { score, feedback: `read ${fmt(got)} but expected ${fmt(want)}${tol}: off by ${fmt(error)}`, value: got };
  },
};
