// Listing a provider's models over real HTTP on 127.0.0.1: the answer shapes we accept, each
// failure kind, the size and time bounds, the SSRF guard and pin, and the key never in a message.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listOpenAICompatibleModels, ModelListError, type ModelListFailure } from "./models.js";
import { createOpenAICompatibleProvider } from "./openai-compatible.js";
import { guardedTransport } from "./pinned-dispatcher.js";
import { createSimProvider } from "./sim/index.js";
import { errorBody, startTestServer, type TestServer } from "./test-server.js";

const KEY = "sk-models-test-0123456789abcdef";
let server: TestServer;
const closeAfter: Array<{ close(): Promise<unknown> }> = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(async () => {
  server.reset();
  server.setFallback({});
  await Promise.all(closeAfter.splice(0).map((d) => d.close()));
});

async function failure(p: Promise<unknown>, kind: ModelListFailure): Promise<ModelListError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelListError);
  expect((err as ModelListError).kind, (err as Error).message).toBe(kind);
  expect((err as Error).message).not.toContain(KEY);
  return err as ModelListError;
}

describe("listOpenAICompatibleModels", () => {
  it("GETs {baseUrl}/models with the key and returns the ids sorted and deduplicated", async () => {
    server.setFallback({ body: { object: "list", data: [{ id: "zeta" }, { id: "alpha" }, { id: "alpha" }, { id: "" }, { id: "x".repeat(201) }, { nope: 1 }] } });
    const list = await listOpenAICompatibleModels({ baseUrl: `${server.baseUrl}/`, apiKey: KEY });
    expect(list.models).toEqual(["alpha", "zeta"]);
    expect(list.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.requests[0]).toMatchObject({ method: "GET", url: "/v1/models" });
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("accepts a bare array and Ollama's {models: [{name}]}; caps the count", async () => {
    server.enqueue({ body: ["b", { id: "a" }] }, { body: { models: [{ name: "llama3:8b" }] } }, { body: { data: Array.from({ length: 30 }, (_, i) => ({ id: `m${String(i).padStart(2, "0")}` })) } });
    expect((await listOpenAICompatibleModels({ baseUrl: server.baseUrl })).models).toEqual(["a", "b"]);
    expect((await listOpenAICompatibleModels({ baseUrl: server.baseUrl })).models).toEqual(["llama3:8b"]);
    const capped = await listOpenAICompatibleModels({ baseUrl: server.baseUrl, maxModels: 10 });
    expect(capped.models).toHaveLength(10);
    expect(capped.truncated).toBe(true);
    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  it("401/403: the key refused (or missing), with the server's reason and without the key", async () => {
    server.enqueue({ status: 401, body: errorBody(`Incorrect API key provided: ${KEY}`) }, { status: 403, body: errorBody("forbidden") }, { status: 401, rawBody: "" });
    const refused = await failure(listOpenAICompatibleModels({ baseUrl: server.baseUrl, apiKey: KEY }), "unauthorized");
    expect(refused.message).toMatch(/refused the API key \(HTTP 401\): Incorrect API key provided: \[REDACTED\]/);
    expect(refused.status).toBe(401);
    expect((await failure(listOpenAICompatibleModels({ baseUrl: server.baseUrl, apiKey: KEY }), "unauthorized")).message).toMatch(/HTTP 403/);
    expect((await failure(listOpenAICompatibleModels({ baseUrl: server.baseUrl }), "unauthorized")).message).toMatch(/needs an API key/);
  });

  it("not OpenAI-compatible: 404, HTML, JSON without a list, a redirect", async () => {
    server.enqueue(
      { status: 404, rawBody: "Not Found" },
      { rawBody: "<html><body>Welcome to nginx</body></html>" },
      { body: { hello: "world" } },
      { status: 302, headers: { location: "http://169.254.169.254/latest" }, rawBody: "" },
    );
    expect((await failure(listOpenAICompatibleModels({ baseUrl: server.url }), "not_compatible")).message).toMatch(/no model list \(HTTP 404\).*API root/);
    expect((await failure(listOpenAICompatibleModels({ baseUrl: server.url }), "not_compatible")).message).toMatch(/did not answer with JSON.*nginx/);
    expect((await failure(listOpenAICompatibleModels({ baseUrl: server.url }), "not_compatible")).message).toMatch(/without a model list/);
    const transport = guardedTransport({ allowPrivateNetwork: true });
    closeAfter.push(transport.dispatcher);
    expect((await failure(listOpenAICompatibleModels({ baseUrl: server.url, ...transport }), "not_compatible")).message).toMatch(/redirects \(HTTP 302 to http:\/\/169\.254\.169\.254/);
  });

  it("other HTTP errors keep their status and message", async () => {
    server.enqueue({ status: 500, body: errorBody("model server overloaded") });
    const err = await failure(listOpenAICompatibleModels({ baseUrl: server.baseUrl }), "http_error");
    expect(err.message).toMatch(/HTTP 500 .*overloaded/);
    expect(err.retryable).toBe(false);
  });

  it("bounds the answer: a declared or streamed body over maxBytes is refused without reading it all", async () => {
    server.enqueue({ body: { data: [{ id: "x".repeat(5000) }] } });
    expect((await failure(listOpenAICompatibleModels({ baseUrl: server.baseUrl, maxBytes: 1000 }), "too_large")).message).toMatch(/larger than 1 KB/);
    // Chunked, no content-length: counted while reading.
    const big = await chunkedServer(200_000);
    try {
      await failure(listOpenAICompatibleModels({ baseUrl: big.url, maxBytes: 50_000 }), "too_large");
    } finally {
      await big.close();
    }
  });

  it("times out a server that does not answer, and a body that stalls", async () => {
    server.enqueue({ delayMs: Infinity }, { bodyDelayMs: 5_000 });
    const started = performance.now();
    expect((await failure(listOpenAICompatibleModels({ baseUrl: server.baseUrl, timeoutMs: 150 }), "timeout")).message).toMatch(/did not answer within 150 ms/);
    await failure(listOpenAICompatibleModels({ baseUrl: server.baseUrl, timeoutMs: 150 }), "timeout");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("unreachable: nothing listening; invalid_url: not http(s)", async () => {
    const port = await freePort();
    expect((await failure(listOpenAICompatibleModels({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY }), "unreachable")).message).toMatch(/cannot reach .*ECONNREFUSED/);
    await failure(listOpenAICompatibleModels({ baseUrl: "ftp://example.com/v1" }), "invalid_url");
    await failure(listOpenAICompatibleModels({ baseUrl: "not a url" }), "invalid_url");
  });

  it("blocked: a private address without allowPrivateNetwork is refused before any request; an unknown host is unreachable", async () => {
    const transport = guardedTransport({ allowPrivateNetwork: false });
    closeAfter.push(transport.dispatcher);
    expect((await failure(listOpenAICompatibleModels({ baseUrl: server.baseUrl, ...transport }), "blocked")).message).toMatch(/loopback address.*allowPrivateNetwork/);
    expect(server.requests).toHaveLength(0);
    // The pin alone (no URL check) refuses at connect time, also as "blocked".
    await failure(listOpenAICompatibleModels({ baseUrl: server.baseUrl, dispatcher: transport.dispatcher }), "blocked");
    expect(server.requests).toHaveLength(0);
    const nowhere = guardedTransport({ allowPrivateNetwork: false, lookup: async () => Promise.reject(new Error("getaddrinfo ENOTFOUND")) });
    closeAfter.push(nowhere.dispatcher);
    await failure(listOpenAICompatibleModels({ baseUrl: "http://no-such-host.invalid/v1", ...nowhere }), "unreachable");
  });

  it("a caller abort rejects at once with an AbortError", async () => {
    server.enqueue({ delayMs: Infinity });
    const controller = new AbortController();
    const p = listOpenAICompatibleModels({ baseUrl: server.baseUrl, signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort();
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("Provider.listModels", () => {
  it("the openai-compatible provider lists through its own key, guard and dispatcher", async () => {
    server.setFallback({ body: { data: [{ id: "local-model" }] } });
    const transport = guardedTransport({ allowPrivateNetwork: true });
    closeAfter.push(transport.dispatcher);
    const provider = createOpenAICompatibleProvider({ id: "local", baseUrl: server.baseUrl, apiKey: KEY, ...transport });
    expect((await provider.listModels!()).models).toEqual(["local-model"]);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    const strict = guardedTransport({ allowPrivateNetwork: false });
    closeAfter.push(strict.dispatcher);
    const refusing = createOpenAICompatibleProvider({ id: "local", baseUrl: server.baseUrl, ...strict });
    expect((await failure(refusing.listModels!(), "blocked")).message).toMatch(/^local: refused to call/);
  });

  it("the simulator lists its three models, cheapest first", async () => {
    expect((await createSimProvider({ latencyScale: 0 }).listModels!()).models).toEqual(["sim-small", "sim-medium", "sim-large"]);
  });
});

/** A server answering 200 with a chunked body of `bytes` bytes (no content-length). */
async function chunkedServer(bytes: number): Promise<{ url: string; close(): Promise<void> }> {
  const srv: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = "x".repeat(10_000);
    for (let sent = 0; sent < bytes; sent += chunk.length) res.write(chunk);
    res.end();
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: async () => {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

/** A port nothing listens on (bound then released). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
