import { canonicalKey, finalAnswerLine } from "../text.js";
import { INTENT_LABELS, type IntentLabel } from "./family.js";
import { intentLabel, intentScores } from "./intent-lexicon.js";
import type { Solver, TaskCase } from "./types.js";

export interface IntentCase extends TaskCase {
  label: IntentLabel;
  runnerUp?: IntentLabel;
  hits: Array<{ word: string; label: IntentLabel }>;
}

const TICKET_CUES =
  /\b(?:please|help|can you|could you|my order|my account|hi|hello|i need|asap|urgent|thanks|regards)\b/gi;

/** Solver for customer-message intent (billing / technical / account / shipping / other) by keyword scoring. */
export const intentSolver: Solver<IntentCase, IntentLabel> = {
  family: "intent",
  dataScore(data) {
    const { hits } = intentScores(data);
    return 1.5 * hits.length + (data.match(TICKET_CUES)?.length ?? 0);
  },
  analyze(data) {
    if (!data.trim()) return undefined;
    const { label, runnerUp, margin } = intentLabel(data);
    const { hits } = intentScores(data);
    const ambiguous = label !== "other" && runnerUp !== undefined && margin <= 1.5;
    const long = data.split(/\s+/).length > 45;
    const traits = [...(ambiguous ? ["ambiguous"] : []), ...(label === "other" ? ["other"] : []), ...(long ? ["long"] : [])];
    const difficulty = (ambiguous ? 1.2 : 0) + (label === "other" ? 0.7 : 0) + (long ? 0.2 : 0);
    return { key: canonicalKey(data), difficulty, traits, cotBonus: ambiguous || label === "other" ? 0.4 : 0.1, label, runnerUp, hits };
  },
  truth: (c) => c.label,
  wrong(c, pick) {
    // The runner-up intent is the natural confusion; otherwise "other" or, for "other", a guessed team.
    if (c.runnerUp && c.runnerUp !== c.label) return c.runnerUp;
    const others = INTENT_LABELS.filter((l) => l !== c.label && l !== "other");
    if (c.label !== "other" && pick < 0.6) return "other";
    return others[Math.floor(pick * others.length)];
  },
  equal: (a, b) => a === b,
  bare: (a) => a,
  chatty(a, _c, pick, style) {
    if (style.concise) return `${a.charAt(0).toUpperCase()}${a.slice(1)}.`;
    const options =
      a === "other"
        ? ["This does not fit a specific team, so I would file it as other.", "I would put this under other.", "The category is probably other."]
        : [`This looks like a ${a} request.`, `I would route this ticket to ${a}.`, `This is a ${a} issue.`];
    return options[Math.floor(pick * options.length)];
  },
  reasoning(a, c, style) {
    const mentions = c.hits.map((h) => `"${h.word}" (${h.label})`);
    const first = mentions.length ? `The message mentions ${mentions.join(", ")}.` : "The message mentions no billing, technical, account or shipping terms.";
    if (style.concise) return [first];
    const lines = [first, a === c.label ? `Most of it is about ${a}.` : `It seems mostly about ${a}.`];
    if (style.selfCheck) lines.push("Checking the main request again supports this.");
    return lines;
  },
  json: (a) => a,
  read(text) {
    const source = (finalAnswerLine(text) ?? text).toLowerCase();
    const found = source.match(/\b(?:billing|technical|account|shipping|other)\b/g);
    return found ? (found[found.length - 1] as IntentLabel) : undefined;
  },
};
