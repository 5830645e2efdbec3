import type { CompletionRequest } from "../types.js";
import { recognizeFamily } from "./family-choice.js";
import type { SimModel } from "./models.js";
import { hashUnit } from "./rng.js";
import { lastSection, readSections } from "./sections.js";
import { withSolver } from "./tasks/solvers.js";
import { escapeRegExp, finalAnswerLine, normalizeAnswer } from "./text.js";

/** Judge mode trigger: a grading verb and something to grade against (see docs/sim-provider.md). */
export function isJudgeRequest(text: string): boolean {
  return /\b(?:grade|grading|grader|judge|evaluate|assess|score)\b/i.test(text) &&
    /\b(?:rubric|reference|expected|criteria|correct answer|gold)\b/i.test(text) &&
    lastSection(readSections(text), "answer") !== undefined;
}

/** A verdict: score in [0, 1] and a short reason. */
export interface Verdict {
  score: number;
  feedback: string;
}

const STOP = new Set("answer should must response reply the that this with mention mentions include includes correct about from have been being into only they their them what when which will would your".split(" "));

function asObject(text: string): Record<string, unknown> | undefined {
  const m = /\{[\s\S]*\}/.exec(text);
  if (!m) return undefined;
  try {
    const v: unknown = JSON.parse(m[0]);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function gradeJson(answer: string, ref: Record<string, unknown>): Verdict {
  const got = asObject(answer);
  const keys = Object.keys(ref);
  if (!got) return { score: 0, feedback: `The answer is not valid JSON; expected an object with keys ${keys.join(", ")}.` };
  const wrong = keys.filter((k) => normalizeAnswer(String(got[k] ?? "")) !== normalizeAnswer(String(ref[k])));
  const score = Math.round(((keys.length - wrong.length) / keys.length) * 100) / 100;
  if (!wrong.length) return { score: 1, feedback: "Correct: every field matches the reference." };
  const detail = wrong.map((k) => `"${k}" should be "${String(ref[k])}" but is "${String(got[k] ?? "missing")}"`);
  return { score, feedback: `Wrong fields: ${detail.join("; ")}.` };
}

/** Grades an answer against a reference: exact → 1, right answer with extra text → 0.8 (0.5 if the rubric demands format), else 0. */
export function gradeAgainstReference(answer: string, reference: string, rubric = ""): Verdict {
  const ref = asObject(reference);
  if (ref && reference.trim().startsWith("{")) return gradeJson(answer, ref);
  const strict = /\b(?:only|exact|exactly|format|no (?:extra|other) text|concise)\b/i.test(rubric);
  const final = finalAnswerLine(answer) ?? answer;
  const want = normalizeAnswer(reference);
  if (normalizeAnswer(answer) === want) return { score: 1, feedback: "Correct: the answer matches the reference." };
  const extra = strict ? 0.5 : 0.8;
  if (normalizeAnswer(final) === want) {
    return { score: extra, feedback: `Correct final answer "${reference}", but the reply also contains reasoning; reply with only the answer.` };
  }
  const mentioned = new RegExp(`(?<![\\w.-])${escapeRegExp(reference.trim())}(?![\\w-]|\\.\\d)`, "i").test(final);
  if (mentioned) return { score: extra, feedback: `Correct answer "${reference}", but with extra text; reply with only the answer.` };
  const said = final.trim().replace(/\s+/g, " ").slice(0, 80);
  return { score: 0, feedback: `Incorrect: expected "${reference}" but the answer says "${said}".` };
}

/** Rubric-only grading: the share of the rubric's content words the answer covers. */
export function gradeAgainstRubric(answer: string, rubric: string): Verdict {
  const words = [...new Set(rubric.toLowerCase().match(/[a-z]{4,}/g) ?? [])].filter((w) => !STOP.has(w));
  if (!words.length) return { score: 0.5, feedback: "The rubric gives nothing concrete to check." };
  const lower = answer.toLowerCase();
  const missing = words.filter((w) => !lower.includes(w));
  const score = Math.round(((words.length - missing.length) / words.length) * 10) / 10;
  return { score, feedback: missing.length ? `Missing from the rubric: ${missing.slice(0, 6).join(", ")}.` : "Covers every point of the rubric." };
}

/** Judge mode: reads Question/Answer/Reference/Rubric sections and replies {"score","feedback"} as JSON. */
export function judgeReply(request: CompletionRequest, fullText: string, model: SimModel, worldSeed: number): string {
  const sections = readSections(fullText);
  const answer = lastSection(sections, "answer");
  const reference = lastSection(sections, "reference");
  const rubric = lastSection(sections, "rubric") ?? "";
  const question = lastSection(sections, "question") ?? "";
  let verdict: Verdict;
  if (answer === undefined) verdict = { score: 0, feedback: "No answer to grade (expected an 'Answer:' or 'Response:' section)." };
  else if (reference) verdict = gradeAgainstReference(answer, reference, rubric);
  else {
    const family = recognizeFamily(question);
    // Without a reference the judge solves the question itself when it can.
    const solved = family
      ? withSolver(family, (s) => {
          const c = s.analyze(question);
          return c ? s.bare(s.truth(c), c, { isoDate: true, standardKeys: true, concise: false, selfCheck: false }) : undefined;
        })
      : undefined;
    if (solved) verdict = gradeAgainstReference(answer, solved, rubric);
    else if (rubric) verdict = gradeAgainstRubric(answer, rubric);
    else verdict = { score: 0.5, feedback: "No reference or rubric to check against." };
  }
  const temperature = request.temperature ?? 0;
  const flip = hashUnit("judge", worldSeed, model.id, answer ?? "", reference ?? rubric, temperature > 0 ? request.seed ?? 0 : "t0");
  if (flip < model.judgeNoise * (1 + temperature)) {
    // A weak judge sometimes misgrades.
    const score = Math.round((1 - verdict.score) * 100) / 100;
    verdict = { score, feedback: score >= 0.5 ? "The answer looks correct." : "The answer does not look right." };
  }
  return JSON.stringify(verdict);
}
