import { FlowtuneError } from "../../errors.js";
import type { ChatMessage } from "../../providers/types.js";
import { costOf, lookupPrice } from "../prices.js";
import type { Metric, MetricInput } from "../types.js";
import { fmt, roundScore } from "./text.js";

/** The judge used when `config.judge` is not set. */
export const DEFAULT_JUDGE = { provider: "sim", model: "sim-medium" } as const;

// Wording chosen so the sim provider enters judge mode: a grading verb, "reference"/"rubric" and an Answer: section.
const SYSTEM =
  "You are an impartial grader. Grade the answer against the reference answer (when one is given) and the rubric. " +
  'Reply with only a JSON object {"score": <number from 0 to 1>, "feedback": "<one or two sentences on what is right or wrong and what the answer should do instead>"}.';

/** The judge's chat messages: instructions, then Rubric / Question / Reference / Answer sections (the answer last, since it may span lines). */
export function judgeMessages(input: Pick<MetricInput, "actual" | "expected" | "rubric" | "question">): ChatMessage[] {
  const sections = [
    `Rubric: ${input.rubric?.trim() ?? ""}`,
    input.question?.trim() ? `Question: ${input.question.trim()}` : "",
    input.expected?.trim() ? `Reference: ${input.expected.trim()}` : "",
    `Answer: ${input.actual}`,
  ];
  return [
    { role: "system", content: SYSTEM },
    { role: "user", content: sections.filter(Boolean).join("\n") },
  ];
}

/**
 * Reads a judge reply: a JSON object with `score` (number or numeric string; also `rating`/`grade`) and
 * `feedback` (also `reason`, `explanation`, `rationale`), else a `score: N` phrase. Scores above 1 are read
 * as out of 10 (≤ 10) or 100 (≤ 100); the result is clamped to [0, 1]. Undefined when no score is found.
 */
export function parseJudgeReply(text: string): { score: number; feedback: string } | undefined {
  let raw: unknown;
  let feedback = "";
  const obj = /\{[\s\S]*\}/.exec(text)?.[0];
  if (obj) {
    try {
      const v = JSON.parse(obj) as Record<string, unknown>;
      raw = v.score ?? v.rating ?? v.grade;
      const f = v.feedback ?? v.reason ?? v.explanation ?? v.rationale;
      feedback = typeof f === "string" ? f.trim() : "";
    } catch {
      // Not JSON after all: fall back to the phrase below.
    }
  }
  if (raw === undefined) {
    const m = /\bscore\b["'*\s]*[:=]?\s*(-?\d+(?:\.\d+)?)/i.exec(text);
    if (m) {
      raw = m[1];
      feedback = text.replace(m[0], "").replace(/^[\s.,:;)-]+/, "").trim().slice(0, 500);
    }
  }
  const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return undefined;
  const scaled = n > 1 && n <= 10 ? n / 10 : n > 10 && n <= 100 ? n / 100 : n;
  return { score: roundScore(scaled), feedback };
}

/** Asks a model to grade the answer against the rubric (and the expected answer, when given); its feedback is passed on. */
export const llmJudge: Metric = {
  id: "llm_judge",
  description: "A model grades the answer against `rubric` (and `expected`, when given) and replies {score, feedback}.",
  requires: ["actual", "rubric"],
  async score(input, ctx) {
    const judge = { ...DEFAULT_JUDGE, ...input.judge };
    const provider = ctx?.providers?.get(judge.provider);
    if (!provider) {
      const known = ctx?.providers?.ids().join(", ") || "none";
      throw new FlowtuneError("PROVIDER_NOT_FOUND", `llm_judge: unknown judge provider "${judge.provider}" (available: ${known})`);
    }
    const res = await provider.complete(
      { model: judge.model, messages: judgeMessages(input), temperature: 0, maxTokens: 400, responseFormat: "json" },
      { signal: ctx?.signal },
    );
    const verdict = parseJudgeReply(res.text);
    if (!verdict) {
      throw new FlowtuneError("NODE_EXECUTION_FAILED", `llm_judge: the judge (${judge.provider}/${judge.model}) replied without a score: ${res.text.slice(0, 200)}`);
    }
    const price = lookupPrice(res.model) ?? lookupPrice(judge.model);
    // A cached verdict cost nothing this time.
    const costUsd = res.cached ? 0 : (res.costUsd ?? (price ? costOf(res.usage, price) : 0));
    const feedback = verdict.feedback || `the judge gave ${fmt(verdict.score)} without an explanation`;
    return { score: verdict.score, feedback, value: verdict.score, usage: res.usage, costUsd };
  },
};
