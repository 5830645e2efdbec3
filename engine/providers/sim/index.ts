/** The built-in deterministic simulated LLM provider ("sim"); see docs/sim-provider.md. */
export { createSimProvider, type SimProvider, type SimProviderOptions } from "./provider.js";
export { SIM_MODELS, getSimModel, simCostUsd, simLatencyMs, type SimModel, type SimModelId, type SimLatencyModel } from "./models.js";
export {
  simBestScore,
  simBestScoreDetails,
  rowItems,
  type SimRow,
  type SimBestScoreOptions,
  type SimBestScoreDetails,
} from "./best-score.js";
export { generateTaskRows, generateMapRows, type MapRow, type TaskRowTypes } from "./generators.js";
export { generateArithmeticRows, type ArithmeticRow } from "./tasks/arithmetic-gen.js";
export { generateSentimentRows, type SentimentRow } from "./tasks/sentiment-gen.js";
export { generateTicketRows, generateExtractionRows, type TicketRow, type ExtractionRow } from "./tasks/tickets-gen.js";
export {
  SIM_TASK_FAMILIES,
  SENTIMENT_LABELS,
  INTENT_LABELS,
  type SimTaskFamily,
  type SentimentLabel,
  type IntentLabel,
} from "./tasks/family.js";
export { respond, type SimReply, type SimMode } from "./respond.js";
export { detectFeatures, type PromptFeatures } from "./features.js";
export { REFLECTION_EDITS, SELF_CHECK_EDIT, CONCISE_EDIT } from "./reflect-edits.js";
export { BONUS, FAMILY_OFFSET } from "./skill.js";
export { countTokens, countPromptTokens } from "./tokens.js";
export { simMessages, simSystemPrompt, type SimPromptRecipe } from "./reference-prompts.js";
export { measureSimAccuracy, simEvalItem, type SimAccuracy, type SimEvalItem } from "./evaluate.js";
