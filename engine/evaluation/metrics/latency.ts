import type { Metric } from "../types.js";
import { budgetClause, budgetScore, noOutput, targetCalls } from "./target-calls.js";
import { fmt } from "./text.js";

const ms = (n: number) => `${fmt(Math.round(n))} ms`;

/** Model latency of the target AI node (summed over mapped items) against budget.maxLatencyMs. */
export const latency: Metric = {
  id: "latency",
  description: "Model latency of the `target` AI node: 1 at or under `budget.maxLatencyMs`, else limit / latency.",
  requires: ["target", "budget.maxLatencyMs"],
  score({ target, budget }, ctx) {
    const calls = targetCalls(target, ctx);
    if (!calls) return noOutput(target);
    const limit = budget?.maxLatencyMs ?? Infinity;
    const value = calls.reduce((s, c) => s + (c.latencyMs ?? 0), 0);
    const over = calls.length === 1 ? "" : ` over ${calls.length} calls`;
    return { score: budgetScore(value, limit), feedback: `latency ${ms(value)}${over} (node "${target}"): ${budgetClause(value, limit, ms)}`, value };
  },
};
