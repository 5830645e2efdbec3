import { z } from "zod";
import { DEFAULT_LIMITS } from "../limits.js";
import { safeText } from "./text.js";

// The graph format's cap on a template field (graph.ts TEMPLATE_MAX, which imports this file, so it is read from its source here).
const TEMPLATE_MAX = DEFAULT_LIMITS.templateSourceChars;

export const OPTIMIZER_STRATEGIES = ["random", "grid", "tpe", "nsga2", "reflective", "bootstrap_fewshot"] as const;
/** Objectives that are measured on every run rather than named evaluation nodes. */
export const BUILTIN_MEASURES = ["tokens", "latency", "cost"] as const;

export const ObjectiveSpecSchema = z.strictObject({
  /** An evaluation node id of the graph, or a built-in measure: tokens, latency, cost (per example). */
  metric: z.string().min(1),
  direction: z.enum(["max", "min"]),
});

export const ConstraintSchema = z.strictObject({
  metric: z.string().min(1),
  op: z.enum(["<=", ">="]),
  value: z.number(),
});

/** What may change in the target AI node(s); absent entries stay as in the baseline. */
export const SearchSpaceSpecSchema = z
  .strictObject({
    /** Instruction snippets the optimizer may add to or remove from the system prompt (defaults to a generic library). */
    instructions: z.array(safeText({ min: 1, max: 20_000, multiline: true })).max(32).optional(),
    /** Tune the system prompt (instructions). */
    systemPrompt: z.boolean().default(true),
    /** Whole alternative prompt templates to choose from (the baseline prompt is always one). */
    promptTemplates: z.array(safeText({ min: 1, max: TEMPLATE_MAX, multiline: true })).max(16).default([]),
    temperature: z.tuple([z.number().min(0), z.number().max(2)]).optional(),
    topP: z.tuple([z.number().gt(0), z.number().max(1)]).optional(),
    maxTokens: z.array(z.number().int().min(1)).min(1).optional(),
    models: z.array(safeText({ min: 1, max: 200 })).min(1).optional(),
    /** Most few-shot demos to try (taken from the train split); 0 disables demos. */
    maxDemos: z.number().int().min(0).max(16).default(4),
  })
  .default({ systemPrompt: true, promptTemplates: [], maxDemos: 4 });

// Node ids as in graph.ts (not imported from there: graph.ts embeds this schema in optimizer nodes).
const NodeId = z.string().min(1).max(64).regex(/^[A-Za-z_][A-Za-z0-9_-]*$/);

export const OptimizeConfigSchema = z.strictObject({
  targets: z.array(NodeId).min(1),
  strategy: z.enum(OPTIMIZER_STRATEGIES),
  objectives: z.array(ObjectiveSpecSchema).min(1),
  constraints: z.array(ConstraintSchema).default([]),
  searchSpace: SearchSpaceSpecSchema,
  limits: z
    .strictObject({
      maxCandidates: z.number().int().min(1).max(10_000).default(24),
      maxTimeMs: z.number().int().positive().optional(),
      /** Hard caps: no LLM call starts once spent. */
      budgetTokens: z.number().int().positive().optional(),
      budgetCostUsd: z.number().positive().optional(),
      /** Share of each budget the search leaves for re-scoring the front on the test split (default 0.2). */
      holdoutReserve: z.number().min(0).max(0.9).optional(),
    })
    .default({ maxCandidates: 24 }),
  concurrency: z.number().int().min(1).max(64).default(4),
  seed: z.number().int().default(0),
  split: z
    .strictObject({ train: z.number().min(0), validation: z.number().gt(0), test: z.number().gt(0) })
    .default({ train: 0.4, validation: 0.3, test: 0.3 }),
  /** Reject a candidate whose pass rate on examples the baseline already passes drops by more than this. */
  regressionTolerance: z.number().min(0).max(1).default(0.2),
  /** Reflective strategy: minibatch size and the model that reflects. */
  reflection: z
    .strictObject({ minibatch: z.number().int().min(1).max(35).default(3), provider: z.string().default("sim"), model: z.string().default("sim-large") })
    .default({ minibatch: 3, provider: "sim", model: "sim-large" }),
});

export type OptimizeConfig = z.infer<typeof OptimizeConfigSchema>;
export type OptimizeConfigInput = z.input<typeof OptimizeConfigSchema>;
export type ObjectiveSpec = z.infer<typeof ObjectiveSpecSchema>;
export type OptimizerStrategyId = (typeof OPTIMIZER_STRATEGIES)[number];

/** An optimizer node: an optimization configured in the graph, run by `flowtune optimize --optimizer ID`. */
export const OptimizerNodeConfigSchema = OptimizeConfigSchema.extend({
  /** Imported dataset name (or a file path relative to the working directory). */
  dataset: safeText({ min: 1, max: 500 }).optional(),
});
