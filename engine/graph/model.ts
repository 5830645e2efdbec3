import type { Graph, GraphEdge, GraphNode, ParallelEdge } from "../schema/graph.js";

/** The concurrency group a node belongs to: the branches of one parallel fan-out share a cap. */
export interface ConcurrencyGroup {
  /** The fan-out's source node id. */
  key: string;
  /** The smallest maxConcurrency among the source's parallel (non-map) edges. */
  cap: number;
}

/** A graph with adjacency indexes built once, so scheduling never scans the whole graph. */
export interface GraphIndex {
  graph: Graph;
  nodes: Map<string, GraphNode>;
  edges: Map<string, GraphEdge>;
  inEdges: Map<string, GraphEdge[]>;
  outEdges: Map<string, GraphEdge[]>;
  /** Edge id → its position among its target's in-edges (join responses are ordered by it). */
  inEdgeOrder: Map<string, number>;
  /** Node id → its concurrency group, for branches of a parallel (non-map) fan-out. */
  groups: Map<string, ConcurrencyGroup>;
  /** Node id → the parallel map edge feeding it, for nodes mapped over a list. */
  mapEdges: Map<string, ParallelEdge>;
}

/** Builds in/out edge indexes. Edges whose ends are missing are left out (validation reports them). */
export function indexGraph(graph: Graph): GraphIndex {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const edges = new Map<string, GraphEdge>();
  const inEdges = new Map<string, GraphEdge[]>();
  const outEdges = new Map<string, GraphEdge[]>();
  for (const n of graph.nodes) {
    inEdges.set(n.id, []);
    outEdges.set(n.id, []);
  }
  for (const e of graph.edges) {
    edges.set(e.id, e);
    if (!nodes.has(e.source) || !nodes.has(e.target)) continue;
    outEdges.get(e.source)!.push(e);
    inEdges.get(e.target)!.push(e);
  }
  // Precomputed once so that each scheduling step is O(1) per edge, whatever the fan-out width.
  const inEdgeOrder = new Map<string, number>();
  const groups = new Map<string, ConcurrencyGroup>();
  const mapEdges = new Map<string, ParallelEdge>();
  const capOf = new Map<string, number>();
  for (const [id, list] of outEdges) {
    const caps = list.flatMap((e) => (e.kind === "parallel" && !e.map ? [e.maxConcurrency] : []));
    if (caps.length) capOf.set(id, Math.min(...caps));
  }
  for (const [id, list] of inEdges) {
    list.forEach((e, i) => inEdgeOrder.set(e.id, i));
    const fan = list.find((e) => e.kind === "parallel" && !e.map);
    if (fan) groups.set(id, { key: fan.source, cap: capOf.get(fan.source)! });
    const map = list.find((e): e is ParallelEdge => e.kind === "parallel" && Boolean(e.map));
    if (map) mapEdges.set(id, map);
  }
  return { graph, nodes, edges, inEdges, outEdges, inEdgeOrder, groups, mapEdges };
}

/**
 * Kahn's topological order. When the graph has a cycle, `cycle` lists the nodes of one cycle
 * in order (first node repeated at the end is omitted).
 */
export function topologicalOrder(index: GraphIndex): { order: string[]; cycle?: string[] } {
  const indeg = new Map<string, number>();
  for (const id of index.nodes.keys()) indeg.set(id, index.inEdges.get(id)!.length);
  const queue = [...index.nodes.keys()].filter((id) => indeg.get(id) === 0);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    order.push(id);
    for (const e of index.outEdges.get(id)!) {
      const d = indeg.get(e.target)! - 1;
      indeg.set(e.target, d);
      if (d === 0) queue.push(e.target);
    }
  }
  if (order.length === index.nodes.size) return { order };
  return { order, cycle: findCycle(index, new Set([...indeg].filter(([, d]) => d > 0).map(([id]) => id))) };
}

// Walks successors among the nodes left over by Kahn's algorithm until a node repeats.
function findCycle(index: GraphIndex, remaining: Set<string>): string[] {
  let current = remaining.values().next().value as string;
  const seenAt = new Map<string, number>();
  const path: string[] = [];
  while (!seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    const next = index.outEdges.get(current)!.find((e) => remaining.has(e.target));
    if (!next) break;
    current = next.target;
  }
  return path.slice(seenAt.get(current) ?? 0);
}

/** Every node from which `nodeId` can be reached (its upstream), not including itself. */
export function ancestorsOf(index: GraphIndex, nodeId: string): Set<string> {
  const seen = new Set<string>();
  const stack = [nodeId];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of index.inEdges.get(id) ?? []) {
      if (!seen.has(e.source)) {
        seen.add(e.source);
        stack.push(e.source);
      }
    }
  }
  return seen;
}

/** Every node reachable from `nodeId`, including itself. */
export function descendantsOf(index: GraphIndex, nodeId: string): Set<string> {
  const seen = new Set<string>([nodeId]);
  const stack = [nodeId];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of index.outEdges.get(id) ?? []) {
      if (!seen.has(e.target)) {
        seen.add(e.target);
        stack.push(e.target);
      }
    }
  }
  return seen;
}
