import type { RunServices } from "../services/types.js";
import type { Tool, ToolKind } from "../schema/tools.js";

/** What a tool execution gets besides its arguments. */
export interface ToolRunContext {
  /** Aborts the call: the node's signal, the per-call time limit and the node's tool time budget. */
  signal: AbortSignal;
  /** The AI node running the tool (for messages). */
  nodeId: string;
  /** Stored workflows and MCP servers of the run (for `workflow` and `mcp` tools). */
  services?: RunServices;
}

/** A tool as the model sees and calls it. Most graph entries offer one; an `mcp` entry offers its server's tools. */
export interface OfferedTool {
  /** The name the model calls (unique within the node). */
  name: string;
  description: string;
  /** JSON Schema object of the arguments, checked before `run`. */
  parameters: Record<string, unknown>;
  /** Checks arguments against `parameters` (default: engine/evaluation/json-schema-subset.ts); returns problems as "path: message". */
  validate?(args: Record<string, unknown>): string[];
  run(args: Record<string, unknown>, ctx: ToolRunContext): Promise<unknown>;
}

/**
 * How one tool kind runs. Each kind lives in its own file under engine/tools/ and is listed in
 * registry.ts; the loop (loop.ts) validates arguments against the tool's JSON Schema before `run`.
 * A rejection becomes an error result the model sees, never a node failure.
 */
export type ToolKindRunner<K extends ToolKind = ToolKind> = SingleToolRunner<K> | OfferingToolRunner<K>;

/** A kind whose entry is one tool, named, described and typed by the entry itself (expression, http). */
export interface SingleToolRunner<K extends ToolKind = ToolKind> {
  kind: K;
  run(tool: Extract<Tool, { kind: K }>, args: Record<string, unknown>, ctx: ToolRunContext): Promise<unknown>;
  offer?: never;
}

/** A kind whose entry stands for tools found when the node starts (e.g. an MCP server's list); a failure fails the node. */
export interface OfferingToolRunner<K extends ToolKind = ToolKind> {
  kind: K;
  offer(tool: Extract<Tool, { kind: K }>, ctx: ToolRunContext): Promise<OfferedTool[]>;
  run?: never;
}

/** One tool call of a node execution as recorded in its output and events. */
export interface ToolCallRecord {
  /** The call id the model gave (or one made up when it gave none). */
  id: string;
  tool: string;
  /** The arguments parsed from the model's JSON (the raw text when it was not JSON). */
  arguments: unknown;
  /** The tool's result (absent when it failed). */
  result?: unknown;
  /** Why the call failed (unknown tool, invalid arguments, the tool's own error, a limit). */
  error?: string;
  durationMs: number;
  /** True when the result handed to the model was cut at toolResultChars. */
  truncated?: boolean;
}
