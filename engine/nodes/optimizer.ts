import { NodeExecutionError } from "../errors.js";
import type { NodeKindDefinition } from "./types.js";

/** Reserved in the format; optimizer nodes are run by the optimization service, never by the executor. */
export const optimizerNode: NodeKindDefinition<"optimizer"> = {
  kind: "optimizer",
  title: "Optimizer",
  outputFields: () => "any",
  templates: () => [],
  validate(node, index) {
    return index.inEdges.get(node.id)!.length + index.outEdges.get(node.id)!.length > 0
      ? [{ nodeId: node.id, message: "optimizer nodes are not wired into the data flow; remove their edges" }]
      : [];
  },
  async execute({ node }) {
    throw new NodeExecutionError(node.id, "optimizer nodes do not execute in a run");
  },
};
