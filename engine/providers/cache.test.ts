import { describe, expect, it } from "vitest";
import { ProviderError } from "../errors.js";
import { canonicalJson } from "../graph/checksum.js";
import { cacheKey, createMemoryCacheStore, withResponseCache } from "./cache.js";
import { createOpenAICompatibleProvider } from "./openai-compatible.js";
import { sleep } from "./retry.js";
import { chatCompletionBody, startTestServer, type TestServer } from "./test-server.js";
import type { CallOptions, CompletionRequest, CompletionResponse, Provider, ResponseCacheStore } from "./types.js";

const request: CompletionRequest = {
  model: "m",
  messages: [
    { role: "system", content: "sys" },
    { role: "user", content: "hi" },
  ],
  temperature: 0,
  seed: 1,
};

/** A scripted in-process provider that counts calls and remembers the signals it got. */
function fakeProvider(reply: (req: CompletionRequest, n: number, signal?: AbortSignal) => Promise<CompletionResponse>) {
  const signals: Array<AbortSignal | undefined> = [];
  let calls = 0;
  const provider: Provider = {
    id: "fake",
    complete: (req: CompletionRequest, opts?: CallOptions) => {
      signals.push(opts?.signal);
      return reply(req, ++calls, opts?.signal);
    },
  };
  return { provider, signals, calls: () => calls };
}

const response = (text: string, extra: Partial<CompletionResponse> = {}): CompletionResponse => ({
  text,
  usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
  latencyMs: 500,
  finishReason: "stop",
  model: "m",
  costUsd: 0.001,
  ...extra,
});

describe("cacheKey", () => {
  it("is a stable SHA-256 hex digest (pinned: changing it invalidates every stored entry)", () => {
    const key = cacheKey("fake", request);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    // = sha256('{"provider":"fake","request":{"messages":[{"content":"sys","role":"system"},{"content":"hi","role":"user"}],"model":"m","seed":1,"temperature":0},"v":1}')
    expect(key).toBe("8017812188ffd3a9790a824ebad9d8e885603c363403e5ac9ceeb8613bffdaf0");
  });

  it("ignores key order and undefined members; treats responseFormat text as the default", () => {
    const reordered = {
      seed: 1,
      temperature: 0,
      messages: [
        { content: "sys", role: "system" },
        { content: "hi", role: "user" },
      ],
      model: "m",
      topP: undefined,
    } as CompletionRequest;
    expect(cacheKey("fake", reordered)).toBe(cacheKey("fake", request));
    expect(cacheKey("fake", { ...request, responseFormat: "text" })).toBe(cacheKey("fake", request));
  });

  it("changes with the provider, model, messages and every sampling parameter", () => {
    const base = cacheKey("fake", request);
    const variants: Array<[string, CompletionRequest]> = [
      ["other", request],
      ["fake", { ...request, model: "m2" }],
      ["fake", { ...request, messages: [...request.messages, { role: "user", content: "more" }] }],
      ["fake", { ...request, messages: [{ role: "user", content: "sys" }, request.messages[1]] }],
      ["fake", { ...request, temperature: 0.1 }],
      ["fake", { ...request, topP: 0.5 }],
      ["fake", { ...request, maxTokens: 10 }],
      ["fake", { ...request, seed: 2 }],
      ["fake", { ...request, responseFormat: "json" }],
    ];
    const keys = variants.map(([p, r]) => cacheKey(p, r));
    expect(keys).not.toContain(base);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("canonicalJson sorts nested keys", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe("withResponseCache", () => {
  it("stores a miss and serves the next identical call as a hit", async () => {
    const fake = fakeProvider(async () => response("fresh"));
    const store = createMemoryCacheStore();
    const cached = withResponseCache(fake.provider, store);
    expect(cached.id).toBe("fake");

    const first = await cached.complete(request);
    expect(first).toEqual(response("fresh"));
    expect(store.size).toBe(1);

    const second = await cached.complete({ ...request });
    expect(fake.calls()).toBe(1);
    expect(second).toMatchObject({ text: "fresh", cached: true, usage: first.usage, costUsd: 0.001 });
    expect(second.latencyMs).toBeLessThan(100); // the lookup, not the original 500 ms

    await cached.complete({ ...request, seed: 2 });
    expect(fake.calls()).toBe(2);
  });

  it("stores length-truncated replies but not error replies or failures", async () => {
    const outcomes = [response("cut", { finishReason: "length" }), response("filtered", { finishReason: "error" })];
    const fake = fakeProvider(async (req) => {
      if (req.model === "boom") throw new ProviderError("boom");
      return outcomes.shift()!;
    });
    const store = createMemoryCacheStore();
    const cached = withResponseCache(fake.provider, store);
    await cached.complete({ ...request, model: "a" });
    await cached.complete({ ...request, model: "b" });
    await expect(cached.complete({ ...request, model: "boom" })).rejects.toThrow("boom");
    expect(store.size).toBe(1);
    expect(await store.get(cacheKey("fake", { ...request, model: "a" }))).toMatchObject({ text: "cut" });
    await expect(cached.complete({ ...request, model: "boom" })).rejects.toThrow("boom");
    expect(fake.calls()).toBe(4); // failures are not remembered either
  });

  it("does not store the cached flag", async () => {
    const fake = fakeProvider(async () => response("x"));
    const store = createMemoryCacheStore();
    const cached = withResponseCache(fake.provider, store);
    await cached.complete(request);
    expect(await store.get(cacheKey("fake", request))).not.toHaveProperty("cached");
  });

  it("shares one in-flight call between concurrent identical misses (real HTTP)", async () => {
    const server: TestServer = await startTestServer({ fallback: { delayMs: 80, body: chatCompletionBody("shared") } });
    try {
      const http = createOpenAICompatibleProvider({ baseUrl: server.baseUrl });
      const cached = withResponseCache(http, createMemoryCacheStore());
      const results = await Promise.all([cached.complete(request), cached.complete(request), cached.complete(request)]);
      expect(server.requests).toHaveLength(1);
      expect(results.map((r) => r.text)).toEqual(["shared", "shared", "shared"]);
      expect(results.map((r) => r.cached ?? false)).toEqual([false, true, true]);
      await cached.complete(request);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("one caller aborting does not cancel the shared call for the others", async () => {
    const fake = fakeProvider(async (_r, _n, signal) => {
      await sleep(50, signal);
      return response("done");
    });
    const cached = withResponseCache(fake.provider, createMemoryCacheStore());
    const a = new AbortController();
    const pa = cached.complete(request, { signal: a.signal });
    const pb = cached.complete(request);
    a.abort();
    await expect(pa).rejects.toMatchObject({ name: "AbortError" });
    await expect(pb).resolves.toMatchObject({ text: "done", cached: true });
    expect(fake.calls()).toBe(1);
    expect(fake.signals[0]?.aborted).toBe(false);
  });

  it("the shared call is aborted once every caller has aborted, and a newcomer starts afresh", async () => {
    const fake = fakeProvider(async (_r, n, signal) => {
      await sleep(n === 1 ? 5_000 : 1, signal);
      return response(`call ${n}`);
    });
    const cached = withResponseCache(fake.provider, createMemoryCacheStore());
    const a = new AbortController();
    const b = new AbortController();
    const pa = cached.complete(request, { signal: a.signal });
    const pb = cached.complete(request, { signal: b.signal });
    await sleep(5);
    a.abort();
    b.abort();
    await expect(pa).rejects.toMatchObject({ name: "AbortError" });
    await expect(pb).rejects.toMatchObject({ name: "AbortError" });
    expect(fake.signals[0]?.aborted).toBe(true);
    await expect(cached.complete(request)).resolves.toMatchObject({ text: "call 2" });
  });

  it("store failures degrade to a plain provider call", async () => {
    const errors: string[] = [];
    const broken: ResponseCacheStore = {
      get: async () => Promise.reject(new Error("db locked")),
      set: async () => Promise.reject(new Error("disk full")),
    };
    const fake = fakeProvider(async () => response("ok"));
    const cached = withResponseCache(fake.provider, broken, { onStoreError: (e, op) => errors.push(`${op}: ${(e as Error).message}`) });
    await expect(cached.complete(request)).resolves.toMatchObject({ text: "ok" });
    expect(errors).toEqual(["get: db locked", "set: disk full"]);
  });

  it("shouldCache=false bypasses the cache", async () => {
    const fake = fakeProvider(async () => response("ok"));
    const store = createMemoryCacheStore();
    const cached = withResponseCache(fake.provider, store, { shouldCache: (r) => r.temperature === 0 });
    await cached.complete({ ...request, temperature: 1 });
    await cached.complete({ ...request, temperature: 1 });
    expect(fake.calls()).toBe(2);
    expect(store.size).toBe(0);
  });

  it("rejects at once for an already aborted signal", async () => {
    const fake = fakeProvider(async () => response("ok"));
    const cached = withResponseCache(fake.provider, createMemoryCacheStore());
    await expect(cached.complete(request, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    expect(fake.calls()).toBe(0);
  });
});

describe("createMemoryCacheStore", () => {
  it("copies entries in and out", async () => {
    const store = createMemoryCacheStore();
    const r = response("x");
    await store.set("k", "p", "m", r);
    r.text = "mutated";
    const got = await store.get("k");
    expect(got?.text).toBe("x");
    got!.text = "also mutated";
    expect((await store.get("k"))?.text).toBe("x");
    expect(await store.get("missing")).toBeUndefined();
    store.clear();
    expect(store.size).toBe(0);
  });
});
