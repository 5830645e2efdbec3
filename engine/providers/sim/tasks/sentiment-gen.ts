import { createRng, type Rng } from "../rng.js";
import type { SentimentLabel } from "./family.js";
import { sentimentSolver } from "./sentiment.js";

/** A generated review row, in the shape of examples/jury.dataset.jsonl. */
export interface SentimentRow {
  review: string;
  expected: SentimentLabel;
}

const PRODUCTS = ["blender", "backpack", "phone case", "desk lamp", "coffee maker", "keyboard", "jacket", "water bottle", "tent", "kettle", "office chair", "speaker"];
const FEATURES = ["battery", "handle", "lid", "zipper", "cable", "screen", "button", "strap", "sound", "color", "fabric", "finish"];
const POS = ["great", "good", "comfortable", "sturdy", "reliable", "nice", "solid", "impressive"];
const NEG = ["flimsy", "noisy", "slow", "poor", "disappointing", "annoying"];
const NEG_STRONG = ["terrible", "awful", "horrible", "useless"];
const FAILS = ["broke", "stopped working", "cracked", "fell apart"];

type Template = (r: Rng, p: string, f: string, f2: string) => string;

const TEMPLATES: Record<SentimentLabel, Template[]> = {
  positive: [
    (r, p, f) => `I love this ${p}. The ${f} is ${r.pick(POS)} and it feels ${r.pick(POS)}.`,
    (_r, p) => `The ${p} works perfectly. I would recommend it to anyone.`,
    (r, p) => `The ${p} is not ${r.pick(NEG)} at all, and I would buy it again.`,
    (r, p, f) => `The ${f} is a bit ${r.pick(NEG)}, but the ${p} itself is ${r.pick(POS)} and I enjoy using it.`,
    (r, _p, f) => `Five stars. The ${f} is ${r.pick(POS)} and setup was quick.`,
  ],
  negative: [
    (r, p, f) => `This ${p} is ${r.pick(NEG_STRONG)}. The ${f} ${r.pick(FAILS)} after ${r.int(2, 9)} days.`,
    (r, p) => `The ${p} is not ${r.pick(POS)}. I would not recommend it.`,
    (r, p, f) => `The ${f} looks ${r.pick(POS)}, but the ${p} ${r.pick(FAILS)} within a week and I want my money back.`,
    (r, _p, f, f2) => `Honestly a waste of money. The ${f} is ${r.pick(NEG)} and the ${f2} is ${r.pick(NEG)}.`,
  ],
  neutral: [
    (_r, p) => `The ${p} is okay. It does what the description says, nothing more.`,
    (_r, p, f) => `It is an average ${p}. The ${f} is fine for the price.`,
    (r, _p, f, f2) => `The ${f} is ${r.pick(POS)} and the ${f2} is ${r.pick(NEG)}, so it evens out.`,
    (_r, p) => `It is a standard ${p} in a plain box. It came with a manual and a spare part.`,
  ],
};

const LABEL_CYCLE: SentimentLabel[] = ["positive", "negative", "neutral", "positive", "negative"];

/** One review with the wanted label; re-drawn until the sim's solver agrees, so labels are unambiguous. */
export function generateReview(rng: Rng, label: SentimentLabel): SentimentRow {
  for (;;) {
    const p = rng.pick(PRODUCTS);
    const [f, f2] = [rng.pick(FEATURES), rng.pick(FEATURES)];
    if (f === f2) continue;
    const review = rng.pick(TEMPLATES[label])(rng, p, f, f2);
    const c = sentimentSolver.analyze(review);
    if (c && c.label === label) return { review, expected: label };
  }
}

/** Deterministic review rows (positive/negative/neutral in a 2:2:1 cycle, many with negation or "but"). */
export function generateSentimentRows(count: number, seed: number): SentimentRow[] {
  const rng = createRng(seed * 104729 + 2);
  return Array.from({ length: count }, (_, i) => generateReview(rng, LABEL_CYCLE[i % LABEL_CYCLE.length]));
}
