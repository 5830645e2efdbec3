import { NodeExecutionError } from "../errors.js";
import { openMemory } from "../memory/node.js";
import type { ChatMessage, CompletionRequest, TokenUsage } from "../providers/types.js";
import type { AiParams } from "../schema/graph.js";
import { DEFAULT_MAX_TOOL_CALLS } from "../schema/tools.js";
import { renderTemplate, type RenderOptions } from "../template/render.js";
import type { TemplateScope } from "../template/template.js";
import { runToolLoop } from "../tools/loop.js";
import { parseJsonBounded } from "../util/json-bounded.js";
import type { NodeKindDefinition, NodeOutcome } from "./types.js";

/**
 * Builds the chat messages for an AI node: system prompt (with the tool-use instructions when the
 * node has tools), few-shot pairs, the conversation memory (`prior`), then the rendered prompt.
 */
export async function buildMessages(params: AiParams, scope: TemplateScope, opts: RenderOptions = {}, prior: readonly ChatMessage[] = []): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  const rendered = params.systemPrompt ? await renderTemplate(params.systemPrompt, scope, opts) : "";
  const toolText = params.tools?.length && params.toolInstructions?.trim() ? params.toolInstructions.trim() : "";
  const system = [rendered.trim() ? rendered : "", toolText].filter(Boolean).join("\n\n");
  if (system.trim()) messages.push({ role: "system", content: system });
  for (const ex of params.fewShot) {
    messages.push({ role: "user", content: ex.input }, { role: "assistant", content: ex.output });
  }
  messages.push(...prior);
  messages.push({ role: "user", content: await renderTemplate(params.prompt, scope, opts) });
  return messages;
}

/** Calls a language model with the node's parameters; with tools, runs its tool-calling loop (engine/tools). */
export const aiNode: NodeKindDefinition<"ai"> = {
  kind: "ai",
  title: "AI",
  outputFields: () => ["text", "json", "model", "usage", "finishReason", "toolCalls", "toolStop", "memory"],
  templates: (node) => [
    { field: "config.prompt", source: node.config.prompt },
    { field: "config.systemPrompt", source: node.config.systemPrompt },
    ...(node.config.memory ? [{ field: "config.memory.thread", source: node.config.memory.thread }] : []),
  ],
  async execute({ node, scope, providers, signal, renderOwner, emit, memory, services }) {
    const params = node.config;
    const provider = providers.get(params.provider);
    if (!provider) {
      throw new NodeExecutionError(
        node.id,
        `unknown provider "${params.provider}" (available: ${providers.ids().join(", ")})`,
        "PROVIDER_NOT_FOUND",
      );
    }
    const mem = params.memory ? await openMemory({ nodeId: node.id, config: params.memory, scope, render: { owner: renderOwner }, memory }) : undefined;
    const messages = await buildMessages(params, scope, { owner: renderOwner }, mem?.prior);
    const request: CompletionRequest = {
      model: params.model,
      messages,
      temperature: params.temperature,
      topP: params.topP,
      maxTokens: params.maxTokens,
      responseFormat: params.responseFormat,
      seed: params.seed,
    };
    const tools = params.tools ?? [];
    const loop = tools.length
      ? await runToolLoop({ nodeId: node.id, provider, request, tools, maxToolCalls: params.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS, signal, emit, services })
      : undefined;
    const res = loop ? loop.response : await provider.complete(request, { signal });
    let json: unknown;
    // A loop stopped at its limit has no final answer to parse; its output says why instead.
    if (params.responseFormat === "json" && !loop?.stopped) {
      try {
        json = parseJsonBounded(res.text);
      } catch (err) {
        throw new NodeExecutionError(node.id, `responseFormat is json but the model replied with unusable JSON (${(err as Error).message}): ${res.text.slice(0, 120)}`);
      }
    }
    // A loop stopped at its limit gave no answer: the thread keeps only real exchanges.
    const extra = mem && !loop?.stopped ? await mem.commit(messages[messages.length - 1].content, res.text, { providers, provider: params.provider, model: params.model, signal }) : undefined;
    const memoryOut = mem ? { memory: mem.record } : {};
    if (!loop) {
      return withExtra({
        output: { text: res.text, json, model: res.model, usage: res.usage, finishReason: res.finishReason, cached: res.cached ?? false, latencyMs: res.latencyMs, ...memoryOut },
        usage: res.usage,
        costUsd: res.cached ? 0 : (res.costUsd ?? 0),
      }, extra);
    }
    return withExtra({
      output: {
        text: res.text,
        json,
        model: res.model,
        usage: loop.usage,
        finishReason: res.finishReason,
        cached: loop.cached,
        latencyMs: loop.latencyMs,
        modelCalls: loop.modelCalls,
        toolCalls: loop.calls,
        ...(loop.stopped ? { toolStop: loop.stopped } : {}),
        ...memoryOut,
      },
      usage: loop.usage,
      costUsd: loop.costUsd,
    }, extra);
  },
};

// The summary model's call counts toward the node's usage and cost (its output.usage stays the answer's).
function withExtra(outcome: NodeOutcome, extra: { usage: TokenUsage; costUsd: number } | undefined): NodeOutcome {
  if (!extra || extra.usage.totalTokens === 0) return outcome;
  const u = outcome.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  return {
    ...outcome,
    usage: { promptTokens: u.promptTokens + extra.usage.promptTokens, completionTokens: u.completionTokens + extra.usage.completionTokens, totalTokens: u.totalTokens + extra.usage.totalTokens },
    costUsd: (outcome.costUsd ?? 0) + extra.costUsd,
  };
}
