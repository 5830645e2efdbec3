import type { NodeKind } from "../schema/graph.js";
import { aggregateNode } from "./aggregate/aggregate.js";
import { aiNode } from "./ai.js";
import { evaluationNode } from "./evaluation.js";
import { inputNode } from "./input.js";
import { optimizerNode } from "./optimizer.js";
import { outputNode } from "./output.js";
import { routerNode } from "./router.js";
import type { NodeKindDefinition } from "./types.js";

/** Every node kind's definition, by kind. */
export const NODE_DEFINITIONS: { [K in NodeKind]: NodeKindDefinition<K> } = {
  input: inputNode,
  ai: aiNode,
  evaluation: evaluationNode,
  router: routerNode,
  aggregate: aggregateNode,
  output: outputNode,
  optimizer: optimizerNode,
};

/** The definition of a node kind (typed loosely for generic callers). */
export function nodeDefinition(kind: NodeKind): NodeKindDefinition {
  return NODE_DEFINITIONS[kind] as unknown as NodeKindDefinition;
}
