import { FlowtuneError, type GraphIssue } from "../errors.js";
import { evaluateCondition } from "../expression/expression.js";
import type { ConditionalEdge } from "../schema/graph.js";
import type { NodeKindDefinition } from "./types.js";

/** Passes its input through and picks the conditional edges to follow. */
export const routerNode: NodeKindDefinition<"router"> = {
  kind: "router",
  title: "Router",
  outputFields: () => "any",
  templates: () => [],
  validate(node, index) {
    const issues: GraphIssue[] = [];
    const out = index.outEdges.get(node.id)!;
    if (out.length === 0) issues.push({ nodeId: node.id, message: "a router needs at least one outgoing conditional edge" });
    for (const e of out) {
      if (e.kind !== "conditional") {
        issues.push({ edgeId: e.id, field: "kind", message: `edges leaving router "${node.id}" must be conditional, not ${e.kind}` });
      }
    }
    const defaults = out.filter((e) => e.kind === "conditional" && e.default);
    if (defaults.length > 1) {
      issues.push({ nodeId: node.id, message: `a router has at most one default edge (found ${defaults.map((e) => e.id).join(", ")})` });
    }
    return issues;
  },
  async execute({ node, input, scope, index }) {
    const edges = index.outEdges.get(node.id)!.filter((e): e is ConditionalEdge => e.kind === "conditional");
    const ctx = { input, inputs: scope.inputs, nodes: scope.nodes };
    const taken: string[] = [];
    for (const e of edges) {
      if (e.default || !e.condition) continue;
      if (evaluateCondition(e.condition, ctx)) {
        taken.push(e.id);
        if (node.config.mode === "first-match") break;
      }
    }
    if (taken.length === 0) {
      const fallback = edges.find((e) => e.default);
      if (!fallback) {
        throw new FlowtuneError("NO_ROUTE", `router "${node.id}": no condition matched and there is no default edge`, { nodeId: node.id });
      }
      taken.push(fallback.id);
    }
    return { output: input, takenEdges: taken };
  },
};
