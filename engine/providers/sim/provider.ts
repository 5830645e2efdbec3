import { ProviderError } from "../../errors.js";
import type { CallOptions, CompletionRequest, CompletionResponse, Provider } from "../types.js";
import { sleep, throwIfAborted } from "./abort.js";
import { getSimModel, SIM_MODELS, simCostUsd, simLatencyMs } from "./models.js";
import { respond } from "./respond.js";
import { formatCount, limits } from "../../limits.js";
import { countPromptTokensAsync, countTokens, truncateToTokens } from "./tokens.js";
import { simToolReply, type SimToolReply } from "./tools.js";
import { simMemoryReply } from "./memory.js";

export interface SimProviderOptions {
  /** Multiplies the simulated latency actually waited: 0 = no waiting (tests, benchmarks), 1 = realistic. */
  latencyScale?: number;
  /** World seed: changes which items each model gets right (default 0). */
  seed?: number;
}

/** The sim provider; `complete` is deterministic for a given request and options. */
export interface SimProvider extends Provider {
  readonly id: "sim";
  readonly latencyScale: number;
  readonly seed: number;
}

/**
 * Creates the built-in deterministic simulated LLM (see docs/sim-provider.md).
 * Unknown model ids reject with a non-retryable ProviderError.
 */
export function createSimProvider(opts: SimProviderOptions = {}): SimProvider {
  const latencyScale = Math.max(0, opts.latencyScale ?? 1);
  const seed = opts.seed ?? 0;
  return {
    id: "sim",
    latencyScale,
    seed,
    listModels: async () => ({ models: SIM_MODELS.map((m) => m.id), latencyMs: 0 }),
    async complete(request: CompletionRequest, options: CallOptions = {}): Promise<CompletionResponse> {
      const { signal } = options;
      throwIfAborted(signal);
      const model = getSimModel(request.model);
      if (!model) {
        const known = SIM_MODELS.map((m) => m.id).join(", ");
        throw new ProviderError(`unknown sim model "${request.model}" (known: ${known})`, { status: 404, retryable: false });
      }
      // The sim's "context window": its parsing is linear but not free, so its input is bounded.
      const chars = request.messages.reduce((n, m) => n + m.content.length + (m.toolCalls?.reduce((k, c) => k + c.arguments.length, 0) ?? 0), 0) + toolChars(request);
      const max = limits().simInputChars;
      if (chars > max) {
        throw new ProviderError(`the prompt is ${formatCount(chars)} characters; the sim reads at most ${formatCount(max)} (simInputChars)`, { status: 400, retryable: false });
      }
      const reply: { text: string; toolCalls?: SimToolReply["toolCalls"] } = simToolReply(request, model, seed) ?? simMemoryReply(request) ?? respond(request, model, seed);
      // Tool definitions are part of the prompt a real model reads (and pays for).
      const promptTokens = (await countPromptTokensAsync(request.messages)) + (request.tools?.length ? countTokens(JSON.stringify(request.tools)) : 0);
      throwIfAborted(signal);
      const limit = request.maxTokens ?? Number.POSITIVE_INFINITY;
      const cut = truncateToTokens(reply.text, limit);
      const latencyMs = simLatencyMs(model, promptTokens, cut.tokens);
      // latencyScale 0 must not touch timers at all (benchmarks measure engine overhead).
      if (latencyScale > 0) await sleep(latencyMs * latencyScale, signal);
      throwIfAborted(signal);
      return {
        text: cut.text,
        usage: { promptTokens, completionTokens: cut.tokens, totalTokens: promptTokens + cut.tokens },
        latencyMs,
        costUsd: simCostUsd(model, promptTokens, cut.tokens),
        finishReason: reply.toolCalls?.length ? "tool_calls" : cut.truncated ? "length" : "stop",
        model: model.id,
        ...(reply.toolCalls?.length ? { toolCalls: reply.toolCalls } : {}),
      };
    },
  };
}

// Tool definitions count toward the sim's input bound like messages do.
function toolChars(request: CompletionRequest): number {
  return request.tools?.reduce((n, t) => n + t.name.length + t.description.length + JSON.stringify(t.parameters).length, 0) ?? 0;
}
