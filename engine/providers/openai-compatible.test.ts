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
import { chatCompletionBody, errorBody, startTestServer, toolCallsBody, toolScript, type TestServer } from "./test-server.js";
import { createRun } from "../executor/run.js";
import type { RunEvent } from "../schema/events.js";
import type { GraphInput } from "../schema/graph.js";
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
    expect(mapFinishReason("tool_calls")).toBe("tool_calls");
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

describe("tool calling (OpenAI format)", () => {
  const tools = [{ name: "calc", description: "Evaluates arithmetic.", parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] } }];

  it("sends tools as functions, reads tool_calls, and sends assistant tool calls and tool results back with their ids", async () => {
    server.enqueue({ body: toolCallsBody([{ id: "call_a", name: "calc", arguments: { expression: "2+3" } }]) });
    const first = await provider().complete({ ...request, tools });
    expect(server.requests[0].body.tools).toEqual([{ type: "function", function: tools[0] }]);
    expect(first).toMatchObject({ finishReason: "tool_calls", toolCalls: [{ id: "call_a", name: "calc", arguments: '{"expression":"2+3"}' }], text: "" });
    await provider().complete({
      ...request,
      tools,
      messages: [...request.messages, { role: "assistant", content: "", toolCalls: first.toolCalls }, { role: "tool", toolCallId: "call_a", content: "5" }],
    });
    expect(server.requests[1].body.messages.slice(1)).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "call_a", type: "function", function: { name: "calc", arguments: '{"expression":"2+3"}' } }] },
      { role: "tool", tool_call_id: "call_a", content: "5" },
    ]);
    // Without tools nothing tool-related is sent.
    expect(buildRequestBody(request).tools).toBeUndefined();
  });

  it("tolerates servers that send object arguments, omit ids, or mislabel the finish reason", async () => {
    server.enqueue({
      body: { choices: [{ message: { role: "assistant", content: null, tool_calls: [{ type: "function", function: { name: "calc", arguments: { expression: "1" } } }, { bogus: true }] }, finish_reason: "stop" }] },
    });
    const r = await provider().complete({ ...request, tools });
    expect(r.finishReason).toBe("tool_calls");
    expect(r.toolCalls).toEqual([{ id: "call_1", name: "calc", arguments: '{"expression":"1"}' }]);
    server.enqueue({ body: chatCompletionBody("plain", { finishReason: "tool_calls" }) });
    const plain = await provider().complete({ ...request, tools });
    expect(plain).toMatchObject({ finishReason: "stop", text: "plain" });
    expect(plain.toolCalls).toBeUndefined();
  });

  it("an AI node runs the loop against the server: node.tool_call / node.tool_result events, summed usage, the final answer", async () => {
    server.setFallback(toolScript([{ id: "c1", name: "calc", arguments: { expression: "(12 + 5) * 3" } }], (results) => `The answer is ${results[0]}.`));
    const p = provider({ id: "oa" });
    const graph = {
      version: 1, id: "g", name: "g",
      nodes: [
        { id: "in", kind: "input", config: { fields: [{ name: "q" }] } },
        {
          id: "a", kind: "ai",
          config: {
            provider: "oa", model: "gpt-test", prompt: "{{ inputs.q }}", toolInstructions: "Use calc.",
            tools: [{ kind: "expression", name: "calc", description: "Evaluates arithmetic.", expression: "expression|calc", parameters: tools[0].parameters }],
          },
        },
      ],
      edges: [{ id: "e", source: "in", target: "a", kind: "pipeline" }],
    };
    const events: RunEvent[] = [];
    const handle = await createRun({ graph: graph as unknown as GraphInput, inputs: { q: "What is (12 + 5) * 3?" }, providers: { get: (id) => (id === "oa" ? p : undefined), ids: () => ["oa"] } });
    handle.subscribe((e) => events.push(e));
    const result = await handle.result;
    expect(result.status).toBe("succeeded");
    const out = result.nodes.a.output as { text: string; usage: { totalTokens: number }; toolCalls: unknown[]; modelCalls: number };
    expect(out.text).toBe("The answer is 51.");
    expect(out.modelCalls).toBe(2);
    expect(out.usage.totalTokens).toBe(30);
    expect(server.requests[0].body.messages[0]).toEqual({ role: "system", content: "Use calc." });
    const toolEvents = events.filter((e) => e.type === "node.tool_call" || e.type === "node.tool_result");
    expect(toolEvents).toEqual([
      expect.objectContaining({ type: "node.tool_call", nodeId: "a", callId: "c1", tool: "calc", arguments: { expression: "(12 + 5) * 3" } }),
      expect.objectContaining({ type: "node.tool_result", nodeId: "a", callId: "c1", tool: "calc", result: 51, durationMs: expect.any(Number) }),
    ]);
    // Tool events sit between the node's start and its success, in sequence order.
    const order = events.filter((e) => "nodeId" in e && e.nodeId === "a").map((e) => e.type);
    expect(order).toEqual(["node.started", "node.tool_call", "node.tool_result", "node.succeeded"]);
    expect(result.usage.totalTokens).toBe(30);
  });
});
