import { NodeExecutionError } from "../errors.js";
import type { ChatMessage, CompletionRequest } from "../providers/types.js";
import type { AiParams } from "../schema/graph.js";
import { DEFAULT_MAX_TOOL_CALLS } from "../schema/tools.js";
import { renderTemplate, type RenderOptions } from "../template/render.js";
import type { TemplateScope } from "../template/template.js";
import { runToolLoop } from "../tools/loop.js";
import { parseJsonBounded } from "../util/json-bounded.js";
import type { NodeKindDefinition } from "./types.js";

/**
 * Builds the chat messages for an AI node: system prompt (with the tool-use instructions when the
 * node has tools), few-shot pairs, then the rendered prompt.
 */
export async function buildMessages(params: AiParams, scope: TemplateScope, opts: RenderOptions = {}): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  const rendered = params.systemPrompt ? await renderTemplate(params.systemPrompt, scope, opts) : "";
  const toolText = params.tools?.length && params.toolInstructions?.trim() ? params.toolInstructions.trim() : "";
  const system = [rendered.trim() ? rendered : "", toolText].filter(Boolean).join("\n\n");
  if (system.trim()) messages.push({ role: "system", content: system });
  for (const ex of params.fewShot) {
    messages.push({ role: "user", content: ex.input }, { role: "assistant", content: ex.output });
  }
  messages.push({ role: "user", content: await renderTemplate(params.prompt, scope, opts) });
  return messages;
}

/** Calls a language model with the node's parameters; with tools, runs its tool-calling loop (engine/tools). */
export const aiNode: NodeKindDefinition<"ai"> = {
  kind: "ai",
  title: "AI",
  outputFields: () => ["text", "json", "model", "usage", "finishReason", "toolCalls", "toolStop"],
  templates: (node) => [
    { field: "config.prompt", source: node.config.prompt },
    { field: "config.systemPrompt", source: node.config.systemPrompt },
  ],
  async execute({ node, scope, providers, signal, renderOwner, emit }) {
    const params = node.config;
    const provider = providers.get(params.provider);
    if (!provider) {
      throw new NodeExecutionError(
        node.id,
        `unknown provider "${params.provider}" (available: ${providers.ids().join(", ")})`,
        "PROVIDER_NOT_FOUND",
      );
    }
    const request: CompletionRequest = {
      model: params.model,
      messages: await buildMessages(params, scope, { owner: renderOwner }),
      temperature: params.temperature,
      topP: params.topP,
      maxTokens: params.maxTokens,
      responseFormat: params.responseFormat,
      seed: params.seed,
    };
    const tools = params.tools ?? [];
    const loop = tools.length
      ? await runToolLoop({ nodeId: node.id, provider, request, tools, maxToolCalls: params.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS, signal, emit })
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
    if (!loop) {
      return {
        output: { text: res.text, json, model: res.model, usage: res.usage, finishReason: res.finishReason, cached: res.cached ?? false, latencyMs: res.latencyMs },
        usage: res.usage,
        costUsd: res.cached ? 0 : (res.costUsd ?? 0),
      };
    }
    return {
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
      },
      usage: loop.usage,
      costUsd: loop.costUsd,
    };
  },
};
