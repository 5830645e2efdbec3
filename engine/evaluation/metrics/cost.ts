import { costOf, lookupPrice } from "../prices.js";
import type { Metric } from "../types.js";
import { budgetClause, budgetScore, noOutput, targetCalls } from "./target-calls.js";

const usd = (n: number) => `$${n < 0.01 ? Number(n.toPrecision(3)) : n.toFixed(4)}`;

/**
 * USD cost of the target AI node at list price (config.price, else the price table), against budget.maxCostUsd.
 * Cached responses are priced like fresh ones, so a configuration scores the same on every run.
 */
export const cost: Metric = {
  id: "cost",
  description: "USD cost of the `target` AI node from the price table: 1 at or under `budget.maxCostUsd`, else limit / cost.",
  requires: ["target", "budget.maxCostUsd"],
  score({ target, budget, price }, ctx) {
    const calls = targetCalls(target, ctx);
    if (!calls) return noOutput(target);
    const limit = budget?.maxCostUsd ?? Infinity;
    let value = 0;
    const unknown = new Set<string>();
    for (const c of calls) {
      const p = price ?? lookupPrice(c.model ?? "");
      if (p && c.usage) value += costOf(c.usage, p);
      else if (!p) unknown.add(c.model ?? "(unknown)");
    }
    if (unknown.size) {
      const names = [...unknown].map((m) => JSON.stringify(m)).join(", ");
      return { score: 0, feedback: `cost unknown: no price for model ${names} in the price table; set config.price to price it` };
    }
    const models = [...new Set(calls.map((c) => c.model).filter(Boolean))].join(", ");
    return { score: budgetScore(value, limit), feedback: `cost ${usd(value)} (node "${target}", ${models || "model unknown"}): ${budgetClause(value, limit, usd)}`, value };
  },
};
