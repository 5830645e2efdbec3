/** The simulated models: each trades accuracy against price and latency. */

export type SimModelId = "sim-small" | "sim-medium" | "sim-large";

export interface SimLatencyModel {
  /** Fixed time to first token, ms. */
  baseMs: number;
  /** Prefill time per prompt token, ms. */
  perPromptTokenMs: number;
  /** Decode time per completion token, ms. */
  perCompletionTokenMs: number;
}

export interface SimModel {
  id: SimModelId;
  description: string;
  /** Base skill in logit units (added to every task's correctness logit). */
  skill: number;
  /** USD per 1,000 prompt tokens. */
  inputPricePer1k: number;
  /** USD per 1,000 completion tokens. */
  outputPricePer1k: number;
  latency: SimLatencyModel;
  /** Probability of a bare answer when the prompt gives no output-format instruction. */
  bareRate: number;
  /** Multiplies the temperature's corruption rate (weak models degrade faster). */
  temperatureSensitivity: number;
  /** Probability that a judge verdict by this model is flipped. */
  judgeNoise: number;
}

/** Metadata of every sim model, cheapest first. */
export const SIM_MODELS: readonly SimModel[] = Object.freeze([
  {
    id: "sim-small",
    description: "Cheap and fast, weak: needs a good prompt.",
    skill: 0.6,
    inputPricePer1k: 0.0001,
    outputPricePer1k: 0.0004,
    latency: { baseMs: 150, perPromptTokenMs: 0.05, perCompletionTokenMs: 8 },
    bareRate: 0.7,
    temperatureSensitivity: 1.3,
    judgeNoise: 0.15,
  },
  {
    id: "sim-medium",
    description: "Balanced accuracy, price and speed.",
    skill: 1.3,
    inputPricePer1k: 0.0005,
    outputPricePer1k: 0.0015,
    latency: { baseMs: 300, perPromptTokenMs: 0.1, perCompletionTokenMs: 15 },
    bareRate: 0.35,
    temperatureSensitivity: 1,
    judgeNoise: 0.07,
  },
  {
    id: "sim-large",
    description: "Accurate, expensive and slow; chatty without a format instruction.",
    skill: 2.1,
    inputPricePer1k: 0.003,
    outputPricePer1k: 0.012,
    latency: { baseMs: 600, perPromptTokenMs: 0.2, perCompletionTokenMs: 30 },
    bareRate: 0.2,
    temperatureSensitivity: 0.7,
    judgeNoise: 0.03,
  },
]);

/** The model with this id, or undefined. */
export function getSimModel(id: string): SimModel | undefined {
  return SIM_MODELS.find((m) => m.id === id);
}

/** Simulated latency of one call in ms (before latencyScale). */
export function simLatencyMs(model: SimModel, promptTokens: number, completionTokens: number): number {
  const l = model.latency;
  return Math.round(l.baseMs + promptTokens * l.perPromptTokenMs + completionTokens * l.perCompletionTokenMs);
}

/** Cost of one call in USD. */
export function simCostUsd(model: SimModel, promptTokens: number, completionTokens: number): number {
  return (promptTokens * model.inputPricePer1k + completionTokens * model.outputPricePer1k) / 1000;
}
