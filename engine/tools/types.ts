import type { Tool, ToolKind } from "../schema/tools.js";

/** What a tool execution gets besides its arguments. */
export interface ToolRunContext {
  /** Aborts the call: the node's signal, the per-call time limit and the node's tool time budget. */
  signal: AbortSignal;
  /** The AI node running the tool (for messages). */
  nodeId: string;
}

/**
 * How one tool kind runs. Each kind lives in its own file under engine/tools/ and is listed in
 * registry.ts; the loop (loop.ts) validates arguments against the tool's JSON Schema before `run`.
 * A rejection becomes an error result the model sees, never a node failure.
 */
export interface ToolKindRunner<K extends ToolKind = ToolKind> {
  kind: K;
  run(tool: Extract<Tool, { kind: K }>, args: Record<string, unknown>, ctx: ToolRunContext): Promise<unknown>;
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
