import { canonicalKey, finalAnswerLine } from "../text.js";
import { SENTIMENT_LABELS, type SentimentLabel } from "./family.js";
import { carefulScore, labelOf, naiveScore, POLARITY, readCues, type SentimentCue } from "./sentiment-lexicon.js";
import type { Solver, TaskCase } from "./types.js";

export interface SentimentCase extends TaskCase {
  cues: SentimentCue[];
  label: SentimentLabel;
  naive: SentimentLabel;
}

const REVIEW_CUES =
  /\b(?:this|the) (?:product|item|purchase)\b|\bi (?:bought|ordered|purchased)\b|\bstars?\b|\bwould (?:not )?(?:buy|recommend)\b|\bbuy it again\b/gi;

function describe(c: SentimentCue, careful: boolean): string {
  const polarity = (w: number): string => (w > 0 ? "positive" : "negative");
  if (careful && c.negated) return `- "not … ${c.word}" flips it: ${polarity(-c.weight)}.`;
  if (careful && c.afterContrast) return `- "${c.word}" comes after "but", so it counts double: ${polarity(c.weight)}.`;
  return `- "${c.word}" is ${polarity(c.weight)}.`;
}

/** Solver for review sentiment (positive / negative / neutral) with a lexicon that handles negation and "but". */
export const sentimentSolver: Solver<SentimentCase, SentimentLabel> = {
  family: "sentiment",
  dataScore(data) {
    const { cues, neutralCues } = readCues(data);
    return 0.5 * (cues.length + neutralCues) + (data.match(REVIEW_CUES)?.length ?? 0);
  },
  analyze(data) {
    if (!data.trim()) return undefined;
    const { cues, neutralCues, contrast } = readCues(data);
    const label = labelOf(carefulScore(cues));
    const naive = labelOf(naiveScore(cues));
    const negations = cues.filter((c) => c.negated).length;
    const hasPos = cues.some((c) => c.weight > 0);
    const hasNeg = cues.some((c) => c.weight < 0);
    const contrasted = contrast && hasPos && hasNeg;
    const traits = [
      ...(negations ? ["negation"] : []),
      ...(contrasted ? ["contrast"] : []),
      ...(hasPos && hasNeg && !contrasted ? ["mixed"] : []),
      ...(label === "neutral" ? ["neutral"] : []),
    ];
    const difficulty =
      0.9 * Math.min(2, negations) + (contrasted ? 0.9 : 0) + (traits.includes("mixed") ? 0.4 : 0) +
      (label === "neutral" ? 0.6 : 0) - (neutralCues > 0 && label === "neutral" ? 0.2 : 0);
    const cotBonus = negations || contrasted || traits.includes("mixed") ? 0.5 : 0.1;
    return { key: canonicalKey(data), difficulty, traits, cotBonus, cues, label, naive };
  },
  truth: (c) => c.label,
  wrong(c, pick) {
    if (c.naive !== c.label) return c.naive;
    const others = SENTIMENT_LABELS.filter((l) => l !== c.label);
    // Polar reviews are most often misread as neutral; neutral ones as the polarity of their first cue.
    if (c.label !== "neutral") return pick < 0.7 ? "neutral" : others.find((l) => l !== "neutral") ?? "neutral";
    const first = c.cues[0];
    return first ? (first.weight > 0 ? "positive" : "negative") : pick < 0.5 ? "positive" : "negative";
  },
  equal: (a, b) => a === b,
  bare: (a) => a,
  chatty(a, _c, pick, style) {
    if (style.concise) return `${a.charAt(0).toUpperCase()}${a.slice(1)}.`;
    const options = [`I think this review is ${a} overall.`, `The sentiment here is ${a}.`, `Overall, this reads as a ${a} review.`];
    return options[Math.floor(pick * options.length)];
  },
  reasoning(a, c, style) {
    const careful = a === c.label;
    const lines = careful || a === c.naive ? c.cues.map((cue) => describe(cue, careful)) : c.cues.map((cue) => describe(cue, false));
    if (lines.length === 0) lines.push("- There are no clearly positive or negative words.");
    if (style.concise) return [lines.map((l) => l.slice(2)).join(" ")];
    lines.unshift("Key phrases:");
    if (style.selfCheck) lines.push("Re-reading the review confirms this reading.");
    lines.push(`Overall the review is ${a}.`);
    return lines;
  },
  json: (a) => a,
  read(text) {
    const source = (finalAnswerLine(text) ?? text).toLowerCase();
    const found = source.match(/\b(?:positive|negative|neutral)\b/g);
    return found ? (found[found.length - 1] as SentimentLabel) : undefined;
  },
};

/** The polarity lexicon is exported for docs and tests. */
export const SENTIMENT_LEXICON = POLARITY;
