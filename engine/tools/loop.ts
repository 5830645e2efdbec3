import { errorMessage } from "../errors.js";
import { formatCount, limits } from "../limits.js";
import { raceAbort } from "../providers/retry.js";
import type { ChatMessage, CompletionRequest, CompletionResponse, Provider, TokenUsage, ToolCall, ToolSpec } from "../providers/types.js";
import type { RunServices } from "../services/types.js";
import type { Tool } from "../schema/tools.js";
import { parseToolArguments } from "./args.js";
import { offerTools } from "./offer.js";
import type { OfferedTool, ToolCallRecord } from "./types.js";

/** The tool events of one node execution, before the executor stamps them (see schema/events.ts). */
export type ToolEvent =
  | { type: "node.tool_call"; callId: string; tool: string; arguments: unknown }
  | { type: "node.tool_result"; callId: string; tool: string; result?: unknown; error?: string; durationMs: number; truncated?: boolean };

export interface ToolLoopOptions {
  nodeId: string;
  provider: Provider;
  /** The request without tools (messages, sampling parameters). */
  request: CompletionRequest;
  tools: readonly Tool[];
  maxToolCalls: number;
  signal: AbortSignal;
  emit?: (e: ToolEvent) => void;
  /** Stored workflows and MCP servers of the run (for `workflow` and `mcp` tools). */
  services?: RunServices;
}

export interface ToolLoopResult {
  /** The last model reply. */
  response: CompletionResponse;
  /** Summed over every model call. */
  usage: TokenUsage;
  costUsd: number;
  latencyMs: number;
  modelCalls: number;
  calls: ToolCallRecord[];
  /** Set when the loop stopped because the model wanted more than maxToolCalls calls. */
  stopped?: string;
  /** True when every model call was served from the response cache. */
  cached: boolean;
}

/** The provider-facing description of a tool. */
export function toolSpec(tool: Pick<OfferedTool, "name" | "description" | "parameters">): ToolSpec {
  return { name: tool.name, description: tool.description, parameters: tool.parameters as Record<string, unknown> };
}

/** The text handed to the model for a result: JSON for values, cut at toolResultChars with a marker. */
export function resultText(value: unknown): { text: string; truncated: boolean } {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const max = limits().toolResultChars;
  if (text.length <= max) return { text, truncated: false };
  return { text: `${text.slice(0, max)}…[truncated: ${formatCount(max)} of ${formatCount(text.length)} characters]`, truncated: true };
}

/**
 * Runs a model's tool-calling loop: call the model with the tools; run each tool it asks for
 * (arguments checked against the tool's JSON Schema; any failure goes back to the model as an
 * error result); call it again with the results; until it answers without tool calls. At most
 * `maxToolCalls` tool calls: when the model wants more, the loop stops and says so (`stopped`).
 * All tool calls together are bounded by toolTotalMs.
 */
export async function runToolLoop(opts: ToolLoopOptions): Promise<ToolLoopResult> {
  const { provider, signal } = opts;
  const tools = await offerTools(opts.tools, { signal, nodeId: opts.nodeId, services: opts.services });
  const byName = new Map(tools.map((t) => [t.name, t]));
  const specs = tools.map(toolSpec);
  const messages: ChatMessage[] = [...opts.request.messages];
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  const calls: ToolCallRecord[] = [];
  const usedIds = new Set<string>();
  const deadline = performance.now() + limits().toolTotalMs;
  let costUsd = 0;
  let latencyMs = 0;
  let modelCalls = 0;
  let cached = true;
  for (;;) {
    const response = await provider.complete({ ...opts.request, messages, tools: specs }, { signal });
    modelCalls++;
    usage.promptTokens += response.usage.promptTokens;
    usage.completionTokens += response.usage.completionTokens;
    usage.totalTokens += response.usage.totalTokens;
    costUsd += response.cached ? 0 : (response.costUsd ?? 0);
    latencyMs += response.latencyMs;
    cached &&= response.cached === true;
    const wanted = response.toolCalls ?? [];
    const done = (stopped?: string): ToolLoopResult => ({ response, usage, costUsd, latencyMs, modelCalls, calls, cached, ...(stopped ? { stopped } : {}) });
    if (wanted.length === 0) return done();
    if (calls.length >= opts.maxToolCalls) {
      return done(`stopped at the tool call limit: the model asked for ${wanted.length} more tool call${wanted.length === 1 ? "" : "s"} after ${calls.length} (maxToolCalls ${opts.maxToolCalls})`);
    }
    const asked: ToolCall[] = wanted.map((c) => ({ ...c, id: uniqueId(c.id, usedIds, calls.length) }));
    messages.push({ role: "assistant", content: response.text, toolCalls: asked });
    for (const [i, call] of asked.entries()) {
      if (calls.length >= opts.maxToolCalls) {
        // The conversation stays well-formed for a later call, and the record says what was not run.
        return done(`stopped at the tool call limit: ${asked.length - i} requested tool call${asked.length - i === 1 ? " was" : "s were"} not made (maxToolCalls ${opts.maxToolCalls})`);
      }
      const record = await runOne(call, byName.get(call.name), tools, opts, deadline);
      calls.push(record);
      // A truncated result is already the text (with its marker) the model gets.
      const content = record.error !== undefined ? `Error: ${record.error}` : record.truncated ? String(record.result) : resultText(record.result).text;
      messages.push({ role: "tool", toolCallId: call.id, content });
    }
  }
}

// Model-given ids may be missing or repeated; the events and the conversation need unique ones.
function uniqueId(id: string, used: Set<string>, n: number): string {
  let out = id && !used.has(id) ? id : `call_${n + 1}`;
  for (let k = 2; used.has(out); k++) out = `call_${n + 1}_${k}`;
  used.add(out);
  return out;
}

async function runOne(call: ToolCall, tool: OfferedTool | undefined, offered: readonly OfferedTool[], opts: ToolLoopOptions, deadline: number): Promise<ToolCallRecord> {
  const started = performance.now();
  const finish = (r: Omit<ToolCallRecord, "durationMs">): ToolCallRecord => {
    const record = { ...r, durationMs: Math.round((performance.now() - started) * 100) / 100 };
    opts.emit?.({ type: "node.tool_result", callId: record.id, tool: record.tool, ...(record.error !== undefined ? { error: record.error } : { result: record.result }), durationMs: record.durationMs, ...(record.truncated ? { truncated: true } : {}) });
    return record;
  };
  if (!tool) {
    opts.emit?.({ type: "node.tool_call", callId: call.id, tool: call.name, arguments: call.arguments });
    const known = offered.map((t) => t.name).join(", ");
    return finish({ id: call.id, tool: call.name, arguments: call.arguments, error: `unknown tool "${call.name}" (available: ${known})` });
  }
  const args = parseToolArguments(tool, call.arguments);
  opts.emit?.({ type: "node.tool_call", callId: call.id, tool: tool.name, arguments: args.ok ? args.value : args.shown });
  if (!args.ok) return finish({ id: call.id, tool: tool.name, arguments: args.shown, error: args.error });
  const remaining = deadline - performance.now();
  if (remaining <= 0) {
    return finish({ id: call.id, tool: tool.name, arguments: args.value, error: `the node's tool time budget is spent (${formatCount(limits().toolTotalMs)} ms, toolTotalMs); answer with what you have` });
  }
  const budget = AbortSignal.timeout(Math.ceil(remaining));
  const signal = AbortSignal.any([opts.signal, budget]);
  try {
    const value = await raceAbort(tool.run(args.value, { signal, nodeId: opts.nodeId, services: opts.services }), signal);
    const shown = resultText(value);
    return finish({ id: call.id, tool: tool.name, arguments: args.value, result: shown.truncated ? shown.text : value, ...(shown.truncated ? { truncated: true } : {}) });
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    const why = budget.aborted ? `the node's tool time budget ran out (${formatCount(limits().toolTotalMs)} ms, toolTotalMs)` : errorMessage(err);
    return finish({ id: call.id, tool: tool.name, arguments: args.value, error: why });
  }
}
