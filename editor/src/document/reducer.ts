/**
 * The document being edited: an engine `Graph` (positions included) with a bounded undo/redo
 * history. Pure: every operation returns a new state and never mutates the old one, so undo is
 * just a stack of earlier graph objects (unchanged nodes keep their identity, which lets the
 * canvas re-render only what changed). Consecutive operations with the same `coalesce` key
 * (a drag, typing into one field) make a single history step.
 */
import type { EdgeKind, Graph, GraphEdge, GraphNode, NodeKind, NoteColor } from "../../../engine/browser.js";
import { copyNodes, pasteClip, type Clip } from "./clipboard.js";
import { defaultNode, freshId, KIND_INFO_BY_KIND, takenIds } from "./defaults.js";
import { addNote, moveNotes, noteFlowId, removeNotes, updateNote, type NotePatch } from "./notes.js";

export const HISTORY_LIMIT = 100;

export interface XY {
  x: number;
  y: number;
}

export interface DocState {
  graph: Graph;
  past: Graph[];
  future: Graph[];
  /** Key of the last operation, for coalescing; null after undo/redo/load. */
  lastKey: string | null;
  /** Ids created by the last add/paste/duplicate (the canvas selects them). */
  inserted: string[];
}

/** Fields of a node that can be patched; `config` is merged shallowly, `undefined` removes a key. */
export type NodePatch = {
  id?: string;
  label?: string;
  description?: string;
  position?: XY;
  timeoutMs?: number;
  onError?: GraphNode["onError"];
  config?: Record<string, unknown>;
};

export type EdgePatch = Record<string, unknown>;

export type GraphPatch = { name?: string; description?: string; timeoutMs?: number; id?: string };

export type DocAction =
  | { type: "load"; graph: Graph }
  | { type: "addNode"; kind: NodeKind; position: XY; id?: string }
  | { type: "updateNode"; id: string; patch: NodePatch; coalesce?: string }
  | { type: "removeElements"; nodeIds: string[]; edgeIds: string[] }
  | { type: "connect"; source: string; target: string; kind?: EdgeKind; id?: string }
  | { type: "setEdgeKind"; edgeId: string; kind: EdgeKind; extra?: EdgePatch }
  | { type: "updateEdge"; edgeId: string; patch: EdgePatch; coalesce?: string }
  | { type: "moveNodes"; positions: Record<string, XY>; coalesce?: string }
  | { type: "applyLayout"; positions: Record<string, XY> }
  | { type: "updateGraph"; patch: GraphPatch; coalesce?: string }
  | { type: "paste"; clip: Clip; offset: XY }
  | { type: "duplicate"; nodeIds: string[]; offset?: XY }
  // Sticky notes (notes.ts); moveNodes and removeElements also take notes by their `note:<id>` canvas ids.
  | { type: "addNote"; position: XY; id?: string; text?: string; color?: NoteColor }
  | { type: "updateNote"; id: string; patch: NotePatch; coalesce?: string }
  | { type: "undo" }
  | { type: "redo" };

export function initialDoc(graph: Graph): DocState {
  return { graph, past: [], future: [], lastKey: null, inserted: [] };
}

/** Sets or removes (undefined) keys of an object, returning a new object. */
function merge<T extends object>(obj: T, patch: Record<string, unknown>): T {
  const next = { ...obj } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  return next as T;
}

function commit(state: DocState, graph: Graph, key: string | null, inserted: string[] = []): DocState {
  if (graph === state.graph) return state;
  // Same key as the previous operation: replace the present, keep one history step.
  if (key !== null && key === state.lastKey) return { ...state, graph, future: [], inserted };
  const past = [...state.past, state.graph];
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { graph, past, future: [], lastKey: key, inserted };
}

function renameNode(graph: Graph, from: string, to: string): Graph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.id === from ? ({ ...n, id: to } as GraphNode) : n)),
    edges: graph.edges.map((e) =>
      e.source === from || e.target === from
        ? ({ ...e, source: e.source === from ? to : e.source, target: e.target === from ? to : e.target } as GraphEdge)
        : e,
    ),
  };
}

/** The edge `edge` turned into `kind`, with the kind's required fields (overridable by `extra`). */
export function edgeOfKind(edge: GraphEdge, kind: EdgeKind, extra: EdgePatch = {}): GraphEdge {
  // `meta` (user data) survives a change of kind like the label does.
  const base = { id: edge.id, source: edge.source, target: edge.target, ...(edge.label ? { label: edge.label } : {}), ...(edge.meta ? { meta: edge.meta } : {}) };
  switch (kind) {
    case "pipeline":
    case "broadcast":
      return merge({ ...base, kind } as GraphEdge, extra);
    case "conditional": {
      const prev = edge.kind === "conditional" ? edge : undefined;
      return merge(
        { ...base, kind, condition: prev?.condition ?? (prev?.default ? undefined : "true"), default: prev?.default ?? false } as GraphEdge,
        extra,
      );
    }
    case "parallel": {
      const prev = edge.kind === "parallel" ? edge : undefined;
      return merge({ ...base, kind, maxConcurrency: prev?.maxConcurrency ?? 4, ...(prev?.map ? { map: prev.map } : {}) } as GraphEdge, extra);
    }
  }
}

export function docReducer(state: DocState, action: DocAction): DocState {
  const g = state.graph;
  switch (action.type) {
    case "load":
      return initialDoc(action.graph);

    case "undo": {
      const prev = state.past.at(-1);
      if (!prev) return state;
      return { graph: prev, past: state.past.slice(0, -1), future: [g, ...state.future], lastKey: null, inserted: [] };
    }
    case "redo": {
      const next = state.future[0];
      if (!next) return state;
      return { graph: next, past: [...state.past, g], future: state.future.slice(1), lastKey: null, inserted: [] };
    }

    case "addNode": {
      const taken = takenIds(g);
      const id = action.id && !taken.has(action.id) ? action.id : freshId(KIND_INFO_BY_KIND[action.kind].idPrefix, taken);
      const node = defaultNode(action.kind, id, action.position, g);
      return commit(state, { ...g, nodes: [...g.nodes, node] }, null, [id]);
    }

    case "updateNode": {
      const node = g.nodes.find((n) => n.id === action.id);
      if (!node) return state;
      const { id: newId, config, ...rest } = action.patch;
      let next = merge(node, rest as Record<string, unknown>);
      if (config) next = { ...next, config: merge(next.config as object, config) } as GraphNode;
      if ((newId === undefined || newId === node.id) && JSON.stringify(next) === JSON.stringify(node)) return state;
      let graph: Graph = { ...g, nodes: g.nodes.map((n) => (n === node ? next : n)) };
      if (newId !== undefined && newId !== node.id) {
        if (takenIds(g).has(newId)) return state;
        graph = renameNode(graph, node.id, newId);
      }
      return commit(state, graph, action.coalesce ?? null);
    }

    case "removeElements": {
      const nodeIds = new Set(action.nodeIds);
      const edgeIds = new Set(action.edgeIds);
      if (!nodeIds.size && !edgeIds.size) return state;
      const graph: Graph = {
        ...removeNotes(g, action.nodeIds),
        nodes: g.nodes.filter((n) => !nodeIds.has(n.id)),
        edges: g.edges.filter((e) => !edgeIds.has(e.id) && !nodeIds.has(e.source) && !nodeIds.has(e.target)),
      };
      if (graph.nodes.length === g.nodes.length && graph.edges.length === g.edges.length && graph.notes === g.notes) return state;
      return commit(state, graph, null);
    }

    case "connect": {
      const { source, target } = action;
      if (source === target) return state;
      if (!g.nodes.some((n) => n.id === source) || !g.nodes.some((n) => n.id === target)) return state;
      if (g.edges.some((e) => e.source === source && e.target === target)) return state;
      const id = action.id && !takenIds(g).has(action.id) ? action.id : freshId(`${source}-${target}`, takenIds(g));
      const pipeline: GraphEdge = { id, source, target, kind: "pipeline" };
      // Out of a router only conditional edges are allowed: make the new edge one.
      const fromRouter = g.nodes.find((n) => n.id === source)?.kind === "router";
      const kind = action.kind ?? (fromRouter ? "conditional" : "pipeline");
      const edge = kind === "pipeline" ? pipeline : edgeOfKind(pipeline, kind);
      return commit(state, { ...g, edges: [...g.edges, edge] }, null, [id]);
    }

    case "setEdgeKind": {
      const edge = g.edges.find((e) => e.id === action.edgeId);
      if (!edge) return state;
      const next = edgeOfKind(edge, action.kind, action.extra);
      return commit(state, { ...g, edges: g.edges.map((e) => (e === edge ? next : e)) }, null);
    }

    case "updateEdge": {
      const edge = g.edges.find((e) => e.id === action.edgeId);
      if (!edge) return state;
      const next = merge(edge, action.patch);
      if (JSON.stringify(next) === JSON.stringify(edge)) return state;
      return commit(state, { ...g, edges: g.edges.map((e) => (e === edge ? next : e)) }, action.coalesce ?? null);
    }

    case "moveNodes":
    case "applyLayout": {
      const positions = action.positions;
      let changed = false;
      const nodes = g.nodes.map((n) => {
        const p = positions[n.id];
        if (!p) return n;
        const pos = { x: Math.round(p.x), y: Math.round(p.y) };
        if (n.position && n.position.x === pos.x && n.position.y === pos.y) return n;
        changed = true;
        return { ...n, position: pos } as GraphNode;
      });
      const withNotes = action.type === "moveNodes" ? moveNotes(g, positions) : g;
      if (!changed && withNotes === g) return state;
      return commit(state, { ...withNotes, nodes: changed ? nodes : g.nodes }, action.type === "moveNodes" ? (action.coalesce ?? null) : null);
    }

    case "updateGraph": {
      const graph = merge(g, action.patch as Record<string, unknown>);
      return commit(state, graph, action.coalesce ?? null);
    }

    case "paste": {
      if (!action.clip.nodes.length) return state;
      const { graph, inserted } = pasteClip(g, action.clip, action.offset);
      return commit(state, graph, null, inserted);
    }

    case "addNote": {
      const { graph, id } = addNote(g, action.position, { id: action.id, text: action.text, color: action.color });
      return commit(state, graph, null, [noteFlowId(id)]);
    }

    case "updateNote":
      return commit(state, updateNote(g, action.id, action.patch), action.coalesce ?? null);

    case "duplicate": {
      const clip = copyNodes(g, action.nodeIds);
      if (!clip.nodes.length) return state;
      const { graph, inserted } = pasteClip(g, clip, action.offset ?? { x: 40, y: 40 });
      return commit(state, graph, null, inserted);
    }
  }
}

export const canUndo = (s: DocState) => s.past.length > 0;
export const canRedo = (s: DocState) => s.future.length > 0;
