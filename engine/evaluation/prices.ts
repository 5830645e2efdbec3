import type { ModelPrice } from "../providers/openai-compatible.js";
import type { TokenUsage } from "../providers/types.js";
import { SIM_MODELS } from "../providers/sim/models.js";

export type { ModelPrice };

/** When the OpenAI list prices below were taken; check https://openai.com/api/pricing before relying on them. */
export const PRICES_AS_OF = "2025-08";

// USD per 1k tokens (list price per 1M ÷ 1000), standard tier, no cached-input discount.
const OPENAI_PRICES: Record<string, ModelPrice> = {
  "gpt-5": { inputPer1k: 0.00125, outputPer1k: 0.01 },
  "gpt-5-mini": { inputPer1k: 0.00025, outputPer1k: 0.002 },
  "gpt-5-nano": { inputPer1k: 0.00005, outputPer1k: 0.0004 },
  "gpt-4.1": { inputPer1k: 0.002, outputPer1k: 0.008 },
  "gpt-4.1-mini": { inputPer1k: 0.0004, outputPer1k: 0.0016 },
  "gpt-4.1-nano": { inputPer1k: 0.0001, outputPer1k: 0.0004 },
  "gpt-4o": { inputPer1k: 0.0025, outputPer1k: 0.01 },
  "gpt-4o-mini": { inputPer1k: 0.00015, outputPer1k: 0.0006 },
  "gpt-4-turbo": { inputPer1k: 0.01, outputPer1k: 0.03 },
  "gpt-4": { inputPer1k: 0.03, outputPer1k: 0.06 },
  "gpt-3.5-turbo": { inputPer1k: 0.0005, outputPer1k: 0.0015 },
  o1: { inputPer1k: 0.015, outputPer1k: 0.06 },
  "o1-mini": { inputPer1k: 0.0011, outputPer1k: 0.0044 },
  o3: { inputPer1k: 0.002, outputPer1k: 0.008 },
  "o3-mini": { inputPer1k: 0.0011, outputPer1k: 0.0044 },
  "o4-mini": { inputPer1k: 0.0011, outputPer1k: 0.0044 },
};

/** USD per 1k prompt/completion tokens by model name: common OpenAI models and the sim models (from SIM_MODELS). */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  ...OPENAI_PRICES,
  ...Object.fromEntries(SIM_MODELS.map((m) => [m.id, { inputPer1k: m.inputPricePer1k, outputPer1k: m.outputPricePer1k }])),
});

/**
 * The price of a model, or undefined when unknown. Tries the name as given, lower-cased, without a
 * `vendor/` prefix, and without a date/version suffix (`gpt-4o-mini-2024-07-18`, `gpt-4-0613`) —
 * never a looser prefix match, so `gpt-4o-audio-preview` is not priced as `gpt-4o`.
 */
export function lookupPrice(model: string, table: Readonly<Record<string, ModelPrice>> = MODEL_PRICES): ModelPrice | undefined {
  const base = model.trim().toLowerCase().split("/").at(-1)!;
  const candidates = [model, base, base.replace(/-\d{4}-\d{2}-\d{2}$/, ""), base.replace(/-\d{4}$/, "")];
  for (const c of candidates) if (Object.hasOwn(table, c)) return table[c];
  return undefined;
}

/** USD cost of a call: (prompt × input + completion × output) / 1000. */
export function costOf(usage: Pick<TokenUsage, "promptTokens" | "completionTokens">, price: ModelPrice): number {
  return (usage.promptTokens * price.inputPer1k + usage.completionTokens * price.outputPer1k) / 1000;
}
