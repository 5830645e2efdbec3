import type { SimModel } from "./models.js";
import type { SimTaskFamily } from "./tasks/family.js";
import type { TaskCase } from "./tasks/types.js";

/** Per-family offset added to the model's skill (arithmetic is hardest). */
export const FAMILY_OFFSET: Readonly<Record<SimTaskFamily, number>> = { arithmetic: -0.2, sentiment: 0, intent: 0, extraction: -0.2 };

/** Logit bonuses of prompt features (documented in docs/sim-provider.md). */
export const BONUS = Object.freeze({
  instruction: 0.8,
  /** Few-shot bonus for k helpful demos is fewShotMax × (1 − 0.5^k). */
  fewShotMax: 1.0,
  misleadingDemo: -0.4,
  misleadingFloor: -1.2,
  selfCheckArithmetic: 0.4,
  selfCheckOther: 0.1,
  hint: 1.0,
});

/** Item traits each family's hint feature is aimed at. */
export const HINT_TRAITS: Readonly<Record<SimTaskFamily, readonly string[]>> = {
  arithmetic: [],
  sentiment: ["negation", "contrast", "mixed"],
  intent: ["ambiguous", "other"],
  extraction: ["distractor", "distractor-name"],
};

/** What the prompt contributes to one item's correctness. */
export interface Contributions {
  instruction: boolean;
  helpfulDemos: number;
  misleadingDemos: number;
  reasoning: boolean;
  selfCheck: boolean;
  hint: boolean;
}

/** The logistic function: logit → probability. */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Correctness logit: skill + family offset + prompt bonuses − item difficulty. */
export function correctnessLogit(model: SimModel, family: SimTaskFamily, c: TaskCase, k: Contributions): number {
  let logit = model.skill + FAMILY_OFFSET[family] - c.difficulty;
  if (k.instruction) logit += BONUS.instruction;
  logit += BONUS.fewShotMax * (1 - 0.5 ** k.helpfulDemos);
  logit += Math.max(BONUS.misleadingFloor, BONUS.misleadingDemo * k.misleadingDemos);
  if (k.reasoning) logit += c.cotBonus;
  if (k.reasoning && k.selfCheck) logit += family === "arithmetic" ? BONUS.selfCheckArithmetic : BONUS.selfCheckOther;
  if (k.hint && c.traits.some((t) => HINT_TRAITS[family].includes(t))) logit += BONUS.hint;
  return logit;
}

/** The best logit any prompt can reach for this item on this model (all bonuses, unlimited helpful demos). */
export function bestLogit(model: SimModel, family: SimTaskFamily, c: TaskCase): number {
  const base = correctnessLogit(model, family, c, {
    instruction: true, helpfulDemos: 0, misleadingDemos: 0, reasoning: true, selfCheck: true, hint: true,
  });
  return base + BONUS.fewShotMax;
}

/** Probability that sampling at this temperature corrupts an otherwise correct answer. */
export function temperatureCorruption(model: SimModel, temperature: number, topP = 1): number {
  const t = Math.max(0, temperature) * Math.min(1, Math.max(0, topP));
  return 1 - Math.exp(-0.3 * t * model.temperatureSensitivity);
}
