import type { GraphIndex } from "../graph/model.js";
import type { GraphIssue } from "../errors.js";
import type { GraphNode, NodeKind, NodeOfKind } from "../schema/graph.js";
import type { ProviderRegistry, TokenUsage } from "../providers/types.js";
import type { RunEventBody } from "../schema/events.js";
import type { TemplateScope } from "../template/template.js";
import type { NodeMemoryContext } from "../memory/types.js";
import type { RunServices } from "../services/types.js";

/** What a node execution gets from the executor. */
export interface NodeContext<N extends GraphNode = GraphNode> {
  node: N;
  /** Upstream output (single source), an object keyed by source id (several), or an item (mapped). */
  input: unknown;
  scope: TemplateScope;
  providers: ProviderRegistry;
  signal: AbortSignal;
  /** Outgoing edges, for routers. */
  index: GraphIndex;
  /** Who this execution's template renders are for (the run, or the optimization running it): see RenderOptions.owner. */
  renderOwner?: string;
  /** Emits this execution's own events into the run's stream (AI nodes: node.tool_call / node.tool_result). */
  emit?: (e: NodeEventBody) => void;
  /** The run's conversation memory store and ids (AI nodes with `memory`); absent: no memory in this run. */
  memory?: NodeMemoryContext;
  /** Stored workflows and MCP servers the run may call (`workflow` nodes, `workflow`/`mcp` tools). */
  services?: RunServices;
}

/** An event a node execution emits itself: the executor adds the node id (and the mapped item's index). */
export type NodeEventBody = Omit<Extract<RunEventBody, { type: "node.tool_call" | "node.tool_result" }>, "nodeId" | "index">;

/** What a node execution produces. */
export interface NodeOutcome {
  output: unknown;
  usage?: TokenUsage;
  costUsd?: number;
  /** Routers: the outgoing edge ids that were taken. */
  takenEdges?: string[];
}

/** A template-valued config field and the extra scope names it may use beyond inputs/input/nodes. */
export interface TemplateField {
  field: string;
  source: string;
  extraRoots?: string[];
}

/** One node kind: how to validate it beyond its schema, what it outputs, how it runs. */
export interface NodeKindDefinition<K extends NodeKind = NodeKind> {
  kind: K;
  title: string;
  /** Output field names other nodes may reference (`nodes.<id>.<field>`), or "any". */
  outputFields(node: NodeOfKind<K>): readonly string[] | "any";
  /** Template config fields, checked for syntax and references. */
  templates(node: NodeOfKind<K>): TemplateField[];
  /** Kind-specific checks (graph-level rules live in graph/validate.ts). */
  validate?(node: NodeOfKind<K>, index: GraphIndex): GraphIssue[];
  execute(ctx: NodeContext<NodeOfKind<K>>): Promise<NodeOutcome>;
}
