/**
 * fast-check arbitraries shared by the property tests of the engine and the server: hostile
 * values (control characters, huge strings, deep nesting) and mutations of the example graphs
 * (examples/*.flow.json) — nodes and edges dropped, duplicated, renamed and rewired, wrong types
 * and unknown keys at random paths. Test code only (fast-check is a dev dependency).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";

/** A JSON document as a test builds it (plain objects, arrays, primitives and Deep markers). */
export type Doc = Record<string, unknown>;

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

/**
 * A value nested `depth` levels deep, kept as a marker so that a test can send it as text
 * (jsonText) deeper than JSON.stringify can go; `materialize` builds the real value.
 */
export class Deep {
  constructor(
    readonly depth: number,
    readonly shape: "array" | "object",
  ) {}

  /** The nested value, built iteratively. */
  build(): unknown {
    let v: unknown = 1;
    for (let i = 0; i < this.depth; i++) v = this.shape === "array" ? [v] : { a: v };
    return v;
  }

  /** Its JSON text, built without recursion. */
  text(): string {
    const [open, close] = this.shape === "array" ? ["[", "]"] : ['{"a":', "}"];
    return `${open.repeat(this.depth)}1${close.repeat(this.depth)}`;
  }

  // Counterexamples print the recipe, not the value.
  [fc.toStringMethod](): string {
    return `Deep(${this.depth}, ${this.shape})`;
  }
}

/** A long string, kept as a marker so that a failing counterexample prints `Huge("a", 300000)`, not the text. */
export class Huge {
  constructor(
    readonly unit: string,
    readonly length: number,
  ) {}

  build(): string {
    return this.unit.repeat(Math.ceil(this.length / this.unit.length)).slice(0, this.length);
  }

  [fc.toStringMethod](): string {
    return `Huge(${JSON.stringify(this.unit)}, ${this.length})`;
  }
}

const isPlain = (v: unknown): v is Doc => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Deep) && !(v instanceof Huge);

/** Sets an own data property, as JSON.parse does (`o[k] = v` would set the prototype for "__proto__"). */
export function put(o: Doc, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of a test document (Deep markers are shared: they are immutable). */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

/** The document with every Deep and Huge marker replaced by its value. */
export function materialize(v: unknown): unknown {
  if (v instanceof Deep || v instanceof Huge) return v.build();
  if (Array.isArray(v)) return v.map(materialize);
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x)]));
  return v;
}

/** JSON text of a test document, Deep markers included at their full depth and Huge ones at their full length. */
export function jsonText(v: unknown): string {
  const deeps: Deep[] = [];
  const text = JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Huge) return x.build();
    if (!(x instanceof Deep)) return x;
    deeps.push(x);
    return `\u0000deep${deeps.length - 1}\u0000`;
  });
  // The placeholder is a JSON string, so its quotes (and escaped NULs) are replaced with it.
  return text.replace(/"\\u0000deep(\d+)\\u0000"/g, (_m, i: string) => deeps[Number(i)].text());
}

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

/** Pieces of text that break things: C0/C1 controls, bidi overrides, lone surrogates, BOM, quotes, template and expression syntax. */
export const NASTY_PIECES = [
  "\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085", "\u202e", "\u2066", "\ud800", "\udc00", "\r", "\n", "\t", "\u2028", "\uFEFF",
  "a", "é", "😀", '"', "'", "\\", "{{", "}}", "{%", "%}", "|", ".", "==", "&&", "(", ")", "[", "]", " ",
];

/** Short text made of the nasty pieces. */
export const nastyString = fc.array(fc.constantFrom(...NASTY_PIECES), { maxLength: 12 }).map((parts) => parts.join(""));

/** Long text: just over common field bounds (200, 2,000, 50,000 characters) and far over (300,000). */
export const hugeString = fc
  .tuple(fc.constantFrom("a", "{{ inputs.question }}", "\u0000", " ", "é😀", "{% for i in (1..9) %}"), fc.constantFrom(201, 2_001, 50_001, 300_000))
  .map(([s, n]) => new Huge(s, n));

/** Deep nesting: modest, past JSON.stringify's stack (~5,000) and far past it. */
export const deepValue = fc.tuple(fc.constantFrom(40, 3_000, 50_000), fc.constantFrom("array" as const, "object" as const)).map(([d, s]) => new Deep(d, s));

/** Strings that are meaningful somewhere in a graph (kinds, providers, templates, conditions). */
const meaningful = fc.constantFrom(
  "", " ", "sim", "sim-small", "sim-large", "input", "ai", "router", "aggregate", "pipeline", "conditional", "parallel", "broadcast",
  "{{ inputs.question }}", "{{ nodes.answer.text }}", "{% for i in (1..3000000) %}x{% endfor %}", "{% include 'package.json' %}",
  'input.channel == "email"', "input.a[.x in input.a]", "max", "exact_match", "__proto__", "constructor",
);

/** Any value a hostile JSON document may hold at some path. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, [], {}, [[]], { a: null }) },
  { weight: 2, arbitrary: meaningful },
  { weight: 2, arbitrary: nastyString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepValue },
);

/** Keys a document must not silently accept (or must keep exactly): unknown fields, prototype names, odd text. */
export const hostileKey = fc.oneof(
  fc.constantFrom("tools", "maxToolCalls", "memory", "__proto__", "constructor", "toString", "hasOwnProperty", "x-custom", "", " ", "a.b", "nodes", "config", "meta", "\u0000", "\u202e"),
  fc.string({ maxLength: 10 }),
);

// ---------------------------------------------------------------------------------------------
// Graph mutations
// ---------------------------------------------------------------------------------------------

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

/** Type and key edits at random paths: wrong types, deletions, unknown keys at any depth. */
export const valueMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("set" as const), at, value: hostileValue }),
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

/** Every (container, key) pair below the root, depth-first, not descending into Deep markers. */
function slots(doc: unknown): Array<{ parent: Doc | unknown[]; key: string | number }> {
  const out: Array<{ parent: Doc | unknown[]; key: string | number }> = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 12) return;
    if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), walk(x, depth + 1)));
    else if (isPlain(v)) for (const [k, x] of Object.entries(v)) (out.push({ parent: v, key: k }), walk(x, depth + 1));
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
      if (m.op === "set") {
        if (Array.isArray(parent)) parent[key as number] = m.value;
        else put(parent, key as string, m.value);
      } else if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      return;
    }
    case "addKey": {
      const targets = objects(doc);
      put(targets[m.at % targets.length], m.key, m.value);
      return;
    }
    case "setGraph": {
      // Sets a config field on every node that has it (prompts, models, …) or a node field (onError) on AI nodes.
      for (const n of nodes ?? []) {
        if (!isPlain(n) || !isPlain(n.config)) continue;
        if (m.key === "onError" && n.kind === "ai") n.onError = m.value;
        else if (m.key in n.config) put(n.config, m.key, m.value);
      }
      return;
    }
  }
}
