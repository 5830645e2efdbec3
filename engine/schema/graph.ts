import { z } from "zod";
import { DEFAULT_LIMITS } from "../limits.js";
import { MemoryConfigSchema } from "./memory.js";
import { MetaSchema } from "./meta.js";
import { OptimizerNodeConfigSchema } from "./optimizer.js";
import { safeText } from "./text.js";
import { MAX_TOOL_CALLS_LIMIT, ToolListSchema } from "./tools.js";

/** Current version of the graph file format; bump on breaking changes. */
export const GRAPH_FORMAT_VERSION = 1;

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "must start with a letter or _ and contain only letters, digits, _ or -");

export const NodeIdSchema = id;

// Every object of the format is strict: an unknown field is a located error, never silently dropped
// on save. User data goes under `meta` (see meta.ts).

/** Single-line text for people: names, labels, model names. */
const line = (max: number, min = 0) => safeText({ max, min });
/** Multiline text: descriptions, and templates (prompts), which may hold tabs and line breaks. */
const text = (max: number, min = 0) => safeText({ max, min, multiline: true });
/** Characters of one template field (a prompt, an output field…): the template source limit (templateSourceChars) is the one source of truth. */
export const TEMPLATE_MAX = DEFAULT_LIMITS.templateSourceChars;
/** Nodes of one graph: the editor handles 1,000-node graphs, with headroom. */
export const MAX_GRAPH_NODES = 2_000;
/** Edges of one graph (fan-outs and joins give a few per node). */
export const MAX_GRAPH_EDGES = 10_000;

export const PositionSchema = z.strictObject({ x: z.number(), y: z.number() });

/** What a node does when its execution fails. */
export const ErrorPolicySchema = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("stop") }),
  z.strictObject({ mode: z.literal("continue") }),
  z.strictObject({
    mode: z.literal("retry"),
    maxRetries: z.number().int().min(1).max(10).default(2),
    backoffMs: z.number().int().min(0).max(60_000).default(200),
    backoffFactor: z.number().min(1).max(10).default(2),
    /** What happens once retries are exhausted. */
    then: z.enum(["stop", "continue"]).default("stop"),
  }),
]);

const nodeBase = {
  id,
  label: line(200).optional(),
  description: text(2000).optional(),
  position: PositionSchema.optional(),
  onError: ErrorPolicySchema.optional(),
  timeoutMs: z.number().int().positive().max(3_600_000).optional(),
  meta: MetaSchema.optional(),
};

export const InputFieldSchema = z.strictObject({
  name: id,
  type: z.enum(["string", "number", "boolean", "json", "list"]).default("string"),
  required: z.boolean().default(true),
  description: text(2000).optional(),
  default: z.unknown().optional(),
});

export const InputNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal("input"),
  config: z.strictObject({ fields: z.array(InputFieldSchema).min(1) }),
});

export const FewShotExampleSchema = z.strictObject({ input: text(TEMPLATE_MAX), output: text(TEMPLATE_MAX) });

/** The tunable parameter bundle of an AI node: the optimizer searches over exactly these. */
export const AiParamsSchema = z.strictObject({
  provider: line(200, 1).default("sim"),
  model: line(200, 1),
  systemPrompt: text(20_000).default(""),
  prompt: text(TEMPLATE_MAX, 1),
  temperature: z.number().min(0).max(2).default(0),
  topP: z.number().gt(0).max(1).default(1),
  maxTokens: z.number().int().min(1).max(128_000).default(512),
  fewShot: z.array(FewShotExampleSchema).max(64).default([]),
  /** `json` parses the reply into `output.json`; a reply that is not JSON fails the node. */
  responseFormat: z.enum(["text", "json"]).default("text"),
  seed: z.number().int().optional(),
  /** Tools the model may call (engine/tools/); absent or empty: a single completion, as before. */
  tools: ToolListSchema.optional(),
  /** Most tool calls one node execution makes before it stops and says so (default 5). */
  maxToolCalls: z.number().int().min(1).max(MAX_TOOL_CALLS_LIMIT).optional(),
  /** The tool-use instruction added to the system prompt when the node has tools (tunable). */
  toolInstructions: text(20_000).optional(),
  /** Conversation memory keyed by a thread id from the run's inputs (engine/memory/); absent: none. */
  memory: MemoryConfigSchema.optional(),
});

export const AiNodeSchema = z.strictObject({ ...nodeBase, kind: z.literal("ai"), config: AiParamsSchema });

export const EVALUATION_METRICS = [
  "exact_match",
  "contains",
  "regex",
  "json_valid",
  "json_schema",
  "numeric",
  "token_f1",
  "edit_similarity",
  "llm_judge",
  "latency",
  "tokens",
  "cost",
] as const;

export const EvaluationNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal("evaluation"),
  config: z.strictObject({
    metric: z.enum(EVALUATION_METRICS),
    /** Template rendering the value under test, e.g. `{{ nodes.answer.text }}` (unused by latency, tokens, cost). */
    actual: text(TEMPLATE_MAX).default(""),
    /** Template rendering the reference value (exact_match, contains, numeric, token_f1, edit_similarity; optional for llm_judge). */
    expected: text(TEMPLATE_MAX).optional(),
    /** Regular expression for the `regex` metric. */
    pattern: text(TEMPLATE_MAX).optional(),
    /** JSON Schema (a documented subset) the answer must satisfy, for `json_schema`. */
    schema: z.record(z.string(), z.unknown()).optional(),
    /** Allowed error for `numeric`: |actual − expected| ≤ max(absolute, relative × |expected|); default exact. */
    tolerance: z.strictObject({ absolute: z.number().min(0).optional(), relative: z.number().min(0).optional() }).optional(),
    /** Template: what the `llm_judge` grades against (criteria, points to cover). */
    rubric: text(20_000).optional(),
    /** Template: the question shown to the `llm_judge` (lets it solve the task itself when there is no reference). */
    question: text(TEMPLATE_MAX).optional(),
    /** Judge model for `llm_judge` (default sim / sim-medium). */
    judge: z.strictObject({ provider: line(200, 1).default("sim"), model: line(200, 1).default("sim-medium") }).optional(),
    /** Upstream AI node measured by `latency`, `tokens` and `cost`. */
    target: id.optional(),
    /** Limit for `latency` (maxLatencyMs), `tokens` (maxTokens) or `cost` (maxCostUsd). */
    budget: z
      .strictObject({
        maxLatencyMs: z.number().positive().optional(),
        maxTokens: z.number().int().positive().optional(),
        maxCostUsd: z.number().positive().optional(),
      })
      .optional(),
    /** USD per 1k tokens for `cost`, overriding the built-in price table (e.g. a local model: 0). */
    price: z.strictObject({ inputPer1k: z.number().min(0), outputPer1k: z.number().min(0) }).optional(),
    caseSensitive: z.boolean().default(false),
    trim: z.boolean().default(true),
    /** Score at or above which `passed` is true. */
    threshold: z.number().min(0).max(1).default(1),
  }),
});

export const RouterNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal("router"),
  config: z
    .strictObject({
      /** first-match takes the first matching conditional edge in edge order; all-matches takes every match. */
      mode: z.enum(["first-match", "all-matches"]).default("first-match"),
    })
    .default({ mode: "first-match" }),
});

export const AGGREGATE_STRATEGIES = ["all", "first", "majority", "consensus", "weighted"] as const;

export const AggregateNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal("aggregate"),
  config: z
    .strictObject({
      strategy: z.enum(AGGREGATE_STRATEGIES).default("all"),
      /** Fewer successful responses than this fails the join; 0 lets `all` join nothing (a map over an empty list). */
      minResponses: z.number().int().min(0).default(1),
      /** The join proceeds with what has arrived this many ms after its first branch started. */
      timeoutMs: z.number().int().positive().max(3_600_000).optional(),
      /** barrier waits for every branch; async publishes partial results as branches finish. */
      synchronization: z.enum(["barrier", "async"]).default("barrier"),
      /** Template applied to each response to get the value that is voted on, e.g. `{{ response.text | strip }}`. */
      vote: text(TEMPLATE_MAX).optional(),
      /** Per-branch weights for `weighted` (node id → weight; default 1). */
      weights: z.record(z.string(), z.number().min(0)).default({}),
      /** Share of votes the winner needs under `consensus`. */
      consensusThreshold: z.number().gt(0).max(1).default(1),
    })
    .default({
      strategy: "all",
      minResponses: 1,
      synchronization: "barrier",
      weights: {},
      consensusThreshold: 1,
    }),
});

export const OutputNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal("output"),
  config: z
    .strictObject({
      /** Named templates; without them the node outputs its input unchanged. */
      fields: z.record(id, text(TEMPLATE_MAX)).optional(),
    })
    .default({}),
});

/** An optimization configured in the graph; never executed by a run (`flowtune optimize --optimizer ID` runs it). */
export const OptimizerNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal("optimizer"),
  config: OptimizerNodeConfigSchema,
});

export const NodeSchema = z.discriminatedUnion("kind", [
  InputNodeSchema,
  AiNodeSchema,
  EvaluationNodeSchema,
  RouterNodeSchema,
  AggregateNodeSchema,
  OutputNodeSchema,
  OptimizerNodeSchema,
]);

export const NODE_KINDS = ["input", "ai", "evaluation", "router", "aggregate", "output", "optimizer"] as const;

const edgeBase = {
  id,
  source: id,
  target: id,
  label: line(200).optional(),
  meta: MetaSchema.optional(),
};

export const PipelineEdgeSchema = z.strictObject({ ...edgeBase, kind: z.literal("pipeline") });

export const BroadcastEdgeSchema = z.strictObject({ ...edgeBase, kind: z.literal("broadcast") });

export const ConditionalEdgeSchema = z
  .strictObject({
    ...edgeBase,
    kind: z.literal("conditional"),
    /** Safe expression (jexl), e.g. `input.type == "text"`; omit it on the default edge. */
    condition: text(2000, 1).optional(),
    default: z.boolean().default(false),
  })
  .refine((e) => e.default !== Boolean(e.condition), {
    message: "a conditional edge needs either a condition or default: true (not both)",
    path: ["condition"],
  });

export const ParallelEdgeSchema = z.strictObject({
  ...edgeBase,
  kind: z.literal("parallel"),
  /** Most targets (or mapped items) of this fan-out running at once. */
  maxConcurrency: z.number().int().min(1).max(1024).default(4),
  /** Path into the source output (e.g. `items` or `json.items`) whose list the target is run over. */
  map: line(500, 1).optional(),
});

// Discriminated (not a plain union) so that an error inside an edge keeps its field path.
export const EdgeSchema = z.discriminatedUnion("kind", [PipelineEdgeSchema, BroadcastEdgeSchema, ConditionalEdgeSchema, ParallelEdgeSchema]);

export const EDGE_KINDS = ["pipeline", "broadcast", "conditional", "parallel"] as const;

/** Sticky notes of one graph (annotations on the canvas). */
export const MAX_GRAPH_NOTES = 500;
/** Characters of one note's text. */
export const NOTE_TEXT_MAX = 10_000;
/** Named note colours: the editor maps each to a light and a dark theme shade. */
export const NOTE_COLORS = ["yellow", "blue", "green", "pink", "purple", "gray"] as const;

/** A sticky note on the canvas: kept in the graph file for people, never executed nor validated against the nodes. */
export const NoteSchema = z.strictObject({
  id,
  text: text(NOTE_TEXT_MAX),
  position: PositionSchema,
  size: z.strictObject({ width: z.number().min(60).max(4000), height: z.number().min(40).max(4000) }).optional(),
  color: z.enum(NOTE_COLORS).optional(),
});

// Note ids are their own namespace (a note may share an id with a node) but unique among notes.
const NotesSchema = z
  .array(NoteSchema)
  .max(MAX_GRAPH_NOTES)
  .superRefine((notes, ctx) => {
    const seen = new Set<string>();
    notes.forEach((n, i) => {
      if (seen.has(n.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate note id "${n.id}"` });
      seen.add(n.id);
    });
  });

export const GraphSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(GRAPH_FORMAT_VERSION),
  id,
  name: line(200, 1),
  description: text(5000).optional(),
  /** Whole-run timeout. */
  timeoutMs: z.number().int().positive().max(86_400_000).optional(),
  nodes: z.array(NodeSchema).min(1).max(MAX_GRAPH_NODES),
  edges: z.array(EdgeSchema).max(MAX_GRAPH_EDGES).default([]),
  /** Sticky notes: ignored by runs and optimizations. */
  notes: NotesSchema.optional(),
  meta: MetaSchema.optional(),
});

export type Graph = z.infer<typeof GraphSchema>;
export type GraphInput = z.input<typeof GraphSchema>;
export type GraphNode = z.infer<typeof NodeSchema>;
export type GraphEdge = z.infer<typeof EdgeSchema>;
export type NodeKind = GraphNode["kind"];
export type EdgeKind = GraphEdge["kind"];
export type ErrorPolicy = z.infer<typeof ErrorPolicySchema>;
export type AiParams = z.infer<typeof AiParamsSchema>;
export type InputNode = z.infer<typeof InputNodeSchema>;
export type AiNode = z.infer<typeof AiNodeSchema>;
export type EvaluationNode = z.infer<typeof EvaluationNodeSchema>;
export type RouterNode = z.infer<typeof RouterNodeSchema>;
export type AggregateNode = z.infer<typeof AggregateNodeSchema>;
export type OutputNode = z.infer<typeof OutputNodeSchema>;
export type ConditionalEdge = z.infer<typeof ConditionalEdgeSchema>;
export type ParallelEdge = z.infer<typeof ParallelEdgeSchema>;
export type GraphNote = z.infer<typeof NoteSchema>;
export type NoteColor = (typeof NOTE_COLORS)[number];
export type NodeOfKind<K extends NodeKind> = Extract<GraphNode, { kind: K }>;
