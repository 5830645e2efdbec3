import { fetch as undiciFetch, type Dispatcher } from "undici";
import { ProviderError } from "../errors.js";
import { findAddressRefusal } from "./pinned-dispatcher.js";
import { listOpenAICompatibleModels } from "./models.js";
import { describeNetworkError, serverMessage, snippet } from "./reply-text.js";
import { abortError, withRetry, type RetryInfo } from "./retry.js";
import type { CallOptions, ChatMessage, CompletionRequest, CompletionResponse, ModelList, Provider, TokenUsage, ToolCall } from "./types.js";

/** USD per 1 000 tokens for one model. */
export interface ModelPrice {
  inputPer1k: number;
  outputPer1k: number;
}

export interface OpenAICompatibleOptions {
  /** Registry id AI nodes refer to. Default "openai-compatible". */
  id?: string;
  /** API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1` (Ollama). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` only when set; never included in errors. */
  apiKey?: string;
  /** Per-attempt timeout covering the request and reading the body. Default 120 000. */
  timeoutMs?: number;
  /** Timeout of `listModels` (GET {baseUrl}/models), body included. Default 8 000. */
  modelsTimeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts and network errors. Default 2. */
  maxRetries?: number;
  /** First backoff delay (exponential, jittered). Default 500. */
  retryBaseMs?: number;
  /** Cap on any backoff delay, including server-sent Retry-After. Default 30 000. */
  maxRetryDelayMs?: number;
  /** Injectable fetch (tests, proxies). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Prices by model name; when the model is listed, responses carry `costUsd`. */
  prices?: Record<string, ModelPrice>;
  /** Called before each retry sleep (logging). */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Awaited before every HTTP request with the URL about to be called; a rejection refuses the
   * call (non-retryable ProviderError). Re-checking at call time defeats DNS rebinding after the
   * URL was validated (see url-guard.ts); redirects are then not followed. Unset for
   * operator-configured (env) providers.
   */
  urlGuard?: (url: URL) => Promise<void>;
  /**
   * The undici dispatcher every request goes through; with `urlGuard`, a pinned one
   * (pinned-dispatcher.ts) vets the addresses again at connect time, closing the window between
   * the check and the connection. A connection it refuses is a final (non-retryable) error. With a
   * dispatcher, the default fetch is undici's own (the one that speaks its dispatcher API).
   */
  dispatcher?: Dispatcher;
}

const DEFAULTS = { id: "openai-compatible", timeoutMs: 120_000, maxRetries: 2, retryBaseMs: 500, maxRetryDelayMs: 30_000 };
/** Keys this short cannot be secrets (Ollama/LM Studio placeholders) and redacting them would garble messages. */
const MIN_REDACTED_KEY_LENGTH = 4;

/**
 * A Provider speaking the OpenAI chat-completions protocol (OpenAI, Ollama, vLLM, LM Studio, …):
 * POSTs `{baseUrl}/chat/completions`, retries transient failures with backoff, and maps the reply
 * (text, usage, finish reason, cost) onto a CompletionResponse. Failures are `ProviderError`s with
 * the API key redacted; a caller abort rejects at once with an AbortError-named `AbortedError`.
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleOptions): Provider {
  const id = options.id ?? DEFAULTS.id;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
  const retryBaseMs = options.retryBaseMs ?? DEFAULTS.retryBaseMs;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs;
  const dispatcher = options.dispatcher;
  const doFetch = options.fetch ?? (dispatcher ? (undiciFetch as unknown as typeof fetch) : globalThis.fetch);
  const apiKey = options.apiKey || undefined;
  const url = chatCompletionsUrl(options.baseUrl, id);
  const shownUrl = displayUrl(url);

  const redact = (text: string): string =>
    apiKey && apiKey.length >= MIN_REDACTED_KEY_LENGTH ? text.split(apiKey).join("[REDACTED]") : text;
  const fail = (message: string, opts: { status?: number; retryable?: boolean; cause?: unknown } = {}) =>
    new ProviderError(redact(`${id}: ${message}`), { ...opts, cause: safeCause(opts.cause, apiKey, redact) });
  // Retry-After travels beside the error so ProviderError's shape stays as declared in errors.ts.
  const retryAfter = new WeakMap<object, number>();

  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;

  // Refusals are final (retrying cannot make the address acceptable); a caller abort wins.
  async function guard(signal: AbortSignal | undefined): Promise<void> {
    try {
      await options.urlGuard!(new URL(url));
    } catch (err) {
      if (signal?.aborted) throw abortError(signal);
      throw fail(`refused to call ${shownUrl}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  async function attempt(request: CompletionRequest, signal: AbortSignal | undefined): Promise<ParsedReply> {
    const controller = new AbortController();
    let timedOut = false;
    const onCallerAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onCallerAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs}ms`));
    }, timeoutMs);
    // Turns a rejected fetch/body read into an abort, a timeout or a network error, in that order.
    const transportError = (err: unknown) => {
      if (signal?.aborted) return abortError(signal);
      const refused = findAddressRefusal(err);
      if (refused) return fail(`refused to call ${shownUrl}: ${refused.message}`, { cause: refused });
      if (timedOut) return fail(`request to ${shownUrl} timed out after ${timeoutMs}ms`, { retryable: true });
      return fail(`network error calling ${shownUrl}: ${describeNetworkError(err)}`, { retryable: true, cause: err });
    };
    try {
      if (options.urlGuard) await guard(signal);
      let res: Response;
      let text: string;
      try {
        res = await doFetch(url, {
          method: "POST",
          headers,
          body: JSON.stringify(buildRequestBody(request)),
          signal: controller.signal,
          // A guarded URL must not be left through a redirect (e.g. to 169.254.169.254): the 3xx becomes an error.
          ...(options.urlGuard ? { redirect: "manual" as const } : {}),
          // Node's RequestInit types a dispatcher from its own bundled undici; ours is the same API.
          ...(dispatcher ? ({ dispatcher } as unknown as RequestInit) : {}),
        });
        text = await res.text(); // still under the timeout: a server that stalls mid-body is caught too
      } catch (err) {
        throw transportError(err);
      }
      if (!res.ok) {
        const retryable = res.status === 429 || res.status >= 500;
        const err = fail(`HTTP ${res.status} from ${shownUrl}: ${serverMessage(text, res.statusText)}`, {
          status: res.status,
          retryable,
        });
        const after = parseRetryAfter(res.headers);
        if (retryable && after !== undefined) retryAfter.set(err, after);
        throw err;
      }
      return parseReply(text, res.status);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  function parseReply(text: string, status: number): ParsedReply {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw fail(`invalid JSON in response from ${shownUrl} (HTTP ${status}): ${snippet(text)}`, { status });
    }
    const body = isRecord(json) ? json : {};
    const choice = Array.isArray(body.choices) && isRecord(body.choices[0]) ? body.choices[0] : undefined;
    const message = choice && isRecord(choice.message) ? choice.message : undefined;
    if (!message) {
      // Some gateways answer 200 with an error object instead of choices.
      const why = body.error !== undefined ? `error in response: ${serverMessage(text, "")}` : "missing choices[0].message";
      throw fail(`unexpected response from ${shownUrl} (HTTP ${status}): ${why}`, { status });
    }
    const toolCalls = parseToolCalls(message.tool_calls);
    const finish = mapFinishReason(choice!.finish_reason);
    return {
      text: contentText(message.content),
      // Some servers say "tool_calls" with none, or "stop" with some: the calls decide.
      finishReason: toolCalls.length ? "tool_calls" : finish === "tool_calls" ? "stop" : finish,
      usage: parseUsage(body.usage),
      model: typeof body.model === "string" && body.model ? body.model : undefined,
      ...(toolCalls.length ? { toolCalls } : {}),
    };
  }

  return {
    id,
    listModels: (callOptions: CallOptions = {}): Promise<ModelList> =>
      listOpenAICompatibleModels({
        id,
        baseUrl: options.baseUrl,
        apiKey,
        timeoutMs: options.modelsTimeoutMs,
        urlGuard: options.urlGuard,
        dispatcher,
        fetch: options.fetch,
        signal: callOptions.signal,
      }),
    async complete(request: CompletionRequest, callOptions: CallOptions = {}): Promise<CompletionResponse> {
      const { signal } = callOptions;
      const started = performance.now();
      let attempts = 0;
      let reply: ParsedReply;
      try {
        reply = await withRetry(
          () => {
            attempts++;
            return attempt(request, signal);
          },
          {
            retries: maxRetries,
            baseMs: retryBaseMs,
            maxMs: maxRetryDelayMs,
            signal,
            isRetryable: (err) => err instanceof ProviderError && err.retryable,
            delayFor: (err) => (typeof err === "object" && err ? retryAfter.get(err) : undefined),
            onRetry: options.onRetry,
          },
        );
      } catch (err) {
        if (err instanceof ProviderError && attempts > 1) {
          throw new ProviderError(`${err.message} (after ${attempts} attempts)`, {
            status: err.status,
            retryable: err.retryable,
            cause: err.cause,
          });
        }
        throw err;
      }
      const model = reply.model ?? request.model;
      const response: CompletionResponse = {
        text: reply.text,
        usage: reply.usage,
        latencyMs: Math.round(performance.now() - started),
        finishReason: reply.finishReason,
        model,
        ...(reply.toolCalls ? { toolCalls: reply.toolCalls } : {}),
      };
      const price = priceFor(options.prices, request.model) ?? priceFor(options.prices, model);
      if (price) response.costUsd = costOf(reply.usage, price);
      return response;
    },
  };
}

interface ParsedReply {
  text: string;
  finishReason: CompletionResponse["finishReason"];
  usage: TokenUsage;
  model?: string;
  toolCalls?: ToolCall[];
}

/** The JSON body sent for a request: OpenAI field names, unset parameters omitted. */
export function buildRequestBody(request: CompletionRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map(messageBody),
  };
  if (request.tools?.length) {
    body.tools = request.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters } }));
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.responseFormat === "json") body.response_format = { type: "json_object" };
  return body;
}

// OpenAI's message shapes: an assistant turn's tool calls, a tool result answering one by id.
function messageBody(m: ChatMessage): Record<string, unknown> {
  if (m.role === "tool") return { role: "tool", tool_call_id: m.toolCallId ?? "", content: m.content };
  if (m.role === "assistant" && m.toolCalls?.length) {
    return {
      role: "assistant",
      content: m.content || null,
      tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
    };
  }
  return { role: m.role, content: m.content };
}

/** The function calls of a reply message (`tool_calls`; the legacy single `function_call` is not read); malformed entries are skipped. */
export function parseToolCalls(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  const out: ToolCall[] = [];
  for (const [i, c] of raw.entries()) {
    if (!isRecord(c) || !isRecord(c.function) || typeof c.function.name !== "string" || !c.function.name) continue;
    const args = c.function.arguments;
    out.push({
      id: typeof c.id === "string" && c.id ? c.id : `call_${i + 1}`,
      name: c.function.name,
      // Some servers send the arguments as an object rather than JSON text.
      arguments: typeof args === "string" ? args : args === undefined ? "{}" : JSON.stringify(args),
    });
  }
  return out;
}

/** Maps an OpenAI `finish_reason` to ours: length-like → "length", content filter → "error", tool calls → "tool_calls", else "stop". */
export function mapFinishReason(reason: unknown): CompletionResponse["finishReason"] {
  if (reason === "length" || reason === "max_tokens") return "length";
  if (reason === "content_filter" || reason === "error") return "error";
  if (reason === "tool_calls" || reason === "function_call") return "tool_calls";
  return "stop"; // "stop", "eos", null (some local servers omit it)
}

/**
 * Milliseconds a server asks us to wait, from `retry-after-ms`, `retry-after` seconds or an HTTP date;
 * undefined when absent or unparseable.
 */
export function parseRetryAfter(headers: Headers, nowMs: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function chatCompletionsUrl(baseUrl: string, id: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new ProviderError(`${id}: invalid baseUrl ${JSON.stringify(baseUrl)} (expected e.g. http://localhost:11434/v1)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ProviderError(`${id}: baseUrl must be http(s), got ${parsed.protocol}`);
  }
  return `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
}

/** The URL without any user:password part, for messages. */
function displayUrl(url: string): string {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  return u.toString();
}

/** Keeps the original cause unless it mentions the key; then a redacted stand-in replaces it. */
function safeCause(cause: unknown, apiKey: string | undefined, redact: (s: string) => string): unknown {
  if (cause === undefined || !apiKey || apiKey.length < MIN_REDACTED_KEY_LENGTH) return cause;
  let dump: string;
  try {
    dump = cause instanceof Error ? `${cause.message}\n${cause.stack}\n${String(describeNetworkError(cause))}` : JSON.stringify(cause);
  } catch {
    dump = String(cause);
  }
  if (!dump.includes(apiKey)) return cause;
  const stand = new Error(redact(cause instanceof Error ? cause.message : String(cause)));
  stand.name = cause instanceof Error ? cause.name : "Error";
  stand.stack = `${stand.name}: ${stand.message}`;
  return stand;
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((p) => (isRecord(p) && typeof p.text === "string" ? p.text : "")).join("");
  }
  return ""; // null content (e.g. refusals or tool calls)
}

function parseUsage(usage: unknown): TokenUsage {
  const u = isRecord(usage) ? usage : {};
  const promptTokens = count(u.prompt_tokens);
  const completionTokens = count(u.completion_tokens);
  const totalTokens = count(u.total_tokens) || promptTokens + completionTokens;
  return { promptTokens, completionTokens, totalTokens };
}

/** Non-negative integer or 0 (the run-event schema requires ints). */
function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
}

function priceFor(prices: Record<string, ModelPrice> | undefined, model: string): ModelPrice | undefined {
  return prices && Object.hasOwn(prices, model) ? prices[model] : undefined;
}

function costOf(usage: TokenUsage, price: ModelPrice): number {
  return (usage.promptTokens * price.inputPer1k + usage.completionTokens * price.outputPer1k) / 1000;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
