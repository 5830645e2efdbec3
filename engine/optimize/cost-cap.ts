import type { GraphIssue } from "../errors.js";
import { DEFAULT_JUDGE } from "../evaluation/metrics/llm-judge.js";
import { lookupPrice } from "../evaluation/prices.js";
import type { Graph } from "../schema/graph.js";
import type { OptimizeConfig } from "../schema/optimizer.js";

/**
 * A cost cap is held by reserving each call's price before it starts, so every model an
 * optimization can call must have a known price (engine/evaluation/prices.ts). One issue naming
 * the unpriced models (AI nodes, searched models, judges, the reflection model) when a cost cap
 * is set; none otherwise. Refusing to start is the honest answer: a cap counted after the fact
 * (or at $0) for those calls would not be a cap.
 */
export function unpricedModelIssues(graph: Graph, config: Pick<OptimizeConfig, "limits" | "searchSpace" | "strategy" | "reflection">): GraphIssue[] {
  const cap = config.limits.budgetCostUsd;
  if (cap === undefined) return [];
  const uses: Array<[model: string, where: string]> = [];
  for (const n of graph.nodes) {
    if (n.kind === "ai") uses.push([n.config.model, `node "${n.id}"`]);
    if (n.kind === "evaluation" && n.config.metric === "llm_judge") uses.push([n.config.judge?.model ?? DEFAULT_JUDGE.model, `the judge of node "${n.id}"`]);
  }
  for (const m of config.searchSpace.models ?? []) uses.push([m, "searchSpace.models"]);
  if (config.strategy === "reflective") uses.push([config.reflection.model, "reflection.model"]);
  const unpriced = uses.filter(([model]) => !lookupPrice(model));
  if (unpriced.length === 0) return [];
  const list = unpriced.map(([model, where]) => `"${model}" (${where})`).join(", ");
  return [
    {
      field: "limits.budgetCostUsd",
      message: `the cost cap of $${cap} cannot be held: no price is known for ${list}; cap tokens (budgetTokens) instead, or use models with a known price`,
    },
  ];
}
