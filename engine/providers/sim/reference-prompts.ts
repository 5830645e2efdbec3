import { REFLECTION_EDITS, SELF_CHECK_EDIT } from "./reflect-edits.js";
import type { SimTaskFamily } from "./tasks/family.js";
import type { ChatMessage } from "../types.js";

/** Which documented prompt features a reference prompt switches on. */
export interface SimPromptRecipe {
  instruction?: boolean;
  format?: boolean;
  hint?: boolean;
  stepByStep?: boolean;
  selfCheck?: boolean;
  /** Few-shot demos as user/assistant message pairs (input data, bare expected answer). */
  demos?: ReadonlyArray<{ input: string; output: string }>;
}

/** The system prompt a recipe stands for, built from the exact sentences the sim detects. */
export function simSystemPrompt(family: SimTaskFamily, recipe: SimPromptRecipe): string {
  const parts: string[] = [];
  if (recipe.instruction) parts.push(REFLECTION_EDITS.task[family]);
  if (recipe.hint && family !== "arithmetic") parts.push(REFLECTION_EDITS.wrong[family]);
  if (recipe.stepByStep) parts.push("Think step by step.");
  if (recipe.selfCheck) parts.push(SELF_CHECK_EDIT);
  if (recipe.format) parts.push(REFLECTION_EDITS.format[family]);
  return parts.join("\n");
}

/** Chat messages for one item under a recipe: optional system prompt, demo pairs, then the data alone. */
export function simMessages(family: SimTaskFamily, data: string, recipe: SimPromptRecipe): ChatMessage[] {
  const system = simSystemPrompt(family, recipe);
  const messages: ChatMessage[] = system ? [{ role: "system", content: system }] : [];
  for (const d of recipe.demos ?? []) messages.push({ role: "user", content: d.input }, { role: "assistant", content: d.output });
  messages.push({ role: "user", content: data });
  return messages;
}
