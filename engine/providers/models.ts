/**
 * Lists the models of an OpenAI-compatible endpoint (`GET {baseUrl}/models`) for the provider
 * screen's "Test connection" and the inspector's model picker: a short timeout, a bounded
 * response, the same SSRF guard and pinned dispatcher as chat calls, and one failure kind per
 * cause (blocked address, unreachable, key refused, not OpenAI-compatible…) with the key redacted.
 */
import { fetch as undiciFetch, type Dispatcher } from "undici";
import { ProviderError } from "../errors.js";
import { findAddressRefusal } from "./pinned-dispatcher.js";
import { describeNetworkError, serverMessage, snippet } from "./reply-text.js";
import { abortError } from "./retry.js";
import { ProviderUrlError } from "./url-guard.js";
import type { ModelList } from "./types.js";

/** Why a model listing failed. */
export type ModelListFailure =
  | "invalid_url"
  | "blocked"
  | "unreachable"
  | "timeout"
  | "unauthorized"
  | "not_compatible"
  | "too_large"
  | "http_error";

/** A failed model listing; `kind` says why, the message says it for a person (never with the key). */
export class ModelListError extends ProviderError {
  override name = "ModelListError";
  constructor(
    readonly kind: ModelListFailure,
    message: string,
    opts: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { ...opts, retryable: kind === "unreachable" || kind === "timeout" });
  }
}

export const MODEL_LIST_DEFAULTS = {
  /** Whole request, body included. */
  timeoutMs: 8_000,
  /** Largest answer read (OpenRouter's full catalogue is well under this). */
  maxBytes: 4 * 1024 * 1024,
  /** Most model ids kept. */
  maxModels: 2_000,
} as const;

/** Longest model id kept (the graph format caps `model` at 200 characters). */
const MAX_MODEL_ID = 200;
/** Keys this short cannot be secrets and redacting them would garble messages (as for chat calls). */
const MIN_REDACTED_KEY_LENGTH = 4;

export interface ModelListOptions {
  /** Provider id, for messages. */
  id?: string;
  /** API root, e.g. `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
  maxBytes?: number;
  maxModels?: number;
  /** Awaited before the request; a rejection is a "blocked" failure (the SSRF check). */
  urlGuard?: (url: URL) => Promise<void>;
  /** The undici dispatcher (a pinned one refuses private addresses at connect time). */
  dispatcher?: Dispatcher;
  /** Injectable fetch (tests). Default: undici's with a dispatcher, else the global one. */
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/**
 * GETs `{baseUrl}/models` and returns the model ids (sorted, deduplicated, at most `maxModels`).
 * Accepts OpenAI's `{ data: [{ id }] }`, a bare array of such objects or strings, and Ollama's
 * `{ models: [{ name }] }`. Fails with a ModelListError; a caller abort rejects with an AbortError.
 */
export async function listOpenAICompatibleModels(opts: ModelListOptions): Promise<ModelList> {
  const label = opts.id ? `${opts.id}: ` : "";
  const apiKey = opts.apiKey || undefined;
  const redact = (text: string) => (apiKey && apiKey.length >= MIN_REDACTED_KEY_LENGTH ? text.split(apiKey).join("[REDACTED]") : text);
  const fail = (kind: ModelListFailure, message: string, extra: { status?: number; cause?: unknown } = {}) =>
    new ModelListError(kind, redact(`${label}${message}`), { status: extra.status });

  const url = modelsUrl(opts.baseUrl);
  if (!url) throw fail("invalid_url", `the base URL ${JSON.stringify(snippet(opts.baseUrl, 200))} is not an http(s) URL (expected e.g. http://localhost:11434/v1)`);
  const shown = displayUrl(url);
  const timeoutMs = opts.timeoutMs ?? MODEL_LIST_DEFAULTS.timeoutMs;
  const maxBytes = opts.maxBytes ?? MODEL_LIST_DEFAULTS.maxBytes;
  const { signal } = opts;
  if (signal?.aborted) throw abortError(signal);

  if (opts.urlGuard) {
    try {
      await opts.urlGuard(url);
    } catch (err) {
      if (signal?.aborted) throw abortError(signal);
      const reason = err instanceof ProviderUrlError ? err.reason : "refused";
      const kind: ModelListFailure = reason === "unresolvable" ? "unreachable" : reason === "malformed" ? "invalid_url" : "blocked";
      throw fail(kind, `${kind === "blocked" ? "refused to call" : "cannot call"} ${shown}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs}ms`));
  }, timeoutMs);
  const started = performance.now();
  const transportError = (err: unknown) => {
    if (signal?.aborted) return abortError(signal);
    const refused = findAddressRefusal(err);
    if (refused) return fail("blocked", `refused to call ${shown}: ${refused.message}`);
    if (timedOut) return fail("timeout", `${shown} did not answer within ${formatSeconds(timeoutMs)}`);
    if (err instanceof ModelListError) return err;
    return fail("unreachable", `cannot reach ${shown}: ${describeNetworkError(err)}`);
  };

  const headers: Record<string, string> = { accept: "application/json" };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const doFetch = opts.fetch ?? (opts.dispatcher ? (undiciFetch as unknown as typeof fetch) : globalThis.fetch);
  let status: number;
  let text: string;
  let statusText: string;
  let location: string | null;
  try {
    const res = await doFetch(url, {
      method: "GET",
      headers,
      signal: controller.signal,
      // A guarded URL must not be left through a redirect: the 3xx is reported instead.
      ...(opts.urlGuard ? { redirect: "manual" as const } : {}),
      ...(opts.dispatcher ? ({ dispatcher: opts.dispatcher } as unknown as RequestInit) : {}),
    });
    status = res.status;
    statusText = res.statusText;
    location = res.headers.get("location");
    text = await readBounded(res, maxBytes, () => fail("too_large", `the answer of ${shown} is larger than ${formatBytes(maxBytes)}; is this an OpenAI-compatible API root?`, { status: res.status }));
  } catch (err) {
    throw transportError(err);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
  const latencyMs = Math.round(performance.now() - started);

  if (status === 401 || status === 403) {
    const why = serverMessage(text, statusText);
    const what = apiKey ? "refused the API key" : "needs an API key";
    throw fail("unauthorized", `${shown} ${what} (HTTP ${status}): ${snippet(why)}`, { status });
  }
  if (status >= 300 && status < 400) {
    throw fail("not_compatible", `${shown} redirects (HTTP ${status}${location ? ` to ${snippet(location, 200)}` : ""}); redirects are not followed — use the final URL as the base URL`, { status });
  }
  if (status === 404 || status === 405) {
    throw fail("not_compatible", `${shown} has no model list (HTTP ${status}); is the base URL the API root, e.g. http://host:port/v1?`, { status });
  }
  if (status < 200 || status >= 300) {
    throw fail("http_error", `HTTP ${status} from ${shown}: ${snippet(serverMessage(text, statusText))}`, { status });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail("not_compatible", `${shown} did not answer with JSON (is this an OpenAI-compatible API?): ${snippet(text, 120) || "(empty body)"}`, { status });
  }
  const ids = modelIds(json);
  if (!ids) throw fail("not_compatible", `${shown} answered JSON without a model list (expected {"data": [{"id": …}]}): ${snippet(text, 120)}`, { status });
  const maxModels = opts.maxModels ?? MODEL_LIST_DEFAULTS.maxModels;
  const unique = [...new Set(ids)].sort((a, b) => a.localeCompare(b));
  return { models: unique.slice(0, maxModels), latencyMs, ...(unique.length > maxModels ? { truncated: true } : {}) };
}

/** `{baseUrl}/models`, or undefined for a base URL that is not http(s). */
function modelsUrl(baseUrl: string): URL | undefined {
  try {
    const url = new URL(`${baseUrl.trim().replace(/\/+$/, "")}/models`);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The URL for messages: no user:password, no query (it may carry a token). */
function displayUrl(url: URL): string {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  u.search = "";
  return u.toString();
}

/** The model ids in a listing, or undefined when the shape is not one we know. */
function modelIds(json: unknown): string[] | undefined {
  const list = Array.isArray(json) ? json : isRecord(json) ? (Array.isArray(json.data) ? json.data : Array.isArray(json.models) ? json.models : undefined) : undefined;
  if (!list) return undefined;
  const ids: string[] = [];
  for (const item of list) {
    const id = typeof item === "string" ? item : isRecord(item) ? (typeof item.id === "string" ? item.id : typeof item.name === "string" ? item.name : undefined) : undefined;
    // Ids the graph format could not hold (empty, too long, multi-line) are left out.
    if (id && id.length <= MAX_MODEL_ID && !/[\r\n]/.test(id) && id.trim() === id) ids.push(id);
  }
  return ids;
}

/** Reads the body as text, failing with `tooLarge()` past `maxBytes` (declared or actual) without reading the rest. */
async function readBounded(res: Response, maxBytes: number, tooLarge: () => Error): Promise<string> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(concat(chunks, size));
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MB` : `${Math.round(n / 1024)} KB`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
