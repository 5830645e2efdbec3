import { describe, expect, it } from "vitest";
import { SIM_MODELS } from "../providers/sim/models.js";
import { costOf, lookupPrice, MODEL_PRICES } from "./prices.js";

describe("price table", () => {
  it("prices the sim models from SIM_MODELS", () => {
    for (const m of SIM_MODELS) expect(lookupPrice(m.id)).toEqual({ inputPer1k: m.inputPricePer1k, outputPer1k: m.outputPricePer1k });
  });

  it("finds OpenAI models by name, dated name or vendor prefix, and nothing looser", () => {
    expect(lookupPrice("gpt-4o-mini")).toEqual({ inputPer1k: 0.00015, outputPer1k: 0.0006 });
    expect(lookupPrice("gpt-4o-mini-2024-07-18")).toBe(MODEL_PRICES["gpt-4o-mini"]);
    expect(lookupPrice("openai/GPT-4o")).toBe(MODEL_PRICES["gpt-4o"]);
    expect(lookupPrice("gpt-4-0613")).toBe(MODEL_PRICES["gpt-4"]);
    expect(lookupPrice("gpt-4o-audio-preview")).toBeUndefined();
    expect(lookupPrice("llama3.1")).toBeUndefined();
    expect(lookupPrice("constructor")).toBeUndefined();
  });

  it("computes cost per 1k prompt and completion tokens", () => {
    expect(costOf({ promptTokens: 2000, completionTokens: 500 }, { inputPer1k: 0.001, outputPer1k: 0.004 })).toBeCloseTo(0.004, 12);
  });
});
