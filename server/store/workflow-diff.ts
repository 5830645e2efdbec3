/**
 * Structural diff of two workflow graphs (two versions of one workflow): graph-level fields,
 * nodes and edges added / removed / changed (with the dotted paths of the changed fields), and a
 * line diff of every changed prompt / systemPrompt text.
 */
import type { Graph, GraphEdge, GraphNode } from "../../engine/schema/graph.js";
import { canonicalJson } from "./canonical.js";
import { lineDiff, type LineDiffOp } from "./parameters.js";

/** One changed field; `field` is a dotted path, e.g. `config.temperature` or `position`. */
export interface FieldChange {
  field: string;
  /** `undefined` (absent) is reported as null. */
  before: unknown;
  after: unknown;
  /** Only for `config.prompt` and `config.systemPrompt`: the line diff before → after. */
  lines?: LineDiffOp[];
}

export interface NodeChange {
  nodeId: string;
  /** The node's kind in the newer graph. */
  kind: GraphNode["kind"];
  changes: FieldChange[];
}

export interface EdgeChange {
  edgeId: string;
  changes: FieldChange[];
}

export interface GraphDiff {
  /** Graph-level fields (name, description, timeoutMs, version); nodes and edges are below. */
  graph: FieldChange[];
  nodes: { added: GraphNode[]; removed: GraphNode[]; changed: NodeChange[] };
  edges: { added: GraphEdge[]; removed: GraphEdge[]; changed: EdgeChange[] };
  /** True when nothing differs (besides `$schema`, which is ignored). */
  identical: boolean;
}

/** Fields whose string values get a line diff. */
const TEXT_FIELDS = new Set(["config.prompt", "config.systemPrompt"]);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The changed leaves between two values: plain objects are walked key by key (paths joined with
 * `.`); anything else (strings, numbers, arrays) is compared whole by canonical JSON.
 */
export function fieldChanges(before: unknown, after: unknown, prefix = "", skip: ReadonlySet<string> = new Set()): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys
      .filter((k) => !(prefix === "" && skip.has(k)))
      .flatMap((k) => fieldChanges(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (canonicalJson(before ?? null) === canonicalJson(after ?? null)) return [];
  const change: FieldChange = { field: prefix, before: before ?? null, after: after ?? null };
  if (TEXT_FIELDS.has(prefix) && typeof before === "string" && typeof after === "string") {
    change.lines = lineDiff(before, after);
  }
  return [change];
}

function diffById<T extends { id: string }>(a: readonly T[], b: readonly T[]) {
  const before = new Map(a.map((x) => [x.id, x]));
  const after = new Map(b.map((x) => [x.id, x]));
  const added = b.filter((x) => !before.has(x.id));
  const removed = a.filter((x) => !after.has(x.id));
  const changed: Array<{ id: string; item: T; changes: FieldChange[] }> = [];
  for (const item of b) {
    const old = before.get(item.id);
    if (!old) continue;
    const changes = fieldChanges(old, item, "", new Set(["id"]));
    if (changes.length) changed.push({ id: item.id, item, changes });
  }
  return { added, removed, changed };
}

/** Diffs graph `a` (older) against graph `b` (newer). */
export function diffGraphs(a: Graph, b: Graph): GraphDiff {
  const graph = fieldChanges(a, b, "", new Set(["$schema", "nodes", "edges"]));
  const nodes = diffById(a.nodes, b.nodes);
  const edges = diffById(a.edges, b.edges);
  return {
    graph,
    nodes: {
      added: nodes.added,
      removed: nodes.removed,
      changed: nodes.changed.map((c) => ({ nodeId: c.id, kind: c.item.kind, changes: c.changes })),
    },
    edges: {
      added: edges.added,
      removed: edges.removed,
      changed: edges.changed.map((c) => ({ edgeId: c.id, changes: c.changes })),
    },
    identical:
      graph.length === 0 &&
      [nodes, edges].every((d) => d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0),
  };
}
