/** Turns a workflow graph (plus the shown run's state) into React Flow nodes and edges. */
import { MarkerType } from "@xyflow/react";
import type { Graph, GraphEdge, NodeStatus } from "../../../engine/browser.js";
import type { NodeRunState } from "../run-state.js";
import { EDGE_COLORS, type FlowEdge, type FlowEdgeData } from "./edges.js";
import { layoutGraph } from "./layout.js";
import { nodeTypeOf, type FlowNode } from "./nodes.js";

export function toFlowNodes(graph: Graph, runNodes: Record<string, NodeRunState>): FlowNode[] {
  const positions = layoutGraph(graph);
  return graph.nodes.map((node) => ({
    id: node.id,
    type: nodeTypeOf(node.kind),
    position: positions.get(node.id) ?? { x: 0, y: 0 },
    data: { node, run: runNodes[node.id] },
    connectable: false,
    deletable: false,
  }));
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

export function toFlowEdges(graph: Graph, runNodes: Record<string, NodeRunState>): FlowEdge[] {
  return graph.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    type: e.kind,
    data: { kind: e.kind, label: edgeLabel(e), flow: edgeFlow(e, runNodes) },
    // Markers scale with the stroke width; the parallel edge's arrow sits on a 1px path.
    markerEnd: {
      type: MarkerType.ArrowClosed,
      color: EDGE_COLORS[e.kind],
      width: e.kind === "parallel" ? 26 : 16,
      height: e.kind === "parallel" ? 26 : 16,
    },
    deletable: false,
    focusable: true,
  }));
}
