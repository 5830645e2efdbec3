/** Auto-layout, layered left to right, using each node's measured size: dagre, or the fast layered layout for big graphs. */
import { Graph as DagreGraph, layout } from "@dagrejs/dagre";
import type { Graph } from "../../../engine/browser.js";
import { layeredLayout } from "./layered-layout.js";

export interface Size {
  width: number;
  height: number;
}

// Conditional and parallel edges carry labels: leave them room between the layers.
function hasLabels(edges: Graph["edges"]): boolean {
  return edges.some((e) => e.kind === "conditional" || e.kind === "parallel" || Boolean(e.label));
}

const DEFAULT_SIZE: Size = { width: 192, height: 110 };

/** Top-left positions for every node of the graph. */
export function dagreLayout(graph: Pick<Graph, "nodes" | "edges">, sizes: Record<string, Size | undefined> = {}): Record<string, { x: number; y: number }> {
  const g = new DagreGraph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: hasLabels(graph.edges) ? 150 : 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) {
    const s = sizes[n.id] ?? DEFAULT_SIZE;
    g.setNode(n.id, { width: s.width, height: s.height });
  }
  const ids = new Set(graph.nodes.map((n) => n.id));
  for (const e of graph.edges) if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target, {}, e.id);
  layout(g);
  const out: Record<string, { x: number; y: number }> = {};
  for (const n of graph.nodes) {
    const p = g.node(n.id) as { x: number; y: number; width: number; height: number };
    out[n.id] = { x: Math.round(p.x - p.width / 2), y: Math.round(p.y - p.height / 2) };
  }
  return out;
}

/**
 * Above this many nodes dagre is too slow (measured: ~4.4 s at 1,000 nodes, ELK ~4.6 s; see
 * docs/editor-bench.md): the fast layered layout takes over.
 */
export const DAGRE_MAX_NODES = 100;

/** Layered left-to-right positions: dagre for small graphs, the fast layered layout above DAGRE_MAX_NODES. */
export function autoLayout(graph: Pick<Graph, "nodes" | "edges">, sizes: Record<string, Size | undefined> = {}): Record<string, { x: number; y: number }> {
  if (graph.nodes.length <= DAGRE_MAX_NODES) return dagreLayout(graph, sizes);
  // Conditional and parallel edges carry labels: leave them room between the layers.
  return layeredLayout(graph.nodes, graph.edges, sizes, { layerGap: hasLabels(graph.edges) ? 150 : 90, nodeGap: 40 });
}
