/**
 * Mutations of the example graphs (examples/*.flow.json) for property tests: nodes and edges
 * dropped, duplicated, renamed and rewired (duplicates, dangling refs, cycles), wrong types and
 * unknown keys at random paths, hostile values where the format takes free-form JSON, and gentle
 * edits that keep a graph valid. Test code only.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { hostileKey, hostileValue, meaningful, nastyString } from "./arbitraries.js";
import { clone, isPlain, put, type Doc } from "./markers.js";

const EXAMPLES_DIR = path.resolve(import.meta.dirname, "../../examples");

/** The example graphs by file stem (`qa`, `triage`, …), as parsed JSON. */
export const EXAMPLE_GRAPHS: Readonly<Record<string, Doc>> = Object.freeze(
  Object.fromEntries(
    readdirSync(EXAMPLES_DIR)
      .filter((f) => f.endsWith(".flow.json"))
      .sort()
      .map((f) => [f.slice(0, -".flow.json".length), JSON.parse(readFileSync(path.join(EXAMPLES_DIR, f), "utf8")) as Doc]),
  ),
);

/** The example names, for fc.constantFrom. */
export const EXAMPLE_NAMES = Object.keys(EXAMPLE_GRAPHS);

/** An id: valid and fresh, an existing one (duplicate), or invalid (empty, too long, bad characters). */
const idChoice = fc.oneof(
  fc.constantFrom("n_new", "other", "x1", "in", "answer", "out", "route", "grade"),
  fc.constantFrom("", " ", "1abc", "a b", "a".repeat(65), "é", "a\u0000", "__proto__", "-x"),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/),
);

const EDGE_KINDS = ["pipeline", "broadcast", "conditional", "parallel", "bogus"] as const;

/** One edit of a graph document; indices are taken modulo what exists when it is applied. */
export type Mutation =
  | { op: "dropNode" | "dupNode" | "dropEdge" | "dupEdge"; at: number; fresh: boolean }
  | { op: "renameNode"; at: number; to: string; follow: boolean }
  | { op: "renameEdge"; at: number; to: string }
  | { op: "rewire"; at: number; end: "source" | "target"; node: number }
  | { op: "addEdge"; from: number; to: number; kind: (typeof EDGE_KINDS)[number]; extra: unknown }
  | { op: "set"; at: number; value: unknown }
  | { op: "delete"; at: number }
  | { op: "addKey"; at: number; key: string; value: unknown }
  | { op: "setFree"; at: number; value: unknown }
  | { op: "setGraph"; key: string; value: unknown };

const at = fc.nat({ max: 10_000 });

/** Structural edits: what a careless editor or a hostile client does to nodes and edges. */
export const structuralMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom("dropNode" as const, "dupNode" as const, "dropEdge" as const, "dupEdge" as const), at, fresh: fc.boolean() }),
  fc.record({ op: fc.constant("renameNode" as const), at, to: idChoice, follow: fc.boolean() }),
  fc.record({ op: fc.constant("renameEdge" as const), at, to: idChoice }),
  fc.record({ op: fc.constant("rewire" as const), at, end: fc.constantFrom("source" as const, "target" as const), node: at }),
  fc.record({ op: fc.constant("addEdge" as const), from: at, to: at, kind: fc.constantFrom(...EDGE_KINDS), extra: fc.oneof(fc.constant(undefined), meaningful, nastyString) }),
);

/** Type and key edits at random paths: wrong types, deletions, unknown keys at any depth, values where the format takes any JSON. */
export const valueMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("set" as const), at, value: hostileValue }),
  fc.record({ op: fc.constant("setFree" as const), at, value: hostileValue }),
  fc.record({ op: fc.constant("delete" as const), at }),
  fc.record({ op: fc.constant("addKey" as const), at, key: hostileKey, value: hostileValue }),
);

/** Any mutation. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(structuralMutation, valueMutation);

/** Edits that usually keep a graph valid, so that the run properties see many runnable graphs. */
export const gentleMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("setGraph" as const), key: fc.constantFrom("prompt", "systemPrompt"), value: fc.oneof(meaningful, nastyString, fc.constantFrom("{{ inputs | json }}", "{{ nodes | json }}", "{% for i in (1..500) %}{{ i }}{% endfor %}", "{{ (1..2000000) | join }}", "{% assign s = 'ab' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}")) }),
  fc.record({ op: fc.constant("setGraph" as const), key: fc.constantFrom("model"), value: fc.constantFrom("sim-small", "sim-medium", "sim-large", "nope") }),
  fc.record({ op: fc.constant("setGraph" as const), key: fc.constantFrom("temperature", "maxTokens"), value: fc.constantFrom(0, 1, 2, 1_000) }),
  fc.record({ op: fc.constant("setGraph" as const), key: fc.constantFrom("onError"), value: fc.constantFrom({ mode: "continue" }, { mode: "stop" }, { mode: "retry", maxRetries: 2, backoffMs: 0 }) }),
  fc.record({ op: fc.constantFrom("dropEdge" as const, "dupNode" as const), at, fresh: fc.constant(true) }),
  fc.record({ op: fc.constant("rewire" as const), at, end: fc.constantFrom("source" as const, "target" as const), node: at }),
);

/** A mutated example: which one, and the edits applied to it in order. */
export interface MutatedGraph {
  base: string;
  mutations: Mutation[];
}

/** An example graph with up to `maxMutations` edits drawn from `edits`. */
export function mutatedGraph(edits: fc.Arbitrary<Mutation> = mutation, maxMutations = 4): fc.Arbitrary<MutatedGraph> {
  return fc.record({ base: fc.constantFrom(...EXAMPLE_NAMES), mutations: fc.array(edits, { minLength: 1, maxLength: maxMutations }) });
}

/** Builds the document of a mutated graph (a fresh copy each call); `id` replaces the graph id before the edits. */
export function buildGraph(m: MutatedGraph, id?: string): Doc {
  const doc = clone(EXAMPLE_GRAPHS[m.base]);
  if (id !== undefined) doc.id = id;
  for (const [k, edit] of m.mutations.entries()) applyMutation(doc, edit, k);
  return doc;
}

const list = (doc: Doc, key: "nodes" | "edges"): Doc[] | undefined => {
  const v = doc[key];
  return Array.isArray(v) ? (v as Doc[]) : undefined;
};
const pick = <T>(xs: T[] | undefined, i: number): T | undefined => (xs && xs.length ? xs[i % xs.length] : undefined);
const idOf = (o: unknown): string | undefined => (isPlain(o) && typeof o.id === "string" ? o.id : undefined);

/** Every (container, key) pair below the root, depth-first, not descending into markers (Deep, Huge, Many). */
function slots(doc: unknown): Array<{ parent: Doc | unknown[]; key: string | number }> {
  const out: Array<{ parent: Doc | unknown[]; key: string | number }> = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 12) return;
    const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : isPlain(v) ? Object.entries(v) : [];
    for (const [key, x] of entries) {
      out.push({ parent: v as Doc | unknown[], key });
      walk(x, depth + 1);
    }
  };
  walk(doc, 0);
  return out;
}

/** Every plain object in the document, the root first. */
function objects(doc: Doc): Doc[] {
  const out: Doc[] = [doc];
  for (const { parent, key } of slots(doc)) {
    const v = (parent as Record<string | number, unknown>)[key];
    if (isPlain(v)) out.push(v);
  }
  return out;
}

/** The places where the format takes free-form JSON: input field defaults, `meta` objects, evaluation JSON Schemas. */
function freeSlots(doc: Doc): Array<{ parent: Doc; key: string }> {
  const out: Array<{ parent: Doc; key: string }> = [{ parent: doc, key: "meta" }];
  for (const list of [doc.nodes, doc.edges]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isPlain(item)) continue;
      out.push({ parent: item, key: "meta" });
      const config = item.config;
      if (!isPlain(config)) continue;
      if (item.kind === "evaluation") out.push({ parent: config, key: "schema" });
      if (Array.isArray(config.fields)) for (const f of config.fields) if (isPlain(f)) out.push({ parent: f, key: "default" });
    }
  }
  return out;
}

/** Applies one edit in place; `k` makes generated ids unique within a document. */
export function applyMutation(doc: Doc, m: Mutation, k: number): void {
  const nodes = list(doc, "nodes");
  const edges = list(doc, "edges");
  switch (m.op) {
    case "dropNode":
    case "dropEdge": {
      const xs = m.op === "dropNode" ? nodes : edges;
      if (xs?.length) xs.splice(m.at % xs.length, 1);
      return;
    }
    case "dupNode":
    case "dupEdge": {
      const xs = m.op === "dupNode" ? nodes : edges;
      const original = pick(xs, m.at);
      if (!xs || original === undefined) return;
      const copy = clone(original);
      if (m.fresh && isPlain(copy)) copy.id = `${idOf(copy) ?? "x"}_dup${k}`;
      xs.push(copy);
      return;
    }
    case "renameNode": {
      const node = pick(nodes, m.at);
      if (!isPlain(node)) return;
      const old = node.id;
      node.id = m.to;
      // Following the rename keeps the edges attached; not following leaves them dangling.
      if (m.follow) for (const e of edges ?? []) if (isPlain(e)) for (const end of ["source", "target"]) if (e[end] === old) e[end] = m.to;
      return;
    }
    case "renameEdge": {
      const edge = pick(edges, m.at);
      if (isPlain(edge)) edge.id = m.to;
      return;
    }
    case "rewire": {
      const edge = pick(edges, m.at);
      const id = idOf(pick(nodes, m.node));
      if (isPlain(edge) && id !== undefined) edge[m.end] = id;
      return;
    }
    case "addEdge": {
      const source = idOf(pick(nodes, m.from));
      const target = idOf(pick(nodes, m.to));
      if (!edges || source === undefined || target === undefined) return;
      const edge: Doc = { id: `fz_edge${k}`, source, target, kind: m.kind };
      if (m.kind === "conditional") edge.condition = typeof m.extra === "string" ? m.extra : "true";
      if (m.kind === "parallel" && m.extra !== undefined) edge.map = m.extra;
      edges.push(edge);
      return;
    }
    case "set":
    case "delete": {
      const all = slots(doc);
      if (!all.length) return;
      const { parent, key } = all[m.at % all.length];
      // Values are copied in: a later edit must not change a value the arbitrary shares between samples.
      if (m.op === "set") {
        if (Array.isArray(parent)) parent[key as number] = clone(m.value);
        else put(parent, key as string, clone(m.value));
      } else if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      return;
    }
    case "setFree": {
      const slots = freeSlots(doc);
      const { parent, key } = slots[m.at % slots.length];
      put(parent, key, clone(m.value));
      return;
    }
    case "addKey": {
      const targets = objects(doc);
      put(targets[m.at % targets.length], m.key, clone(m.value));
      return;
    }
    case "setGraph": {
      // Sets a config field on every node that has it (prompts, models, …) or a node field (onError) on AI nodes.
      for (const n of nodes ?? []) {
        if (!isPlain(n) || !isPlain(n.config)) continue;
        if (m.key === "onError" && n.kind === "ai") n.onError = clone(m.value);
        else if (m.key in n.config) put(n.config, m.key, clone(m.value));
      }
      return;
    }
  }
}
