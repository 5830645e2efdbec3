/**
 * What a new node of each kind looks like when it is dropped on the canvas: a config that is
 * valid for the schema where it can be on its own (an AI node on the sim provider with a prompt
 * that references the input node's first field, an exact_match evaluation of the first AI node…).
 */
import type { Graph, GraphNode, NodeKind } from "../../../engine/browser.js";

export interface KindInfo {
  kind: NodeKind;
  label: string;
  description: string;
  /** Prefix of generated ids. */
  idPrefix: string;
}

export const KIND_INFO: KindInfo[] = [
  { kind: "input", label: "Input", description: "The run's input fields (one per graph)", idPrefix: "in" },
  { kind: "ai", label: "AI", description: "Calls a language model with a prompt template", idPrefix: "ai" },
  { kind: "evaluation", label: "Evaluation", description: "Scores an answer with a metric", idPrefix: "eval" },
  { kind: "router", label: "Router", description: "Chooses conditional branches", idPrefix: "router" },
  { kind: "aggregate", label: "Aggregate", description: "Joins broadcast or parallel branches", idPrefix: "join" },
  { kind: "output", label: "Output", description: "Publishes a run output", idPrefix: "out" },
  { kind: "optimizer", label: "Optimizer", description: "Configures a tuning run (not executed)", idPrefix: "tune" },
];

export const KIND_INFO_BY_KIND = Object.fromEntries(KIND_INFO.map((k) => [k.kind, k])) as Record<NodeKind, KindInfo>;

/** A fresh id `<prefix>`, `<prefix>2`, `<prefix>3`… not used by any node or edge of the graph. */
export function freshId(prefix: string, taken: ReadonlySet<string>): string {
  const base = /^[A-Za-z_]/.test(prefix) ? prefix.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 56) : `n_${prefix}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

export function takenIds(graph: Pick<Graph, "nodes" | "edges">): Set<string> {
  return new Set([...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)]);
}

function firstInputField(graph: Pick<Graph, "nodes">): string | undefined {
  const input = graph.nodes.find((n) => n.kind === "input");
  return input?.kind === "input" ? input.config.fields[0]?.name : undefined;
}

/** A new node of `kind` at `position`, with defaults that make sense in `graph`. */
export function defaultNode(kind: NodeKind, id: string, position: { x: number; y: number }, graph: Pick<Graph, "nodes">): GraphNode {
  const pos = { x: Math.round(position.x), y: Math.round(position.y) };
  const field = firstInputField(graph) ?? "question";
  const firstAi = graph.nodes.find((n) => n.kind === "ai")?.id;
  switch (kind) {
    case "input":
      return { id, kind, position: pos, config: { fields: [{ name: "question", type: "string", required: true }] } };
    case "ai":
      return {
        id,
        kind,
        position: pos,
        config: {
          provider: "sim",
          model: "sim-small",
          systemPrompt: "You are a helpful assistant.",
          prompt: `{{ inputs.${field} }}`,
          temperature: 0,
          topP: 1,
          maxTokens: 256,
          fewShot: [],
          responseFormat: "text",
        },
      };
    case "evaluation":
      return {
        id,
        kind,
        position: pos,
        config: {
          metric: "exact_match",
          actual: firstAi ? `{{ nodes.${firstAi}.text }}` : `{{ input }}`,
          expected: "{{ inputs.expected }}",
          caseSensitive: false,
          trim: true,
          threshold: 1,
        },
      };
    case "router":
      return { id, kind, position: pos, config: { mode: "first-match" } };
    case "aggregate":
      return {
        id,
        kind,
        position: pos,
        config: { strategy: "all", minResponses: 1, synchronization: "barrier", weights: {}, consensusThreshold: 1 },
      };
    case "output":
      return { id, kind, position: pos, config: {} };
    case "optimizer":
      return {
        id,
        kind,
        position: pos,
        config: {
          targets: [firstAi ?? "answer"],
          strategy: "random",
          objectives: [{ metric: "tokens", direction: "min" }],
          constraints: [],
          searchSpace: { systemPrompt: true, promptTemplates: [], maxDemos: 4 },
          limits: { maxCandidates: 24 },
          concurrency: 4,
          seed: 0,
          split: { train: 0.4, validation: 0.3, test: 0.3 },
          regressionTolerance: 0.2,
          reflection: { minibatch: 3, provider: "sim", model: "sim-large" },
        },
      };
  }
}

/** An empty workflow document (not valid until it has an input node). */
export function emptyGraph(id: string, name: string): Graph {
  return { version: 1, id, name, nodes: [], edges: [] };
}

/** A workflow id from a name: `Math QA` → `math-qa` (+ a short random suffix when asked). */
export function slugId(name: string, suffix = ""): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
  const base = /^[a-z_]/.test(slug) ? slug : `wf-${slug || "untitled"}`;
  return suffix ? `${base}-${suffix}` : base;
}

/** dataTransfer type of a node kind dragged from the palette. */
export const KIND_MIME = "application/x-flowtune-kind";
