import type { PromptFeatures } from "./features.js";
import { detectFeatures } from "./features.js";
import { recognizeFamily } from "./family-choice.js";
import { findCurrentPrompt, findFailingExamples, type FailingExample } from "./reflect-parse.js";
import { CONCISE_EDIT, REFLECTION_EDITS, SELF_CHECK_EDIT, type FailureClass } from "./reflect-edits.js";
import { INTENT_LABELS, SENTIMENT_LABELS, type SimTaskFamily } from "./tasks/family.js";
import { escapeRegExp, finalAnswerLine, normalizeAnswer } from "./text.js";

/** The family a failure belongs to: from the expected value, else the input, else the prompt. */
export function failureFamily(e: FailingExample, promptFamilies: SimTaskFamily[]): SimTaskFamily | undefined {
  const exp = normalizeAnswer(e.expected);
  if (/^-?\d+$/.test(exp)) return "arithmetic";
  if ((SENTIMENT_LABELS as readonly string[]).includes(exp)) return "sentiment";
  if ((INTENT_LABELS as readonly string[]).includes(exp)) return "intent";
  if (/"email"/.test(e.expected) || /"name"/.test(e.expected)) return "extraction";
  return recognizeFamily(e.input) ?? promptFamilies[0];
}

function labelsOf(family: SimTaskFamily): readonly string[] {
  return family === "sentiment" ? SENTIMENT_LABELS : family === "intent" ? INTENT_LABELS : [];
}

/** Classifies one failure: truncated, format (right content, wrong shape), task (task unknown) or wrong. */
export function classifyFailure(e: FailingExample, family: SimTaskFamily | undefined, f: PromptFeatures): FailureClass {
  const fb = e.feedback.toLowerCase();
  if (/truncat|cut off|incomplete|too long|ran out/.test(fb)) return "truncated";
  const out = e.output.trim();
  const exp = e.expected.trim();
  if (/\bformat|extra text|only the|verbose|not valid json|invalid json|chatty|reasoning/.test(fb)) return "format";
  if (family === "extraction" && exp && !/^\{[\s\S]*\}$/.test(out)) return "format";
  if (exp && normalizeAnswer(out) !== normalizeAnswer(exp)) {
    const final = finalAnswerLine(out) ?? out;
    const hit = new RegExp(`(?<![\\w.-])${escapeRegExp(exp)}(?![\\w-])`, "i").test(final);
    if (hit) return "format";
  }
  if (family && !f.named.includes(family)) return "task";
  const labels = labelsOf(family ?? "arithmetic");
  if (labels.length && !labels.some((l) => new RegExp(`\\b${l}\\b`, "i").test(out))) return "task";
  return "wrong";
}

const STEP_SENTENCE =
  /[^.\n]*(?:step[- ]by[- ]step|think (?:carefully|through|it through|before)|show (?:your|the) (?:work|reasoning|steps)|explain your reasoning|chain of thought|let'?s think)[^.\n]*(?:\.|$)\s*/gi;

function append(prompt: string, sentence: string): string {
  if (!prompt.trim()) return sentence;
  // Keep a trailing answer cue ("Answer:", "A:") last.
  const m = /\n\s*(?:a|answer|output|sentiment|intent|label|json)\s*:\s*$/i.exec(prompt);
  return m ? `${prompt.slice(0, m.index).trimEnd()}\n\n${sentence}${m[0]}` : `${prompt.trimEnd()}\n\n${sentence}`;
}

/** The edit for a failure class, or undefined when the prompt already has it. */
function editFor(cls: FailureClass, family: SimTaskFamily, prompt: string, f: PromptFeatures): string | undefined {
  if (cls === "task") return f.named.includes(family) ? undefined : `${REFLECTION_EDITS.task[family]}\n\n${prompt}`.trim();
  if (cls === "truncated") return f.concise ? undefined : append(prompt, CONCISE_EDIT);
  if (cls === "format") {
    // Visible reasoning is what breaks an exact answer: drop it and ask for the bare answer.
    const stripped = f.stepByStep ? prompt.replace(STEP_SENTENCE, " ").replace(/[ \t]{2,}/g, " ").replace(/[ \t]+\n|\n[ \t]+/g, "\n").replace(/\n{3,}/g, "\n\n").trim() : prompt;
    if (f.format && !f.stepByStep) return undefined;
    return detectFeatures(stripped).format ? stripped : append(stripped, REFLECTION_EDITS.format[family]);
  }
  if (family === "arithmetic" && f.stepByStep) return f.selfCheck ? undefined : append(prompt, SELF_CHECK_EDIT);
  const hinted = { arithmetic: f.stepByStep, sentiment: f.negationHint, intent: f.labelDefinitions, extraction: f.senderHint };
  return hinted[family] ? undefined : append(prompt, REFLECTION_EDITS.wrong[family]);
}

const ORDER: FailureClass[] = ["task", "format", "wrong", "truncated"];

/** Reflection mode: proposes the current prompt plus the edit aimed at the most frequent failure class. */
export function reflectReply(fullText: string): string {
  const current = findCurrentPrompt(fullText) ?? "";
  const f = detectFeatures(current);
  const examples = findFailingExamples(current ? fullText.replace(current, "") : fullText);
  const tally = new Map<string, { cls: FailureClass; family: SimTaskFamily; count: number }>();
  for (const e of examples) {
    const family = failureFamily(e, f.named) ?? f.named[0];
    if (!family) continue;
    const cls = classifyFailure(e, family, f);
    const key = `${cls}:${family}`;
    const entry = tally.get(key) ?? { cls, family, count: 0 };
    entry.count++;
    tally.set(key, entry);
  }
  const ranked = [...tally.values()].sort((a, b) => b.count - a.count || ORDER.indexOf(a.cls) - ORDER.indexOf(b.cls));
  let improved = current;
  for (const { cls, family } of ranked) {
    const edited = editFor(cls, family, current, f);
    if (edited !== undefined) {
      improved = edited;
      break;
    }
  }
  if (improved === current && !f.selfCheck && current) improved = append(current, "Double-check the answer before replying.");
  const fenced = /\b(?:within|in|inside|wrap(?:ped)?(?: in)?|between)\s+(?:a\s+|triple\s+)?(?:```|backticks|code block|code fence)/i;
  return fenced.test(fullText) ? "```\n" + improved + "\n```" : improved;
}
