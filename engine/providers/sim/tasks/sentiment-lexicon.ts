import type { SentimentLabel } from "./family.js";

/** Polarity words with weights (2 = strong). Multi-word entries are matched on word pairs. */
export const POLARITY: Readonly<Record<string, number>> = {
  love: 2, loved: 2, excellent: 2, amazing: 2, fantastic: 2, perfect: 2, perfectly: 2, wonderful: 2, best: 2,
  great: 1, good: 1, happy: 1, recommend: 1, comfortable: 1, reliable: 1, sturdy: 1, beautiful: 1, nice: 1,
  delicious: 1, friendly: 1, helpful: 1, quick: 1, fast: 1, pleased: 1, worth: 1, impressive: 1, solid: 1, enjoy: 1,
  hate: -2, hated: -2, terrible: -2, awful: -2, horrible: -2, worst: -2, useless: -2, "fell apart": -2,
  bad: -1, poor: -1, broke: -1, broken: -1, disappointed: -1, disappointing: -1, slow: -1, flimsy: -1, noisy: -1,
  waste: -1, rude: -1, leaks: -1, leaked: -1, cracked: -1, annoying: -1, "stopped working": -1, "money back": -1,
};

/** Words that mark a review as middling without carrying polarity. */
export const NEUTRAL_CUES = ["okay", "ok", "fine", "average", "decent", "described", "ordinary", "standard", "expected"];

/** Negators flip the next polarity word within three words. */
export const NEGATORS = new Set([
  "not", "never", "no", "isn't", "wasn't", "aren't", "don't", "doesn't", "didn't", "won't", "hardly", "barely", "cannot", "can't",
]);

/** After a contrast word the rest of the review counts double ("…, but it broke"). */
export const CONTRAST = new Set(["but", "however"]);

/** One polarity word as read in context. */
export interface SentimentCue {
  word: string;
  weight: number;
  negated: boolean;
  afterContrast: boolean;
}

/** Reads the cues of a review: each polarity word with its negation and contrast context. */
export function readCues(text: string): { cues: SentimentCue[]; neutralCues: number; contrast: boolean } {
  const words = text.toLowerCase().replace(/[’]/g, "'").match(/[a-z']+/g) ?? [];
  const cues: SentimentCue[] = [];
  let negateLeft = 0;
  let contrastAt = -1;
  words.forEach((w, i) => {
    if (CONTRAST.has(w)) contrastAt = i;
  });
  let neutralCues = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (NEGATORS.has(w)) {
      negateLeft = 3;
      continue;
    }
    const pair = i + 1 < words.length ? `${w} ${words[i + 1]}` : "";
    const key = pair && POLARITY[pair] !== undefined ? pair : POLARITY[w] !== undefined ? w : "";
    if (NEUTRAL_CUES.includes(w)) neutralCues++;
    if (key) {
      cues.push({ word: key, weight: POLARITY[key], negated: negateLeft > 0, afterContrast: contrastAt >= 0 && i > contrastAt });
      negateLeft = 0;
      if (key === pair) i++;
    } else if (negateLeft > 0) negateLeft--;
  }
  return { cues, neutralCues, contrast: contrastAt >= 0 };
}

/** Label from a score: ≥ 1 positive, ≤ -1 negative, else neutral. */
export function labelOf(score: number): SentimentLabel {
  return score >= 1 ? "positive" : score <= -1 ? "negative" : "neutral";
}

/** The careful score: negations flip, the part after "but"/"however" counts double. */
export function carefulScore(cues: readonly SentimentCue[]): number {
  return cues.reduce((s, c) => s + c.weight * (c.negated ? -1 : 1) * (c.afterContrast ? 2 : 1), 0);
}

/** The naive score a weak reader gets: plain sum of word polarities. */
export function naiveScore(cues: readonly SentimentCue[]): number {
  return cues.reduce((s, c) => s + c.weight, 0);
}
