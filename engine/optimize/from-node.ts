/**
 * An optimizer node as the source of an optimization's configuration (the CLI's `--optimizer`,
 * the REST defaults): finding the node for some targets, and its config without the dataset.
 */
import type { Graph, GraphNode } from "../schema/graph.js";
import type { OptimizeConfig } from "../schema/optimizer.js";

export type OptimizerNode = Extract<GraphNode, { kind: "optimizer" }>;

/** Every optimizer node of the graph. */
export function optimizerNodes(graph: Graph): OptimizerNode[] {
  return graph.nodes.filter((n): n is OptimizerNode => n.kind === "optimizer");
}

/** The optimizer nodes whose targets include every one of `targets` (all of them when `targets` is empty or absent). */
export function optimizerNodesFor(graph: Graph, targets?: readonly string[]): OptimizerNode[] {
  return optimizerNodes(graph).filter((n) => (targets ?? []).every((t) => n.config.targets.includes(t)));
}

/** The node's optimization config (a deep copy, every field), and the dataset it names. */
export function configOfOptimizerNode(node: OptimizerNode): { config: OptimizeConfig; dataset?: string } {
  const { dataset, ...config } = structuredClone(node.config);
  return { config, dataset };
}
