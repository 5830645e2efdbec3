import type { z } from "zod";
import { GraphValidationError, type GraphIssue } from "../errors.js";
import { compileExpression } from "../expression/expression.js";
import { nodeDefinition } from "../nodes/registry.js";
import { formatCount, limits } from "../limits.js";
import { EDGE_KINDS, GraphSchema, MAX_GRAPH_EDGES, MAX_GRAPH_NODES, MAX_GRAPH_NOTES, NODE_KINDS, type Graph, type GraphNode } from "../schema/graph.js";
import { compileTemplate, templateReferences } from "../template/template.js";
import { cooperative } from "../util/cooperative.js";
import { MAX_JSON_DEPTH, tooDeepPath } from "../util/json-depth.js";
import { showValue } from "../util/show-value.js";
import { ancestorsOf, indexGraph, topologicalOrder, type GraphIndex } from "./model.js";

export type ValidationResult = { ok: true; graph: Graph; index: GraphIndex } | { ok: false; issues: GraphIssue[] };

/** Validates a graph document: size, schema, structure (ids, dangling edges, cycles), templates and conditions. */
export function validateGraph(raw: unknown): ValidationResult {
  const steps = validationSteps(raw);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * validateGraph for servers: the same checks, giving the event loop back between steps (each node,
 * template and edge) once `sliceMs` of work has passed, so a large graph never holds it for long.
 */
export async function validateGraphCooperatively(raw: unknown, sliceMs = 10): Promise<ValidationResult> {
  const turn = cooperative(sliceMs);
  const steps = validationSteps(raw);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await turn.tick();
  }
}

/** Like validateGraph but throws GraphValidationError listing every issue. */
export function parseGraph(raw: unknown): Graph {
  return graphOrThrow(validateGraph(raw));
}

/** Like validateGraphCooperatively but throws GraphValidationError listing every issue. */
export async function parseGraphCooperatively(raw: unknown): Promise<Graph> {
  return graphOrThrow(await validateGraphCooperatively(raw));
}

function graphOrThrow(r: ValidationResult): Graph {
  if (!r.ok) throw new GraphValidationError(r.issues);
  return r.graph;
}

// The checks in order; each `yield` is a point where the cooperative variant may pause.
function* validationSteps(raw: unknown): Generator<void, ValidationResult, void> {
  const size = sizeIssues(raw);
  if (size.length) return { ok: false, issues: size };
  // The format itself uses 8 levels and `meta` 16 more; a deeper value (a field default nested 50,000 levels) would crash checksums and storage.
  const deep = tooDeepPath(raw);
  if (deep) return { ok: false, issues: [depthIssue(raw, deep)] };
  yield;
  const parsed = GraphSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: zodIssues(raw, parsed.error) };
  const graph = parsed.data;
  yield;
  const issues = structuralIssues(graph);
  const index = indexGraph(graph);
  if (issues.length === 0) {
    const { cycle } = topologicalOrder(index);
    if (cycle) issues.push({ nodeId: cycle[0], message: `cycle: ${[...cycle, cycle[0]].join(" → ")} (graphs must be acyclic)` });
  }
  if (issues.length === 0) {
    const templateTotal = templateTotalIssue(graph);
    if (templateTotal) issues.push(templateTotal);
    for (const node of graph.nodes) {
      yield;
      issues.push(...(nodeDefinition(node.kind).validate?.(node, index) ?? []));
      // Over the total, templates are not parsed at all: that work is what the total bounds.
      if (!templateTotal) yield* templateIssues(node, index, issues);
    }
    yield* edgeIssues(graph, index, issues);
  }
  return issues.length ? { ok: false, issues } : { ok: true, graph, index };
}

// Counted on the raw document, before any parsing: a graph over the caps costs nothing more.
function sizeIssues(raw: unknown): GraphIssue[] {
  const doc = (raw ?? {}) as { nodes?: unknown; edges?: unknown; notes?: unknown };
  const issues: GraphIssue[] = [];
  for (const [field, max] of [["nodes", MAX_GRAPH_NODES], ["edges", MAX_GRAPH_EDGES], ["notes", MAX_GRAPH_NOTES]] as const) {
    const list = doc[field];
    if (Array.isArray(list) && list.length > max) {
      issues.push({ field, message: `the graph has ${formatCount(list.length)} ${field}, over the limit of ${formatCount(max)}` });
    }
  }
  return issues;
}

function templateTotalIssue(graph: Graph): GraphIssue | undefined {
  const max = limits().graphTemplateChars;
  let total = 0;
  for (const node of graph.nodes) for (const t of nodeDefinition(node.kind).templates(node)) total += t.source.length;
  if (total <= max) return undefined;
  return { field: "nodes", message: `the graph's templates total ${formatCount(total)} characters, over the limit of ${formatCount(max)} (graphTemplateChars)` };
}

// Located at the node or edge holding the deep value, with the first levels of the path to it.
function depthIssue(raw: unknown, path: PropertyKey[]): GraphIssue {
  const message = `nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`;
  const [head, i, ...rest] = path;
  const field = (segments: PropertyKey[]) => segments.slice(0, 8).map((s) => String(s).slice(0, 100)).join(".");
  if ((head === "nodes" || head === "edges") && typeof i === "number") {
    const item = (raw as Record<string, Array<{ id?: unknown }>>)[head][i];
    const id = typeof item.id === "string" ? item.id : `#${i}`;
    return { ...(head === "nodes" ? { nodeId: id } : { edgeId: id }), field: field(rest), message };
  }
  return { field: field(path), message };
}

function zodIssues(raw: unknown, error: z.ZodError): GraphIssue[] {
  const doc = (raw ?? {}) as { nodes?: Array<{ id?: unknown; kind?: unknown }>; edges?: Array<{ id?: unknown; kind?: unknown }> };
  return error.issues.flatMap((iss) => {
    const [head, i, ...rest] = iss.path;
    const field = rest.join(".") || undefined;
    const at = (where: { nodeId?: string; edgeId?: string }, prefix: PropertyKey[]): GraphIssue[] =>
      iss.code === "unrecognized_keys"
        ? unrecognized(iss.keys, prefix).map((u) => ({ ...where, ...u }))
        : [{ ...where, field: prefix.join(".") || undefined, message: iss.message }];
    if (head === "nodes" && typeof i === "number") {
      const n = doc.nodes?.[i];
      const nodeId = typeof n?.id === "string" ? n.id : `#${i}`;
      if ((rest.length === 0 || field === "kind") && n && !NODE_KINDS.includes(n.kind as never)) {
        return [{ nodeId, field: "kind", message: `unknown node kind ${showValue(n.kind)} (expected one of ${NODE_KINDS.join(", ")})` }];
      }
      return at({ nodeId }, rest);
    }
    if (head === "edges" && typeof i === "number") {
      const e = doc.edges?.[i];
      const edgeId = typeof e?.id === "string" ? e.id : `#${i}`;
      if ((rest.length === 0 || field === "kind") && e && !EDGE_KINDS.includes(e.kind as never)) {
        return [{ edgeId, field: "kind", message: `unknown edge kind ${showValue(e.kind)} (expected one of ${EDGE_KINDS.join(", ")})` }];
      }
      return at({ edgeId }, rest);
    }
    return at({}, iss.path);
  });
}

const MAX_KEY_ISSUES = 10;

// One issue per unknown key, located at the key itself (`config.tools`), pointing at the escape
// hatch; past MAX_KEY_ISSUES per object one summary, so a hostile document cannot inflate the reply.
function unrecognized(keys: string[], prefix: PropertyKey[]): GraphIssue[] {
  const issues: GraphIssue[] = keys.slice(0, MAX_KEY_ISSUES).map((k) => ({
    field: [...prefix, k.slice(0, 100)].join("."),
    message: `unrecognized key ${JSON.stringify(k.slice(0, 100))} (not in the graph format; keep your own data under "meta")`,
  }));
  if (keys.length > MAX_KEY_ISSUES) {
    issues.push({ field: prefix.join(".") || undefined, message: `${keys.length - MAX_KEY_ISSUES} more unrecognized keys` });
  }
  return issues;
}

function structuralIssues(graph: Graph): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const ids = new Set<string>();
  for (const n of graph.nodes) {
    if (ids.has(n.id)) issues.push({ nodeId: n.id, field: "id", message: "duplicate node id" });
    ids.add(n.id);
  }
  const edgeIds = new Set<string>();
  for (const e of graph.edges) {
    if (edgeIds.has(e.id)) issues.push({ edgeId: e.id, field: "id", message: "duplicate edge id" });
    edgeIds.add(e.id);
    for (const end of ["source", "target"] as const) {
      if (!ids.has(e[end])) issues.push({ edgeId: e.id, field: end, message: `dangling edge: ${end} node "${e[end]}" does not exist` });
    }
    if (e.source === e.target) issues.push({ edgeId: e.id, message: `edge connects node "${e.source}" to itself` });
  }
  const inputs = graph.nodes.filter((n) => n.kind === "input");
  if (inputs.length === 0) issues.push({ field: "nodes", message: "a graph needs exactly one input node (found 0)" });
  // Each extra input node is named, so that the editor shows the error on that node.
  for (const extra of inputs.slice(1)) {
    issues.push({ nodeId: extra.id, field: "kind", message: `a graph needs exactly one input node (found ${inputs.length}; "${inputs[0].id}" is the first)` });
  }
  return issues;
}

const ROOTS = ["inputs", "input", "nodes"];

// Checks template syntax, then that each reference names a declared input field or an upstream node's field.
function* templateIssues(node: GraphNode, index: GraphIndex, issues: GraphIssue[]): Generator<void, void, void> {
  const inputNode = index.graph.nodes.find((n) => n.kind === "input");
  const inputFields = new Set(inputNode?.kind === "input" ? inputNode.config.fields.map((f) => f.name) : []);
  let upstream: Set<string> | undefined;
  for (const t of nodeDefinition(node.kind).templates(node)) {
    if (!t.source) continue;
    yield;
    try {
      compileTemplate(t.source);
    } catch (err) {
      issues.push({ nodeId: node.id, field: t.field, message: (err as Error).message });
      continue;
    }
    const roots = [...ROOTS, ...(t.extraRoots ?? []), ...mappedRoots(node.id, index)];
    for (const segs of templateReferences(t.source)) {
      const [root, name, field] = segs;
      const ref = segs.join(".");
      if (!roots.includes(root)) {
        issues.push({ nodeId: node.id, field: t.field, message: `unknown reference "${ref}" (use ${roots.map((r) => `${r}.…`).join(", ")})` });
      } else if (root === "inputs" && name !== undefined && !inputFields.has(name)) {
        issues.push({ nodeId: node.id, field: t.field, message: `"${ref}": the input node declares no field "${name}" (fields: ${[...inputFields].join(", ")})` });
      } else if (root === "nodes" && name !== undefined) {
        upstream ??= ancestorsOf(index, node.id);
        const target = index.nodes.get(name);
        if (!target) {
          issues.push({ nodeId: node.id, field: t.field, message: `"${ref}": there is no node "${name}"` });
        } else if (!upstream.has(name)) {
          issues.push({ nodeId: node.id, field: t.field, message: `"${ref}": node "${name}" is not upstream of "${node.id}", so its output is not available` });
        } else if (field !== undefined) {
          const fields = nodeDefinition(target.kind).outputFields(target);
          if (fields !== "any" && !fields.includes(field)) {
            issues.push({ nodeId: node.id, field: t.field, message: `"${ref}": node "${name}" (${target.kind}) has no output field "${field}" (fields: ${fields.join(", ")})` });
          }
        }
      }
    }
  }
}

// A node that is the target of a parallel map edge also sees `item` and `index`.
function mappedRoots(nodeId: string, index: GraphIndex): string[] {
  return index.inEdges.get(nodeId)!.some((e) => e.kind === "parallel" && e.map) ? ["item", "index"] : [];
}

function* edgeIssues(graph: Graph, index: GraphIndex, issues: GraphIssue[]): Generator<void, void, void> {
  for (const e of graph.edges) {
    yield;
    const source = index.nodes.get(e.source)!;
    if (e.kind === "conditional") {
      if (source.kind !== "router") {
        issues.push({ edgeId: e.id, field: "source", message: `conditional edges must leave a router node; "${e.source}" is ${source.kind}` });
      }
      if (e.condition) {
        try {
          compileExpression(e.condition);
        } catch (err) {
          issues.push({ edgeId: e.id, field: "condition", message: (err as Error).message });
        }
      }
    }
    if (e.kind === "parallel" && e.map) {
      const mapped = index.inEdges.get(e.target)!;
      if (mapped.length > 1) {
        issues.push({ edgeId: e.id, field: "map", message: `a mapped node takes exactly one incoming edge; "${e.target}" has ${mapped.length}` });
      }
    }
  }
}
