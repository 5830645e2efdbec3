/** Auto-layout with dagre: layered, left to right, using each node's measured size. */
import { Graph as DagreGraph, layout } from "@dagrejs/dagre";
import type { Graph } from "../../../engine/browser.js";

export interface Size {
  width: number;
  height: number;
}

const DEFAULT_SIZE: Size = { width: 192, height: 110 };

/** Top-left positions for every node of the graph. */
export function dagreLayout(graph: Pick<Graph, "nodes" | "edges">, sizes: Record<string, Size | undefined> = {}): Record<string, { x: number; y: number }> {
  const g = new DagreGraph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
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
