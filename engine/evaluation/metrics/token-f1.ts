import type { Metric } from "../types.js";
import { fmt, roundScore } from "./text.js";

const ARTICLES = new Set(["a", "an", "the"]);
const SHOWN = 8;

/** SQuAD-style tokens: lower-cased (unless case-sensitive), punctuation removed, articles a/an/the dropped. */
export function answerTokens(text: string, caseSensitive = false): string[] {
  const cased = caseSensitive ? text : text.toLowerCase();
  return cased
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .split(/\s+/)
    .filter((t) => t && !ARTICLES.has(t.toLowerCase()));
}

/** Harmonic mean of token precision and recall between the answer and the expected text (multiset overlap). */
export const tokenF1: Metric = {
  id: "token_f1",
  description: "Token-overlap F1 between the answer and the expected text (SQuAD normalisation).",
  requires: ["actual", "expected"],
  score({ actual, expected = "", caseSensitive }) {
    const got = answerTokens(actual, caseSensitive);
    const want = answerTokens(expected, caseSensitive);
    if (!got.length || !want.length) {
      const same = got.length === want.length;
      return { score: same ? 1 : 0, feedback: same ? "both empty" : got.length ? "expected no words but the answer has some" : "the answer has no words", value: same ? 1 : 0 };
    }
    const pool = new Map<string, number>();
    for (const t of want) pool.set(t, (pool.get(t) ?? 0) + 1);
    const extra: string[] = [];
    let overlap = 0;
    for (const t of got) {
      const left = pool.get(t) ?? 0;
      if (left > 0) {
        overlap++;
        pool.set(t, left - 1);
      } else extra.push(t);
    }
    const missing = [...pool].flatMap(([t, n]) => Array<string>(n).fill(t));
    const precision = overlap / got.length;
    const recall = overlap / want.length;
    const f1 = overlap ? roundScore((2 * precision * recall) / (precision + recall)) : 0;
    const parts = [`token F1 ${fmt(f1)} (precision ${fmt(precision)}, recall ${fmt(recall)})`];
    if (missing.length) parts.push(`missing: ${list(missing)}`);
    if (extra.length) parts.push(`extra: ${list(extra)}`);
    return { score: f1, feedback: parts.join("; "), value: f1 };
  },
};

function list(tokens: string[]): string {
  return tokens.slice(0, SHOWN).join(", ") + (tokens.length > SHOWN ? ` (+${tokens.length - SHOWN})` : "");
}
