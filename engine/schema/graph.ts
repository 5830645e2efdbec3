import { z } from "zod";
import { OptimizerNodeConfigSchema } from "./optimizer.js";

/** Current version of the graph file format; bump on breaking changes. */
export const GRAPH_FORMAT_VERSION = 1;

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "must start with a letter or _ and contain only letters, digits, _ or -");

export const NodeIdSchema = id;

export const PositionSchema = z.object({ x: z.number(), y: z.number() });

/** What a node does when its execution fails. */
export const ErrorPolicySchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("stop") }),
  z.object({ mode: z.literal("continue") }),
  z.object({
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
  label: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  position: PositionSchema.optional(),
  onError: ErrorPolicySchema.optional(),
  timeoutMs: z.number().int().positive().max(3_600_000).optional(),
};

export const InputFieldSchema = z.object({
  name: id,
  type: z.enum(["string", "number", "boolean", "json", "list"]).default("string"),
  required: z.boolean().default(true),
  description: z.string().optional(),
  default: z.unknown().optional(),
});

export const InputNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal("input"),
  config: z.object({ fields: z.array(InputFieldSchema).min(1) }),
});

export const FewShotExampleSchema = z.object({ input: z.string(), output: z.string() });

/** The tunable parameter bundle of an AI node: the optimizer searches over exactly these. */
export const AiParamsSchema = z.object({
  provider: z.string().min(1).default("sim"),
  model: z.string().min(1),
  systemPrompt: z.string().max(20_000).default(""),
  prompt: z.string().min(1).max(50_000),
  temperature: z.number().min(0).max(2).default(0),
  topP: z.number().gt(0).max(1).default(1),
  maxTokens: z.number().int().min(1).max(128_000).default(512),
  fewShot: z.array(FewShotExampleSchema).max(64).default([]),
  /** `json` parses the reply into `output.json`; a reply that is not JSON fails the node. */
  responseFormat: z.enum(["text", "json"]).default("text"),
  seed: z.number().int().optional(),
});

export const AiNodeSchema = z.object({ ...nodeBase, kind: z.literal("ai"), config: AiParamsSchema });

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

export const EvaluationNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal("evaluation"),
  config: z.object({
    metric: z.enum(EVALUATION_METRICS),
    /** Template rendering the value under test, e.g. `{{ nodes.answer.text }}` (unused by latency, tokens, cost). */
    actual: z.string().default(""),
    /** Template rendering the reference value (exact_match, contains, numeric, token_f1, edit_similarity; optional for llm_judge). */
    expected: z.string().optional(),
    /** Regular expression for the `regex` metric. */
    pattern: z.string().optional(),
    /** JSON Schema (a documented subset) the answer must satisfy, for `json_schema`. */
    schema: z.record(z.string(), z.unknown()).optional(),
    /** Allowed error for `numeric`: |actual − expected| ≤ max(absolute, relative × |expected|); default exact. */
    tolerance: z.object({ absolute: z.number().min(0).optional(), relative: z.number().min(0).optional() }).optional(),
    /** Template: what the `llm_judge` grades against (criteria, points to cover). */
    rubric: z.string().max(20_000).optional(),
    /** Template: the question shown to the `llm_judge` (lets it solve the task itself when there is no reference). */
    question: z.string().optional(),
    /** Judge model for `llm_judge` (default sim / sim-medium). */
    judge: z.object({ provider: z.string().min(1).default("sim"), model: z.string().min(1).default("sim-medium") }).optional(),
    /** Upstream AI node measured by `latency`, `tokens` and `cost`. */
    target: id.optional(),
    /** Limit for `latency` (maxLatencyMs), `tokens` (maxTokens) or `cost` (maxCostUsd). */
    budget: z
      .object({
        maxLatencyMs: z.number().positive().optional(),
        maxTokens: z.number().int().positive().optional(),
        maxCostUsd: z.number().positive().optional(),
      })
      .optional(),
    /** USD per 1k tokens for `cost`, overriding the built-in price table (e.g. a local model: 0). */
    price: z.object({ inputPer1k: z.number().min(0), outputPer1k: z.number().min(0) }).optional(),
    caseSensitive: z.boolean().default(false),
    trim: z.boolean().default(true),
    /** Score at or above which `passed` is true. */
    threshold: z.number().min(0).max(1).default(1),
  }),
});

export const RouterNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal("router"),
  config: z
    .object({
      /** first-match takes the first matching conditional edge in edge order; all-matches takes every match. */
      mode: z.enum(["first-match", "all-matches"]).default("first-match"),
    })
    .default({ mode: "first-match" }),
});

export const AGGREGATE_STRATEGIES = ["all", "first", "majority", "consensus", "weighted"] as const;

export const AggregateNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal("aggregate"),
  config: z
    .object({
      strategy: z.enum(AGGREGATE_STRATEGIES).default("all"),
      /** Fewer successful responses than this fails the join. */
      minResponses: z.number().int().min(1).default(1),
      /** The join proceeds with what has arrived this many ms after its first branch started. */
      timeoutMs: z.number().int().positive().max(3_600_000).optional(),
      /** barrier waits for every branch; async publishes partial results as branches finish. */
      synchronization: z.enum(["barrier", "async"]).default("barrier"),
      /** Template applied to each response to get the value that is voted on, e.g. `{{ response.text | strip }}`. */
      vote: z.string().optional(),
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

export const OutputNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal("output"),
  config: z
    .object({
      /** Named templates; without them the node outputs its input unchanged. */
      fields: z.record(id, z.string()).optional(),
    })
    .default({}),
});

/** An optimization configured in the graph; never executed by a run (`flowtune optimize --optimizer ID` runs it). */
export const OptimizerNodeSchema = z.object({
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
  label: z.string().max(200).optional(),
};

export const PipelineEdgeSchema = z.object({ ...edgeBase, kind: z.literal("pipeline") });

export const BroadcastEdgeSchema = z.object({ ...edgeBase, kind: z.literal("broadcast") });

export const ConditionalEdgeSchema = z
  .object({
    ...edgeBase,
    kind: z.literal("conditional"),
    /** Safe expression (jexl), e.g. `input.type == "text"`; omit it on the default edge. */
    condition: z.string().min(1).max(2000).optional(),
    default: z.boolean().default(false),
  })
  .refine((e) => e.default !== Boolean(e.condition), {
    message: "a conditional edge needs either a condition or default: true (not both)",
    path: ["condition"],
  });

export const ParallelEdgeSchema = z.object({
  ...edgeBase,
  kind: z.literal("parallel"),
  /** Most targets (or mapped items) of this fan-out running at once. */
  maxConcurrency: z.number().int().min(1).max(1024).default(4),
  /** Path into the source output (e.g. `items` or `json.items`) whose list the target is run over. */
  map: z.string().min(1).optional(),
});

export const EdgeSchema = z.union([PipelineEdgeSchema, BroadcastEdgeSchema, ConditionalEdgeSchema, ParallelEdgeSchema]);

export const EDGE_KINDS = ["pipeline", "broadcast", "conditional", "parallel"] as const;

export const GraphSchema = z.object({
  $schema: z.string().optional(),
  version: z.literal(GRAPH_FORMAT_VERSION),
  id,
  name: z.string().min(1).max(200),
  description: z.string().max(5000).optional(),
  /** Whole-run timeout. */
  timeoutMs: z.number().int().positive().max(86_400_000).optional(),
  nodes: z.array(NodeSchema).min(1),
  edges: z.array(EdgeSchema).default([]),
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
export type NodeOfKind<K extends NodeKind> = Extract<GraphNode, { kind: K }>;
