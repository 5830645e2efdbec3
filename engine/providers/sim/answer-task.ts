import type { CompletionRequest } from "../types.js";
import { analyzeDemos } from "./demo-analysis.js";
import type { PromptFeatures } from "./features.js";
import type { SimModel } from "./models.js";
import type { ParsedRequest } from "./request.js";
import { hashUnit } from "./rng.js";
import { correctnessLogit, sigmoid, temperatureCorruption } from "./skill.js";
import type { SimTaskFamily } from "./tasks/family.js";
import type { RenderStyle, Solver, TaskCase } from "./tasks/types.js";

/** Everything decided about one task reply (exposed for tests and debugging). */
export interface TaskTrace {
  family: SimTaskFamily;
  instructed: boolean;
  probability: number;
  correct: boolean;
  reasoning: boolean;
  format: boolean;
  answer: string;
}

export interface TaskContext {
  model: SimModel;
  request: CompletionRequest;
  parsed: ParsedRequest;
  features: PromptFeatures;
  instructed: boolean;
  /** The provider's world seed (changes every per-item draw). */
  worldSeed: number;
  /** An answer already settled outside the model's own skill (a calculator tool's result, tools.ts). */
  forced?: unknown;
}

/** The per-item draw: below p means correct. It depends on model + item, not on the prompt wording. */
export function itemDraw(worldSeed: number, modelId: string, family: SimTaskFamily, key: string): number {
  return hashUnit("item", worldSeed, modelId, family, key);
}

/** Answers a recognized task: decides correctness from the documented logit, then writes the reply. */
export function answerTask<C extends TaskCase, A>(solver: Solver<C, A>, c: C, ctx: TaskContext): { text: string; trace: TaskTrace } {
  const { model, request, features: f, worldSeed } = ctx;
  const family = solver.family;
  const demos = analyzeDemos(solver, ctx.parsed.demos);
  const reasoning = (f.stepByStep || demos.reasoningByExample) && !f.noReasoning;
  const hint =
    (family === "sentiment" && f.negationHint) || (family === "intent" && f.labelDefinitions) || (family === "extraction" && f.senderHint);
  const logit = correctnessLogit(model, family, c, {
    instruction: ctx.instructed,
    helpfulDemos: demos.helpful,
    misleadingDemos: demos.misleading,
    reasoning,
    selfCheck: f.selfCheck,
    hint,
  });
  const p = sigmoid(logit);
  const temperature = request.temperature ?? 0;
  const sampleSeed = request.seed ?? 0;
  const corrupt = temperature > 0 && hashUnit("noise", worldSeed, model.id, c.key, sampleSeed, temperature, request.topP ?? 1) <
    temperatureCorruption(model, temperature, request.topP);
  const correct = itemDraw(worldSeed, model.id, family, c.key) < p && !corrupt;
  const wrongPick = hashUnit("wrong", worldSeed, model.id, c.key, temperature > 0 ? sampleSeed : "t0");
  const answer = ctx.forced !== undefined ? (ctx.forced as A) : correct ? solver.truth(c) : solver.wrong(c, wrongPick);

  const style: RenderStyle = {
    isoDate: f.isoDate || demos.isoByExample,
    standardKeys: f.standardKeys || demos.keysByExample,
    concise: f.concise,
    selfCheck: f.selfCheck && reasoning,
  };
  const format = f.format || demos.bareByExample || (reasoning && demos.reasoningByExample) || (family === "extraction" && f.jsonMode);
  const chattyPick = hashUnit("chatty", worldSeed, model.id, c.key);
  let text: string;
  if (f.jsonMode) {
    const value = solver.json(answer, c, style);
    const body = reasoning
      ? { reasoning: solver.reasoning(answer, c, style).join(" "), answer: value }
      : family === "extraction" ? value : { answer: value };
    text = JSON.stringify(body);
  } else if (reasoning) {
    const final = format ? `Answer: ${solver.bare(answer, c, style)}` : solver.chatty(answer, c, chattyPick, style);
    text = [...solver.reasoning(answer, c, style), final].join("\n");
  } else if (format) {
    text = solver.bare(answer, c, style);
  } else {
    const bareRate = f.concise ? Math.max(0.6, model.bareRate) : model.bareRate;
    const bare = family !== "extraction" && hashUnit("bare", worldSeed, model.id, c.key) < bareRate;
    text = bare ? solver.bare(answer, c, style) : solver.chatty(answer, c, chattyPick, style);
  }
  const trace = { family, instructed: ctx.instructed, probability: p, correct: ctx.forced !== undefined ? solver.equal(answer, solver.truth(c)) : correct, reasoning, format, answer: solver.bare(answer, c, style) };
  return { text, trace };
}
