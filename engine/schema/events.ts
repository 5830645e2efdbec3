import { z } from "zod";

export const NodeStatusSchema = z.enum(["pending", "queued", "running", "succeeded", "failed", "skipped", "cancelled"]);
export type NodeStatus = z.infer<typeof NodeStatusSchema>;

export const RunStatusSchema = z.enum(["pending", "running", "paused", "succeeded", "failed", "cancelled"]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const UsageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});

export const ErrorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

const base = { runId: z.string(), seq: z.number().int().nonnegative(), ts: z.number() };
const itemIndex = z.number().int().nonnegative();

/** Every event the executor emits. One stream feeds the CLI, the run history and live subscriptions. */
export const RunEventSchema = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("run.started"),
    workflowId: z.string(),
    graphChecksum: z.string(),
    inputs: z.record(z.string(), z.unknown()),
    /** Set when this run re-runs another from a node. */
    parentRunId: z.string().optional(),
    fromNodeId: z.string().optional(),
    /** AI node id → the parameter version (v1, v2, …) the run used, when versions are managed. */
    parameterVersions: z.record(z.string(), z.number().int().positive()).optional(),
    /** AI node ids whose version was chosen for this run (e.g. "run with this draft"), not production's. */
    parameterOverrides: z.array(z.string()).optional(),
    /** Set for a run of an unsaved draft graph (the editor's "run what you see"): the saved version it was edited from. */
    draft: z.object({ baseVersion: z.number().int().positive() }).optional(),
  }),
  z.object({ ...base, type: z.literal("run.paused") }),
  z.object({ ...base, type: z.literal("run.resumed") }),
  z.object({
    ...base,
    type: z.literal("run.completed"),
    outputs: z.record(z.string(), z.unknown()),
    durationMs: z.number(),
    usage: UsageSchema,
    costUsd: z.number(),
  }),
  z.object({ ...base, type: z.literal("run.failed"), error: ErrorInfoSchema, durationMs: z.number() }),
  z.object({ ...base, type: z.literal("run.cancelled"), reason: z.string(), durationMs: z.number() }),
  z.object({ ...base, type: z.literal("node.queued"), nodeId: z.string() }),
  z.object({ ...base, type: z.literal("node.started"), nodeId: z.string(), attempt: z.number().int(), input: z.unknown() }),
  z.object({
    ...base,
    type: z.literal("node.retrying"),
    nodeId: z.string(),
    attempt: z.number().int(),
    delayMs: z.number(),
    error: ErrorInfoSchema,
  }),
  z.object({
    ...base,
    type: z.literal("node.partial"),
    nodeId: z.string(),
    /** Partial output, e.g. an async join's responses so far or a mapped item's result. */
    output: z.unknown(),
    index: z.number().int().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("node.succeeded"),
    nodeId: z.string(),
    output: z.unknown(),
    durationMs: z.number(),
    usage: UsageSchema.optional(),
    costUsd: z.number().optional(),
    /** True when the output was carried over from a parent run (re-run from a node). */
    reused: z.boolean().optional(),
    /** Routers: the conditional edges taken (kept so a re-run can reuse the decision). */
    takenEdges: z.array(z.string()).optional(),
    attempts: z.number().int().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("node.failed"),
    nodeId: z.string(),
    error: ErrorInfoSchema,
    durationMs: z.number(),
    /** True when the error policy let the run go on. */
    continued: z.boolean(),
    usage: UsageSchema.optional(),
    attempts: z.number().int().optional(),
  }),
  // Per-item events of a node mapped over a list (a parallel edge with `map`): `index` is the item's
  // position in the list, `attempt` the node attempt (a retried mapped node runs its items again).
  z.object({ ...base, type: z.literal("node.item.started"), nodeId: z.string(), index: itemIndex, attempt: z.number().int(), input: z.unknown() }),
  z.object({
    ...base,
    type: z.literal("node.item.succeeded"),
    nodeId: z.string(),
    index: itemIndex,
    attempt: z.number().int(),
    output: z.unknown(),
    durationMs: z.number(),
    usage: UsageSchema.optional(),
    costUsd: z.number().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("node.item.failed"),
    nodeId: z.string(),
    index: itemIndex,
    attempt: z.number().int(),
    error: ErrorInfoSchema,
    durationMs: z.number(),
    /** True when the node's error policy records the failure and the other items go on. */
    continued: z.boolean(),
  }),
  /** An item stopped because a sibling item failed (the node fails with that item's error). */
  z.object({ ...base, type: z.literal("node.item.cancelled"), nodeId: z.string(), index: itemIndex, attempt: z.number().int(), reason: z.string() }),
  // Tool calls of an AI node execution (engine/tools/loop.ts), in the order made; `index` is the
  // mapped item's position when the node runs once per item.
  z.object({
    ...base,
    type: z.literal("node.tool_call"),
    nodeId: z.string(),
    callId: z.string(),
    tool: z.string(),
    /** As parsed from the model's JSON (the raw text when it was not JSON). */
    arguments: z.unknown(),
    index: itemIndex.optional(),
  }),
  z.object({
    ...base,
    type: z.literal("node.tool_result"),
    nodeId: z.string(),
    callId: z.string(),
    tool: z.string(),
    /** The tool's result (cut at toolResultChars when `truncated`); absent when the call failed. */
    result: z.unknown().optional(),
    /** Why the call failed; the model got it as the tool's result. */
    error: z.string().optional(),
    durationMs: z.number(),
    truncated: z.boolean().optional(),
    index: itemIndex.optional(),
  }),
  z.object({ ...base, type: z.literal("node.skipped"), nodeId: z.string(), reason: z.string() }),
  z.object({ ...base, type: z.literal("node.cancelled"), nodeId: z.string(), reason: z.string() }),
]);

export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventType = RunEvent["type"];
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
/** An event before the executor stamps it with run id, sequence number and time. */
export type RunEventBody = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, "runId" | "seq" | "ts"> : never) : never;

export const RUN_EVENT_TYPES = RunEventSchema.options.map((o) => o.shape.type.value);

/** True for the events that end a run. */
export function isTerminalEvent(e: RunEvent): boolean {
  return e.type === "run.completed" || e.type === "run.failed" || e.type === "run.cancelled";
}
