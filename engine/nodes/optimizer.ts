import { NodeExecutionError, type GraphIssue } from "../errors.js";
import { optimizeConfigIssues } from "../optimize/check.js";
import type { NodeKindDefinition } from "./types.js";

/** Reserved in the format; optimizer nodes are run by the optimization service, never by the executor. */
export const optimizerNode: NodeKindDefinition<"optimizer"> = {
  kind: "optimizer",
  title: "Optimizer",
  outputFields: () => "any",
  templates: () => [],
  validate(node, index) {
    const issues: GraphIssue[] = [];
    if (index.inEdges.get(node.id)!.length + index.outEdges.get(node.id)!.length > 0) {
      issues.push({ nodeId: node.id, message: "optimizer nodes are not wired into the data flow; remove their edges" });
    }
    issues.push(...optimizeConfigIssues(index, node.config, node.id));
    return issues;
  },
  async execute({ node }) {
    throw new NodeExecutionError(node.id, "optimizer nodes do not execute in a run");
  },
};
