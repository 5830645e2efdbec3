import type { Provider } from "../types.js";
import { simMessages, type SimPromptRecipe } from "./reference-prompts.js";
import type { SimTaskFamily } from "./tasks/family.js";
import { finalAnswerLine } from "./text.js";

/** One item to score: the data string and the expected answer text. */
export interface SimEvalItem {
  data: string;
  expected: string;
}

/** Scores of one prompt recipe over items (shares in [0, 1], means per call). */
export interface SimAccuracy {
  /** Reply equals the expected answer (trimmed, case-insensitive). */
  exact: number;
  /** Reply contains the expected answer (case-insensitive). */
  contains: number;
  /** The final "Answer:" line (or the whole reply) equals the expected answer. */
  extracted: number;
  meanTokens: number;
  meanLatencyMs: number;
  totalCostUsd: number;
  truncated: number;
  n: number;
}

/** The data and expected answer of a generated row of any family. */
export function simEvalItem(family: SimTaskFamily, row: object): SimEvalItem {
  const field = { arithmetic: "question", sentiment: "review", intent: "ticket", extraction: "text" }[family];
  const r = row as Record<string, unknown>;
  return { data: String(r[field]), expected: String(r.expected) };
}

const norm = (s: string): string => s.trim().toLowerCase();

/** Runs a recipe over items with a provider and scores the replies (used by tests, docs and benchmarks). */
export async function measureSimAccuracy(
  provider: Provider,
  family: SimTaskFamily,
  items: readonly SimEvalItem[],
  recipe: SimPromptRecipe,
  call: { model: string; temperature?: number; seed?: number; maxTokens?: number },
): Promise<SimAccuracy> {
  const acc = { exact: 0, contains: 0, extracted: 0, meanTokens: 0, meanLatencyMs: 0, totalCostUsd: 0, truncated: 0, n: items.length };
  for (const item of items) {
    const res = await provider.complete({ ...call, messages: simMessages(family, item.data, recipe) });
    const want = norm(item.expected);
    if (norm(res.text) === want) acc.exact++;
    if (res.text.toLowerCase().includes(want)) acc.contains++;
    if (norm(finalAnswerLine(res.text) ?? res.text) === want) acc.extracted++;
    if (res.finishReason === "length") acc.truncated++;
    acc.meanTokens += res.usage.totalTokens;
    acc.meanLatencyMs += res.latencyMs;
    acc.totalCostUsd += res.costUsd ?? 0;
  }
  const n = Math.max(1, items.length);
  return {
    ...acc,
    exact: acc.exact / n,
    contains: acc.contains / n,
    extracted: acc.extracted / n,
    meanTokens: acc.meanTokens / n,
    meanLatencyMs: acc.meanLatencyMs / n,
    truncated: acc.truncated / n,
  };
}
