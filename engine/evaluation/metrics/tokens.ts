import type { Metric } from "../types.js";
import { budgetClause, budgetScore, noOutput, targetCalls } from "./target-calls.js";

const tok = (n: number) => `${n} tokens`;

/** Total tokens (prompt + completion) of the target AI node against budget.maxTokens. */
export const tokens: Metric = {
  id: "tokens",
  description: "Total tokens of the `target` AI node: 1 at or under `budget.maxTokens`, else limit / tokens.",
  requires: ["target", "budget.maxTokens"],
  score({ target, budget }, ctx) {
    const calls = targetCalls(target, ctx);
    if (!calls) return noOutput(target);
    const limit = budget?.maxTokens ?? Infinity;
    const prompt = calls.reduce((s, c) => s + (c.usage?.promptTokens ?? 0), 0);
    const completion = calls.reduce((s, c) => s + (c.usage?.completionTokens ?? 0), 0);
    const value = calls.reduce((s, c) => s + (c.usage?.totalTokens ?? 0), 0);
    return {
      score: budgetScore(value, limit),
      feedback: `used ${tok(value)} (${prompt} prompt + ${completion} completion) in node "${target}": ${budgetClause(value, limit, tok)}`,
      value,
    };
  },
};
