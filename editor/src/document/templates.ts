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

/** Pipeline edges along `ids`, in order (in → a → b → out). */
function chain(...ids: string[]): GraphEdge[] {
  return ids.slice(1).map((id, i) => pipe(ids[i], id));
}

type InputField = { name: string; type: "string"; required: boolean; default?: string; description?: string };

/** The template's Input node "in": a required `question`, then `more` optional fields. */
function questionInput(more: InputField[] = [], y = 0): NodeSpec {
  return { kind: "input", id: "in", x: 0, y, config: { fields: [{ name: "question", type: "string", required: true }, ...more] } };
}

/** Nodes laid out left to right, 300 px apart, after the input node (which stands at x = 0). */
function row(specs: Array<Omit<NodeSpec, "x" | "y">>, y = 0): NodeSpec[] {
  return specs.map((s, i) => ({ ...s, x: 300 * (i + 1), y }));
}

const ASK = "{{ inputs.question }}";

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
      edges: chain("in", "out"),
    }),
  },
  {
    id: "single-prompt",
    label: "Single prompt",
    description: "One model call answers the question.",
    kinds: ["input", "ai", "output"],
    build: () => ({
      nodes: nodes([
        questionInput(),
        ...row([
          { kind: "ai", id: "answer", label: "Answer", config: { prompt: ASK } },
          { kind: "output", id: "out", config: { fields: { answer: "{{ nodes.answer.text }}" } } },
        ]),
      ]),
      edges: chain("in", "answer", "out"),
    }),
  },
  {
    id: "rag",
    label: "RAG-style",
    description: "Rewrites the question into a search query, then answers from the retrieved context.",
    kinds: ["input", "ai", "ai", "output"],
    build: () => ({
      nodes: nodes([
        questionInput([{ name: "context", type: "string", required: false, default: "", description: "Retrieved passages" }]),
        ...row([
          {
            kind: "ai",
            id: "query",
            label: "Search query",
            config: { systemPrompt: "Rewrite the question as a short search query. Reply with the query only.", prompt: ASK, maxTokens: 64 },
          },
          {
            kind: "ai",
            id: "answer",
            label: "Answer from context",
            config: {
              systemPrompt: "Answer using only the context. If the context does not contain the answer, say so.",
              prompt: "Context:\n{{ inputs.context }}\n\nSearch query: {{ nodes.query.text }}\n\nQuestion: {{ inputs.question }}",
            },
          },
          { kind: "output", id: "out", config: { fields: { answer: "{{ nodes.answer.text }}", query: "{{ nodes.query.text }}" } } },
        ]),
      ]),
      edges: chain("in", "query", "answer", "out"),
    }),
  },
  {
    id: "judge",
    label: "Answer + judge",
    description: "A model answers; a judge model grades the answer against a rubric.",
    kinds: ["input", "ai", "evaluation", "output"],
    build: () => ({
      nodes: nodes([
        questionInput([{ name: "expected", type: "string", required: false, default: "" }]),
        ...row([
          { kind: "ai", id: "answer", label: "Answer", config: { prompt: ASK } },
          {
            kind: "evaluation",
            id: "judge",
            label: "Judge",
            config: {
              metric: "llm_judge",
              actual: "{{ nodes.answer.text }}",
              expected: "{{ inputs.expected }}",
              question: ASK,
              rubric: "Correct, complete and concise.",
              judge: { provider: "sim", model: "sim-medium" },
              threshold: 0.5,
            },
          },
          { kind: "output", id: "out", config: { fields: { answer: "{{ nodes.answer.text }}", score: "{{ nodes.judge.score }}" } } },
        ]),
      ]),
      edges: chain("in", "answer", "judge", "out"),
    }),
  },
  {
    id: "router",
    label: "Router",
    description: "Sends urgent requests to a stronger model and the rest to a cheaper one.",
    kinds: ["input", "router", "ai", "ai", "output"],
    build: () => ({
      nodes: nodes([
        questionInput([{ name: "priority", type: "string", required: false, default: "normal", description: "normal or high" }], 120),
        { kind: "router", id: "route", label: "Route", x: 300, y: 120 },
        { kind: "ai", id: "urgent", label: "Urgent", x: 600, y: 0, config: { model: "sim-large", prompt: ASK } },
        { kind: "ai", id: "standard", label: "Standard", x: 600, y: 240, config: { model: "sim-small", prompt: ASK } },
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
