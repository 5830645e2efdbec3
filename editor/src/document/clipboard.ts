/** Copy and paste of a selection of nodes (with the edges between them), with fresh ids. */
import type { Graph, GraphEdge, GraphNode } from "../../../engine/browser.js";
import { freshId, takenIds } from "./defaults.js";

export interface Clip {
  nodes: GraphNode[];
  /** Only edges whose both ends are among `nodes`. */
  edges: GraphEdge[];
}

export const CLIP_MIME = "application/x-flowtune-clip+json";

export function copyNodes(graph: Pick<Graph, "nodes" | "edges">, nodeIds: Iterable<string>): Clip {
  const ids = new Set(nodeIds);
  return {
    nodes: graph.nodes.filter((n) => ids.has(n.id)),
    edges: graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  };
}

/** The graph with the clip's nodes and edges added under fresh ids, moved by `offset`. */
export function pasteClip(graph: Graph, clip: Clip, offset: { x: number; y: number }): { graph: Graph; inserted: string[] } {
  const taken = takenIds(graph);
  const rename = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = freshId(n.id.replace(/\d+$/, "") || n.kind, taken);
    taken.add(id);
    rename.set(n.id, id);
    const p = n.position ?? { x: 0, y: 0 };
    return { ...n, id, position: { x: Math.round(p.x + offset.x), y: Math.round(p.y + offset.y) } } as GraphNode;
  });
  const edges = clip.edges
    .filter((e) => rename.has(e.source) && rename.has(e.target))
    .map((e) => {
      const source = rename.get(e.source)!;
      const target = rename.get(e.target)!;
      const id = freshId(`${source}-${target}`, taken);
      taken.add(id);
      return { ...e, id, source, target } as GraphEdge;
    });
  return { graph: { ...graph, nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] }, inserted: nodes.map((n) => n.id) };
}

/** Parses a clip from clipboard text (null when it is not one). */
export function parseClip(text: string): Clip | null {
  try {
    const v = JSON.parse(text) as { flowtuneClip?: Clip };
    const c = v?.flowtuneClip;
    return c && Array.isArray(c.nodes) && Array.isArray(c.edges) ? c : null;
  } catch {
    return null;
  }
}

export function serializeClip(clip: Clip): string {
  return JSON.stringify({ flowtuneClip: clip });
}
