/**
 * What a new workflow starts from (the New workflow dialog): each template is a valid graph for
 * the strict schema, built from the palette's node defaults, so that a new workflow can be saved
 * and run at once instead of greeting the user with a schema error.
 */
import type { Graph, GraphEdge, GraphNode, NodeKind } from "../../../engine/browser.js";
import { defaultNode } from "./defaults.js";

export type TemplateId = "blank" | "single-prompt" | "rag" | "judge" | "router";

export interface WorkflowTemplate {
  id: TemplateId;
  label: string;
  description: string;
  /** The node kinds it uses, in order (shown as icons in the dialog). */
  kinds: NodeKind[];
  /** The template's nodes and edges (the caller sets the workflow's id and name). */
  build(): Pick<Graph, "nodes" | "edges">;
}

type NodeSpec = { kind: NodeKind; id: string; x: number; y: number; label?: string; config?: Record<string, unknown> };

/** Nodes from the palette defaults (in order, so that later ones see earlier ones), config fields overridden. */
function nodes(specs: NodeSpec[]): GraphNode[] {
  const out: GraphNode[] = [];
  for (const s of specs) {
    const base = defaultNode(s.kind, s.id, { x: s.x, y: s.y }, { nodes: out });
    out.push({ ...base, ...(s.label ? { label: s.label } : {}), config: { ...base.config, ...s.config } } as GraphNode);
  }
  return out;
}

function pipe(source: string, target: string): GraphEdge {
  return { id: `${source}-${target}`, kind: "pipeline", source, target };
}

const QUESTION = { fields: [{ name: "question", type: "string", required: true }] };

export const TEMPLATES: readonly WorkflowTemplate[] = [
  {
    id: "blank",
    label: "Blank",
    description: "An input and an output: add nodes between them.",
    kinds: ["input", "output"],
    build: () => ({
      nodes: nodes([
        { kind: "input", id: "in", x: 0, y: 0 },
        { kind: "output", id: "out", x: 320, y: 0 },
      ]),
      edges: [pipe("in", "out")],
    }),
  },
  {
    id: "single-prompt",
    label: "Single prompt",
    description: "One model call answers the question.",
    kinds: ["input", "ai", "output"],
    build: () => ({
      nodes: nodes([
        { kind: "input", id: "in", x: 0, y: 0, config: QUESTION },
        { kind: "ai", id: "answer", label: "Answer", x: 300, y: 0, config: { prompt: "{{ inputs.question }}" } },
        { kind: "output", id: "out", x: 600, y: 0, config: { fields: { answer: "{{ nodes.answer.text }}" } } },
      ]),
      edges: [pipe("in", "answer"), pipe("answer", "out")],
    }),
  },
  {
    id: "rag",
    label: "RAG-style",
    description: "Rewrites the question into a search query, then answers from the retrieved context.",
    kinds: ["input", "ai", "ai", "output"],
    build: () => ({
      nodes: nodes([
        {
          kind: "input",
          id: "in",
          x: 0,
          y: 0,
          config: {
            fields: [
              { name: "question", type: "string", required: true },
              { name: "context", type: "string", required: false, default: "", description: "Retrieved passages" },
            ],
          },
        },
        {
          kind: "ai",
          id: "query",
          label: "Search query",
          x: 300,
          y: 0,
          config: { systemPrompt: "Rewrite the question as a short search query. Reply with the query only.", prompt: "{{ inputs.question }}", maxTokens: 64 },
        },
        {
          kind: "ai",
          id: "answer",
          label: "Answer from context",
          x: 600,
          y: 0,
          config: {
            systemPrompt: "Answer using only the context. If the context does not contain the answer, say so.",
            prompt: "Context:\n{{ inputs.context }}\n\nSearch query: {{ nodes.query.text }}\n\nQuestion: {{ inputs.question }}",
          },
        },
        { kind: "output", id: "out", x: 900, y: 0, config: { fields: { answer: "{{ nodes.answer.text }}", query: "{{ nodes.query.text }}" } } },
      ]),
      edges: [pipe("in", "query"), pipe("query", "answer"), pipe("answer", "out")],
    }),
  },
  {
    id: "judge",
    label: "Answer + judge",
    description: "A model answers; a judge model grades the answer against a rubric.",
    kinds: ["input", "ai", "evaluation", "output"],
    build: () => ({
      nodes: nodes([
        {
          kind: "input",
          id: "in",
          x: 0,
          y: 0,
          config: {
            fields: [
              { name: "question", type: "string", required: true },
              { name: "expected", type: "string", required: false, default: "" },
            ],
          },
        },
        { kind: "ai", id: "answer", label: "Answer", x: 300, y: 0, config: { prompt: "{{ inputs.question }}" } },
        {
          kind: "evaluation",
          id: "judge",
          label: "Judge",
          x: 600,
          y: 0,
          config: {
            metric: "llm_judge",
            actual: "{{ nodes.answer.text }}",
            expected: "{{ inputs.expected }}",
            question: "{{ inputs.question }}",
            rubric: "Correct, complete and concise.",
            judge: { provider: "sim", model: "sim-medium" },
            threshold: 0.5,
          },
        },
        { kind: "output", id: "out", x: 900, y: 0, config: { fields: { answer: "{{ nodes.answer.text }}", score: "{{ nodes.judge.score }}" } } },
      ]),
      edges: [pipe("in", "answer"), pipe("answer", "judge"), pipe("judge", "out")],
    }),
  },
  {
    id: "router",
    label: "Router",
    description: "Sends urgent requests to a stronger model and the rest to a cheaper one.",
    kinds: ["input", "router", "ai", "ai", "output"],
    build: () => ({
      nodes: nodes([
        {
          kind: "input",
          id: "in",
          x: 0,
          y: 120,
          config: {
            fields: [
              { name: "question", type: "string", required: true },
              { name: "priority", type: "string", required: false, default: "normal", description: "normal or high" },
            ],
          },
        },
        { kind: "router", id: "route", label: "Route", x: 300, y: 120 },
        { kind: "ai", id: "urgent", label: "Urgent", x: 600, y: 0, config: { model: "sim-large", prompt: "{{ inputs.question }}" } },
        { kind: "ai", id: "standard", label: "Standard", x: 600, y: 240, config: { model: "sim-small", prompt: "{{ inputs.question }}" } },
        { kind: "output", id: "out", x: 900, y: 120, config: { fields: { answer: "{{ input.text }}", handledBy: "{{ input.model }}" } } },
      ]),
      edges: [
        pipe("in", "route"),
        { id: "route-urgent", kind: "conditional", source: "route", target: "urgent", condition: 'input.priority == "high"', default: false },
        { id: "route-standard", kind: "conditional", source: "route", target: "standard", default: true },
        pipe("urgent", "out"),
        pipe("standard", "out"),
      ],
    }),
  },
];

export const TEMPLATE_BY_ID = Object.fromEntries(TEMPLATES.map((t) => [t.id, t])) as Record<TemplateId, WorkflowTemplate>;

/** A new workflow `id` named `name` from template `templateId`. */
export function graphFromTemplate(templateId: TemplateId, id: string, name: string): Graph {
  const { nodes: n, edges } = TEMPLATE_BY_ID[templateId].build();
  return { version: 1, id, name, nodes: n, edges };
}
