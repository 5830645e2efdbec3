/**
 * Positions for nodes that have none: a layered layout, left to right. A node's layer is its
 * longest-path depth from a source (topological), its row its index within the layer; each
 * layer is centred vertically on the tallest one. Nodes with a stored position keep it.
 */
import type { Graph } from "../../../engine/browser.js";

export const LAYER_GAP_X = 300;
export const ROW_GAP_Y = 150;

export interface XY {
  x: number;
  y: number;
}

export function layoutGraph(graph: Pick<Graph, "nodes" | "edges">): Map<string, XY> {
  const ids = graph.nodes.map((n) => n.id);
  const incoming = new Map<string, string[]>(ids.map((id) => [id, []]));
  const outgoing = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of graph.edges) {
    if (!incoming.has(e.target) || !outgoing.has(e.source)) continue;
    incoming.get(e.target)!.push(e.source);
    outgoing.get(e.source)!.push(e.target);
  }
  // Kahn's algorithm; depth = 1 + max depth of the predecessors.
  const depth = new Map<string, number>();
  const remaining = new Map(ids.map((id) => [id, incoming.get(id)!.length]));
  const queue = ids.filter((id) => remaining.get(id) === 0);
  for (const id of queue) depth.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const t of outgoing.get(id)!) {
      depth.set(t, Math.max(depth.get(t) ?? 0, depth.get(id)! + 1));
      remaining.set(t, remaining.get(t)! - 1);
      if (remaining.get(t) === 0) queue.push(t);
    }
  }
  // A cycle (invalid graph): put what is left after the deepest layer.
  let maxDepth = Math.max(0, ...depth.values());
  for (const id of ids) if (!depth.has(id)) depth.set(id, ++maxDepth);

  const layers: string[][] = [];
  for (const id of ids) (layers[depth.get(id)!] ??= []).push(id);
  const tallest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  const positions = new Map<string, XY>();
  layers.forEach((layer, d) => {
    if (!layer) return;
    const offset = ((tallest - layer.length) * ROW_GAP_Y) / 2;
    layer.forEach((id, row) => positions.set(id, { x: d * LAYER_GAP_X, y: offset + row * ROW_GAP_Y }));
  });
  const stored = new Map(graph.nodes.filter((n) => n.position).map((n) => [n.id, n.position!]));
  for (const [id, pos] of stored) positions.set(id, pos);
  return positions;
}
