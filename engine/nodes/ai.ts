import { NodeExecutionError } from "../errors.js";
import type { ChatMessage } from "../providers/types.js";
import type { AiParams } from "../schema/graph.js";
import { renderTemplate, type RenderOptions } from "../template/render.js";
import type { TemplateScope } from "../template/template.js";
import { parseJsonBounded } from "../util/json-bounded.js";
import type { NodeKindDefinition } from "./types.js";

/** Builds the chat messages for an AI node: system prompt, few-shot pairs, then the rendered prompt. */
export async function buildMessages(params: AiParams, scope: TemplateScope, opts: RenderOptions = {}): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  const system = params.systemPrompt ? await renderTemplate(params.systemPrompt, scope, opts) : "";
  if (system.trim()) messages.push({ role: "system", content: system });
  for (const ex of params.fewShot) {
    messages.push({ role: "user", content: ex.input }, { role: "assistant", content: ex.output });
  }
  messages.push({ role: "user", content: await renderTemplate(params.prompt, scope, opts) });
  return messages;
}

/** Calls a language model with the node's parameters. */
export const aiNode: NodeKindDefinition<"ai"> = {
  kind: "ai",
  title: "AI",
  outputFields: () => ["text", "json", "model", "usage", "finishReason"],
  templates: (node) => [
    { field: "config.prompt", source: node.config.prompt },
    { field: "config.systemPrompt", source: node.config.systemPrompt },
  ],
  async execute({ node, scope, providers, signal, renderOwner }) {
    const params = node.config;
    const provider = providers.get(params.provider);
    if (!provider) {
      throw new NodeExecutionError(
        node.id,
        `unknown provider "${params.provider}" (available: ${providers.ids().join(", ")})`,
        "PROVIDER_NOT_FOUND",
      );
    }
    const res = await provider.complete(
      {
        model: params.model,
        messages: await buildMessages(params, scope, { owner: renderOwner }),
        temperature: params.temperature,
        topP: params.topP,
        maxTokens: params.maxTokens,
        responseFormat: params.responseFormat,
        seed: params.seed,
      },
      { signal },
    );
    let json: unknown;
    if (params.responseFormat === "json") {
      try {
        json = parseJsonBounded(res.text);
      } catch (err) {
        throw new NodeExecutionError(node.id, `responseFormat is json but the model replied with unusable JSON (${(err as Error).message}): ${res.text.slice(0, 120)}`);
      }
    }
    return {
      output: { text: res.text, json, model: res.model, usage: res.usage, finishReason: res.finishReason, cached: res.cached ?? false, latencyMs: res.latencyMs },
      usage: res.usage,
      costUsd: res.cached ? 0 : (res.costUsd ?? 0),
    };
  },
};
