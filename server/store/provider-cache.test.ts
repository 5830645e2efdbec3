import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionResponse } from "../../engine/providers/types.js";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { createProviderCacheStore, type ProviderCacheStore } from "./provider-cache.js";

const response = (text: string): CompletionResponse => ({
  text,
  usage: { promptTokens: 3, completionTokens: 1, totalTokens: 4 },
  latencyMs: 12,
  costUsd: 0.0002,
  finishReason: "stop",
  model: "sim-1",
});

describe("provider cache store", () => {
  let db: FlowtuneDatabase;
  let cache: ProviderCacheStore;
  beforeAll(async () => {
    db = await openDatabase({ url: ":memory:" });
    cache = createProviderCacheStore(db.prisma);
  });
  afterAll(async () => db.close());

  it("misses, stores, hits and counts hits", async () => {
    expect(await cache.get("k1")).toBeUndefined();
    await cache.set("k1", "sim", "sim-1", response("hello"));
    expect(await cache.peek("k1")).toMatchObject({ providerId: "sim", model: "sim-1", hits: 0 });
    expect(await cache.get("k1")).toEqual(response("hello"));
    expect(await cache.get("k1")).toEqual(response("hello"));
    expect((await cache.peek("k1"))!.hits).toBe(2);
    expect(await cache.peek("nope")).toBeUndefined();
  });

  it("replaces an entry and resets its hits", async () => {
    await cache.set("k1", "sim", "sim-2", response("again"));
    expect(await cache.get("k1")).toEqual(response("again"));
    expect(await cache.peek("k1")).toMatchObject({ model: "sim-2", hits: 1 });
  });

  it("clears by provider or age", async () => {
    await cache.set("k2", "openai", "gpt", response("x"));
    expect(await cache.clear({ providerId: "openai" })).toBe(1);
    expect(await cache.get("k2")).toBeUndefined();
    expect(await cache.clear({ olderThan: new Date(Date.now() + 60_000) })).toBe(1);
    expect(await cache.get("k1")).toBeUndefined();
  });
});
