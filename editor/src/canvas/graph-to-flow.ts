/**
 * Turns the document graph (plus the shown run's state and the validation issues) into React
 * Flow nodes and edges. The sync functions reuse the previous flow object of every node/edge
 * whose inputs did not change, so memoized node components re-render only when needed.
 */
import { MarkerType } from "@xyflow/react";
import type { Graph, GraphEdge, GraphIssue, NodeStatus } from "../../../engine/browser.js";
import type { NodeRunState } from "../run-state.js";
import { EDGE_COLORS, type FlowEdge, type FlowEdgeData } from "./edges.js";
import { layoutGraph } from "./layout.js";
import { nodeTypeOf, type FlowNode } from "./nodes.js";

function messages(issues: GraphIssue[] | undefined): string[] | undefined {
  return issues?.length ? issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)) : undefined;
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

export function toFlowNodes(graph: Graph, runNodes: Record<string, NodeRunState>): FlowNode[] {
  return syncFlowNodes([], graph, runNodes, {}, true);
}

export function syncFlowNodes(
  prev: FlowNode[],
  graph: Graph,
  runNodes: Record<string, NodeRunState>,
  issuesByNode: Record<string, GraphIssue[]>,
  readOnly: boolean,
): FlowNode[] {
  const byId = new Map(prev.map((n) => [n.id, n]));
  const needLayout = graph.nodes.some((n) => !n.position);
  const positions = needLayout ? layoutGraph(graph) : null;
  let changed = prev.length !== graph.nodes.length;
  const next = graph.nodes.map((node, i) => {
    const old = byId.get(node.id);
    const run = runNodes[node.id];
    const issues = messages(issuesByNode[node.id]);
    const editable = !readOnly && node.kind !== "optimizer";
    if (old && old.data.node === node && old.data.run === run && sameList(old.data.issues, issues) && old.connectable === editable) {
      if (prev[i] !== old) changed = true;
      return old;
    }
    changed = true;
    return {
      id: node.id,
      type: nodeTypeOf(node.kind),
      position: node.position ?? positions?.get(node.id) ?? { x: 0, y: 0 },
      data: { node, run, issues: old && sameList(old.data.issues, issues) ? old.data.issues : issues },
      selected: old?.selected ?? false,
      measured: old?.measured,
      width: old?.width,
      height: old?.height,
      connectable: editable,
      deletable: !readOnly,
      draggable: !readOnly,
      ariaLabel: `${node.kind} node ${node.label ?? node.id}`,
    } satisfies FlowNode;
  });
  return changed ? next : prev;
}

/** Returns `nodes` with each node's run state updated; unchanged nodes keep their identity. */
export function withRunState(nodes: FlowNode[], runNodes: Record<string, NodeRunState>): FlowNode[] {
  let changed = false;
  const next = nodes.map((n) => {
    const run = runNodes[n.id];
    if (n.data.run === run) return n;
    changed = true;
    return { ...n, data: { ...n.data, run } };
  });
  return changed ? next : nodes;
}

function edgeLabel(e: GraphEdge): string | undefined {
  switch (e.kind) {
    case "conditional":
      return e.label ?? (e.default ? "default" : e.condition);
    case "parallel": {
      const parts = [e.map ? `map ${e.map}` : "parallel", `×${e.maxConcurrency}`];
      return e.label ?? parts.join(" ");
    }
    default:
      return e.label;
  }
}

const STARTED: NodeStatus[] = ["running", "succeeded", "failed"];

function edgeFlow(e: GraphEdge, runNodes: Record<string, NodeRunState>): FlowEdgeData["flow"] {
  const src = runNodes[e.source];
  const dst = runNodes[e.target];
  if (!src || !dst) return "idle";
  if (dst.status === "skipped") return "skipped";
  if (e.kind === "conditional" && src.takenEdges && !src.takenEdges.includes(e.id)) return "skipped";
  return src.status === "succeeded" && STARTED.includes(dst.status) ? "active" : "idle";
}

function flowEdge(e: GraphEdge, runNodes: Record<string, NodeRunState>, issues: string[] | undefined, readOnly: boolean): FlowEdge {
  return {
    id: e.id,
    source: e.source,
    target: e.target,
    type: e.kind,
    data: {
      kind: e.kind,
      label: edgeLabel(e),
      flow: edgeFlow(e, runNodes),
      issues,
      condition: e.kind === "conditional" ? e.condition : undefined,
      isDefault: e.kind === "conditional" ? e.default : undefined,
    },
    // Markers scale with the stroke width; the parallel edge's arrow sits on a 1px path.
    markerEnd: {
      type: MarkerType.ArrowClosed,
      color: EDGE_COLORS[e.kind],
      width: e.kind === "parallel" ? 26 : 16,
      height: e.kind === "parallel" ? 26 : 16,
    },
    deletable: !readOnly,
    focusable: true,
    ariaLabel: `${e.kind} edge from ${e.source} to ${e.target}`,
  };
}

export function toFlowEdges(graph: Graph, runNodes: Record<string, NodeRunState>): FlowEdge[] {
  return syncFlowEdges([], graph, runNodes, {}, true);
}

export function syncFlowEdges(
  prev: FlowEdge[],
  graph: Graph,
  runNodes: Record<string, NodeRunState>,
  issuesByEdge: Record<string, GraphIssue[]>,
  readOnly: boolean,
): FlowEdge[] {
  const byId = new Map(prev.map((e) => [e.id, e]));
  return graph.edges.map((e) => {
    const old = byId.get(e.id);
    const next = flowEdge(e, runNodes, messages(issuesByEdge[e.id]), readOnly);
    if (old) {
      const a = old.data!;
      const b = next.data!;
      if (
        old.source === next.source &&
        old.target === next.target &&
        a.kind === b.kind &&
        a.label === b.label &&
        a.flow === b.flow &&
        a.condition === b.condition &&
        a.isDefault === b.isDefault &&
        sameList(a.issues, b.issues) &&
        old.deletable === next.deletable
      )
        return old;
      return { ...next, selected: old.selected };
    }
    return next;
  });
}
