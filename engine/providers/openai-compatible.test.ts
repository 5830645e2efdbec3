import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AbortedError, ProviderError } from "../errors.js";
import {
  buildRequestBody,
  createOpenAICompatibleProvider,
  mapFinishReason,
  parseRetryAfter,
  type OpenAICompatibleOptions,
} from "./openai-compatible.js";
import type { RetryInfo } from "./retry.js";
import { chatCompletionBody, errorBody, startTestServer, type TestServer } from "./test-server.js";
import type { CompletionRequest } from "./types.js";

const KEY = "sk-test-0123456789abcdef-SECRET";
const request: CompletionRequest = { model: "gpt-test", messages: [{ role: "user", content: "hi" }] };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.setFallback({});
});

/** A provider against the test server with fast retries unless overridden. */
const provider = (opts: Partial<OpenAICompatibleOptions> = {}) =>
  createOpenAICompatibleProvider({ baseUrl: server.baseUrl, retryBaseMs: 1, ...opts });

/** Resolves to the rejection of `p` (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

describe("request", () => {
  it("POSTs {baseUrl}/chat/completions with OpenAI field names and a bearer key", async () => {
    await provider({ apiKey: KEY }).complete({
      model: "gpt-test",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hi" },
      ],
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 64,
      seed: 7,
      responseFormat: "json",
    });
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/v1/chat/completions");
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.body).toEqual({
      model: "gpt-test",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hi" },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 64,
      seed: 7,
      response_format: { type: "json_object" },
    });
  });

  it("omits the key header without a key, unset params, and text response_format; tolerates a trailing slash", async () => {
    await createOpenAICompatibleProvider({ baseUrl: `${server.baseUrl}/` }).complete({ ...request, responseFormat: "text" });
    const [req] = server.requests;
    expect(req.url).toBe("/v1/chat/completions");
    expect(req.headers.authorization).toBeUndefined();
    expect(req.body).toEqual({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] });
  });

  it("buildRequestBody keeps temperature 0 and seed 0", () => {
    expect(buildRequestBody({ ...request, temperature: 0, seed: 0 })).toMatchObject({ temperature: 0, seed: 0 });
  });

  it("rejects a malformed baseUrl at construction", () => {
    expect(() => createOpenAICompatibleProvider({ baseUrl: "localhost:11434" })).toThrow(/baseUrl/);
    expect(() => createOpenAICompatibleProvider({ baseUrl: "not a url" })).toThrow(ProviderError);
  });
});

describe("response mapping", () => {
  it("maps text, usage, model, finish reason, measured latency and cost", async () => {
    server.enqueue({
      delayMs: 60,
      body: chatCompletionBody("hello there", {
        model: "gpt-test-2024",
        finishReason: "length",
        usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 },
      }),
    });
    const res = await provider({ prices: { "gpt-test": { inputPer1k: 0.01, outputPer1k: 0.03 } } }).complete(request);
    expect(res).toMatchObject({
      text: "hello there",
      model: "gpt-test-2024",
      finishReason: "length",
      usage: { promptTokens: 1200, completionTokens: 300, totalTokens: 1500 },
    });
    expect(res.costUsd).toBeCloseTo(0.012 + 0.009, 10);
    expect(res.latencyMs).toBeGreaterThanOrEqual(50);
    expect(res.latencyMs).toBeLessThan(2_000);
    expect(res.cached).toBeUndefined();
  });

  it("has no cost for unpriced models and zero usage when the server sends none", async () => {
    server.enqueue({ body: chatCompletionBody("x", { usage: null, finishReason: null }) });
    const res = await provider({ prices: { other: { inputPer1k: 1, outputPer1k: 1 } } }).complete(request);
    expect(res.costUsd).toBeUndefined();
    expect(res.usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    expect(res.finishReason).toBe("stop");
  });

  it("derives total tokens when missing", async () => {
    server.enqueue({ body: chatCompletionBody("x", { usage: { prompt_tokens: 3, completion_tokens: 4 } }) });
    expect((await provider().complete(request)).usage.totalTokens).toBe(7);
  });

  it("mapFinishReason", () => {
    expect(mapFinishReason("stop")).toBe("stop");
    expect(mapFinishReason("length")).toBe("length");
    expect(mapFinishReason("content_filter")).toBe("error");
    expect(mapFinishReason(null)).toBe("stop");
  });
});

describe("retries", () => {
  it("retries a 429 and honours Retry-After seconds", async () => {
    server.enqueue({ status: 429, headers: { "retry-after": "1" }, body: errorBody("slow down", "rate_limit") }, {});
    const retries: RetryInfo[] = [];
    const started = performance.now();
    const res = await provider({ onRetry: (i) => retries.push(i) }).complete(request);
    const gap = server.requests[1].receivedAt - server.requests[0].receivedAt;
    expect(res.text).toBe("ok");
    expect(server.requests).toHaveLength(2);
    expect(retries.map((r) => r.delayMs)).toEqual([1000]);
    expect(gap).toBeGreaterThanOrEqual(950); // retryBaseMs is 1, so only Retry-After explains the wait
    expect(res.latencyMs).toBeGreaterThanOrEqual(950); // latency covers the whole call, retries included
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("caps Retry-After at maxRetryDelayMs", async () => {
    server.enqueue({ status: 429, headers: { "retry-after": "120" } }, {});
    const retries: RetryInfo[] = [];
    await provider({ maxRetryDelayMs: 30, onRetry: (i) => retries.push(i) }).complete(request);
    expect(retries.map((r) => r.delayMs)).toEqual([30]);
  });

  it("retries 5xx up to maxRetries, then throws a ProviderError", async () => {
    server.setFallback({ status: 500, body: errorBody("boom", "server_error") });
    const err = await rejection(provider({ maxRetries: 2 }).complete(request));
    expect(server.requests).toHaveLength(3);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ status: 500, retryable: true, code: "PROVIDER_ERROR" });
    expect(err.message).toBe(
      `openai-compatible: HTTP 500 from ${server.baseUrl}/chat/completions: boom (after 3 attempts)`,
    );
  });

  it("does not retry other 4xx", async () => {
    server.setFallback({ status: 400, body: errorBody("bad temperature") });
    const err = await rejection(provider({ maxRetries: 3 }).complete(request));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ status: 400, retryable: false });
    expect(err.message).toBe(`openai-compatible: HTTP 400 from ${server.baseUrl}/chat/completions: bad temperature`);
  });

  it("retries a dropped connection", async () => {
    server.enqueue({ destroy: true }, { body: chatCompletionBody("second") });
    expect((await provider({ maxRetries: 1 }).complete(request)).text).toBe("second");
    expect(server.requests).toHaveLength(2);
  });

  it("reports connection refused as a retryable network error", async () => {
    const dead = await startTestServer();
    const baseUrl = dead.baseUrl;
    await dead.close();
    const err = await rejection(createOpenAICompatibleProvider({ baseUrl, maxRetries: 1, retryBaseMs: 1 }).complete(request));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true });
    expect(err.message).toMatch(/^openai-compatible: network error calling http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: .*ECONNREFUSED.*\(after 2 attempts\)$/);
  });
});

describe("timeouts and aborts", () => {
  it("times out a slow attempt and closes the connection", async () => {
    server.enqueue({ delayMs: 5_000 });
    const started = performance.now();
    const err = await rejection(provider({ timeoutMs: 100, maxRetries: 0 }).complete(request));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true });
    expect(err.message).toBe(`openai-compatible: request to ${server.baseUrl}/chat/completions timed out after 100ms`);
    expect(await server.requests[0].closed).toBe(true);
  });

  it("the timeout also covers a stalled body", async () => {
    server.enqueue({ bodyDelayMs: 5_000 });
    const err = await rejection(provider({ timeoutMs: 100, maxRetries: 0 }).complete(request));
    expect(err.message).toMatch(/timed out after 100ms/);
  });

  it("the timeout is per attempt, and a timed-out attempt is retried", async () => {
    server.enqueue({ delayMs: 5_000 }, { body: chatCompletionBody("fast") });
    expect((await provider({ timeoutMs: 150, maxRetries: 1 }).complete(request)).text).toBe("fast");
    expect(server.requests).toHaveLength(2);
  });

  it("a caller abort mid-request rejects at once and drops the connection", async () => {
    server.enqueue({ delayMs: 5_000 });
    const controller = new AbortController();
    const p = provider().complete(request, { signal: controller.signal });
    await server.waitForRequests(1);
    const started = performance.now();
    controller.abort();
    const err = await rejection(p);
    expect(performance.now() - started).toBeLessThan(200);
    expect(err).toBeInstanceOf(AbortedError);
    expect(err.name).toBe("AbortError");
    expect(await server.requests[0].closed).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it("a caller abort during a backoff sleep rejects at once without another request", async () => {
    server.setFallback({ status: 503 });
    const controller = new AbortController();
    const started = performance.now();
    const p = provider({
      retryBaseMs: 5_000,
      maxRetries: 3,
      onRetry: () => setTimeout(() => controller.abort(), 20),
    }).complete(request, { signal: controller.signal });
    const err = await rejection(p);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err.name).toBe("AbortError");
    expect(server.requests).toHaveLength(1);
  });

  it("an already aborted signal sends nothing", async () => {
    const err = await rejection(provider().complete(request, { signal: AbortSignal.abort() }));
    expect(err.name).toBe("AbortError");
    expect(server.requests).toHaveLength(0);
  });
});

describe("error messages", () => {
  it("formats HTTP errors and redacts the API key everywhere", async () => {
    server.setFallback({ status: 401, body: errorBody(`Incorrect API key provided: ${KEY}.`, "invalid_api_key") });
    const err = await rejection(provider({ apiKey: KEY }).complete(request));
    expect(err.message).toBe(
      `openai-compatible: HTTP 401 from ${server.baseUrl}/chat/completions: Incorrect API key provided: [REDACTED].`,
    );
    expect(server.requests).toHaveLength(1);
    const everything = [err.message, err.stack, String(err.cause), JSON.stringify(err), JSON.stringify(Object.entries(err))];
    for (const text of everything) expect(text ?? "").not.toContain(KEY);
  });

  it("redacts the key from a network error's cause", async () => {
    const leakyFetch: typeof fetch = async () => {
      throw new TypeError(`proxy rejected header Authorization: Bearer ${KEY}`);
    };
    const err = await rejection(provider({ apiKey: KEY, fetch: leakyFetch, maxRetries: 0 }).complete(request));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain("network error");
    for (const text of [err.message, err.stack, String(err.cause), (err.cause as Error).stack]) {
      expect(text ?? "").not.toContain(KEY);
    }
  });

  it("uses the provider id as prefix and understands Ollama-style errors", async () => {
    server.setFallback({ status: 404, body: { error: 'model "llama9" not found, try pulling it first' } });
    const err = await rejection(provider({ id: "ollama" }).complete(request));
    expect(err.message).toBe(
      `ollama: HTTP 404 from ${server.baseUrl}/chat/completions: model "llama9" not found, try pulling it first`,
    );
  });

  it("falls back to the raw body for non-JSON errors", async () => {
    server.setFallback({ status: 502, rawBody: "<html><body>Bad Gateway</body></html>" });
    const err = await rejection(provider({ maxRetries: 0 }).complete(request));
    expect(err.message).toBe(`openai-compatible: HTTP 502 from ${server.baseUrl}/chat/completions: <html><body>Bad Gateway</body></html>`);
  });

  it("malformed JSON in a 200 is a clear, non-retried error", async () => {
    server.setFallback({ rawBody: '{"choices": [ {"message": ' });
    const err = await rejection(provider({ maxRetries: 3 }).complete(request));
    expect(server.requests).toHaveLength(1);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toBe(
      `openai-compatible: invalid JSON in response from ${server.baseUrl}/chat/completions (HTTP 200): {"choices": [ {"message":`,
    );
  });

  it("a 200 without choices is a clear error", async () => {
    server.enqueue({ body: { object: "chat.completion" } }, { body: errorBody("upstream overloaded") });
    const p = provider();
    await expect(p.complete(request)).rejects.toThrow(/unexpected response .*missing choices\[0\]\.message/);
    await expect(p.complete(request)).rejects.toThrow(/error in response: upstream overloaded/);
  });
});

describe("parseRetryAfter", () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it("reads seconds, milliseconds and HTTP dates", () => {
    expect(parseRetryAfter(h({ "retry-after": "2" }))).toBe(2000);
    expect(parseRetryAfter(h({ "retry-after": "0.5" }))).toBe(500);
    expect(parseRetryAfter(h({ "retry-after-ms": "250", "retry-after": "2" }))).toBe(250);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter(h({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }), now)).toBe(3000);
    expect(parseRetryAfter(h({ "retry-after": "soon" }))).toBeUndefined();
    expect(parseRetryAfter(h({}))).toBeUndefined();
  });
});
