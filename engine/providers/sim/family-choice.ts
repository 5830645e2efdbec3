import type { PromptFeatures } from "./features.js";
import { SIM_TASK_FAMILIES, type SimTaskFamily } from "./tasks/family.js";
import { SOLVERS } from "./tasks/solvers.js";

/** Which family a request is treated as, and whether the instructions named it. */
export interface FamilyChoice {
  family?: SimTaskFamily;
  instructed: boolean;
}

/** Data-only recognition: the family whose recognizer scores the data highest (≥ 1), in fixed tie order. */
export function recognizeFamily(data: string): SimTaskFamily | undefined {
  let best: SimTaskFamily | undefined;
  let bestScore = 0.99;
  for (const f of SIM_TASK_FAMILIES) {
    const score = SOLVERS[f].dataScore(data);
    if (score > bestScore) [best, bestScore] = [f, score];
  }
  return best;
}

/** Named families that can handle the data win; otherwise the data decides (no instruction bonus). */
export function chooseFamily(data: string, features: PromptFeatures): FamilyChoice {
  const usable = features.named.filter((f) => SOLVERS[f].analyze(data) !== undefined);
  if (usable.length === 1) return { family: usable[0], instructed: true };
  if (usable.length > 1) {
    const ranked = [...usable].sort((a, b) => SOLVERS[b].dataScore(data) - SOLVERS[a].dataScore(data));
    return { family: ranked[0], instructed: true };
  }
  return { family: recognizeFamily(data), instructed: false };
}
