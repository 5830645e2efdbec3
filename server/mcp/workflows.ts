/** MCP tools over workflows: list them, and read one's nodes with what each AI node runs (its tunable parameters). */
import { z } from "zod";
import type { GraphNode } from "../../engine/browser.js";
import { defineTool, procedureInput } from "./tool.js";

export const listWorkflows = defineTool({
  name: "list_workflows",
  title: "List workflows",
  description: "Every stored workflow the token may see: id, name, current version, last update.",
  procedures: ["workflows.list"],
  // workflows.list takes no input.
  input: z.object({}),
  async run(_args, { api }) {
    const workflows = await api.workflows.list();
    return { workflows: workflows.map((w) => ({ id: w.id, name: w.name, version: w.currentVersion, updatedAt: w.updatedAt })) };
  },
});

/** A node as an agent needs it: identity, kind, and what to tune or feed it. */
function describeNode(node: GraphNode, tunable: Map<string, { managed: boolean; version: number; params: unknown }>) {
  const base = { id: node.id, kind: node.kind, ...(node.label ? { label: node.label } : {}), ...(node.description ? { description: node.description } : {}) };
  if (node.kind === "ai") {
    // The parameters runs use (the production version when one is promoted): what an optimization tunes.
    const t = tunable.get(node.id);
    return { ...base, tunable: t ? { managed: t.managed, parameterVersion: t.version, params: t.params } : { managed: false, parameterVersion: 1, params: node.config } };
  }
  return { ...base, config: node.config };
}

export const getWorkflowNodes = defineTool({
  name: "get_workflow_nodes",
  title: "Get a workflow's nodes",
  description:
    "The latest version of a workflow: its nodes (id, kind, label; input nodes list the run inputs, evaluation nodes the metrics an " +
    "optimization can target, optimizer nodes their saved settings) and, for each AI node, the tunable parameters runs use now " +
    "(production version or the graph's own), and its edges.",
  procedures: ["workflows.get", "parameters.effective"],
  input: procedureInput("parameters.effective"),
  async run({ workflowId }, { api }) {
    const wf = await api.workflows.get({ id: workflowId });
    const effective = await api.parameters.effective({ workflowId });
    const tunable = new Map(effective.nodes.map((n) => [n.nodeId, { managed: n.managed, version: n.version, params: n.params }]));
    return {
      workflowId: wf.id,
      name: wf.name,
      version: wf.version,
      nodes: wf.graph.nodes.map((n) => describeNode(n, tunable)),
      edges: wf.graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, kind: e.kind })),
    };
  },
});

export const workflowTools = [listWorkflows, getWorkflowNodes];
