// The model-list cache: reuse while fresh, one fetch for concurrent asks, failures remembered
// briefly, refresh rate-limited, and a change during a fetch never served afterwards.
import { describe, expect, it } from "vitest";
import type { ModelList } from "../../engine/index.js";
import { ModelListCache } from "./provider-models.js";

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function counter(lists: Array<ModelList | Error>) {
  let calls = 0;
  const fetch = async () => {
    const next = lists[Math.min(calls, lists.length - 1)];
    calls++;
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, calls: () => calls };
}

const list = (...models: string[]): ModelList => ({ models, latencyMs: 3 });

describe("ModelListCache", () => {
  it("reuses a listing for ttlMs, then fetches again", async () => {
    const c = clock();
    const cache = new ModelListCache({ ttlMs: 1000, now: c.now });
    const f = counter([list("a"), list("a", "b")]);
    expect(await cache.get("p", f.fetch)).toMatchObject({ models: ["a"], cached: false });
    c.advance(999);
    expect(await cache.get("p", f.fetch)).toMatchObject({ models: ["a"], cached: true });
    c.advance(2);
    expect(await cache.get("p", f.fetch)).toMatchObject({ models: ["a", "b"], cached: false });
    expect(f.calls()).toBe(2);
  });

  it("concurrent asks share one fetch; ids are cached apart", async () => {
    const cache = new ModelListCache();
    const f = counter([list("a")]);
    const all = await Promise.all([cache.get("p", f.fetch), cache.get("p", f.fetch), cache.get("p", f.fetch)]);
    expect(all.map((r) => r.models)).toEqual([["a"], ["a"], ["a"]]);
    expect(f.calls()).toBe(1);
    await cache.get("q", f.fetch);
    expect(f.calls()).toBe(2);
  });

  it("remembers a failure for errorTtlMs only", async () => {
    const c = clock();
    const cache = new ModelListCache({ errorTtlMs: 100, now: c.now });
    const f = counter([new Error("down"), list("up")]);
    await expect(cache.get("p", f.fetch)).rejects.toThrow("down");
    await expect(cache.get("p", f.fetch)).rejects.toThrow("down");
    expect(f.calls()).toBe(1);
    c.advance(101);
    expect((await cache.get("p", f.fetch)).models).toEqual(["up"]);
  });

  it("refresh fetches again, but not within minRefreshMs of the last fetch", async () => {
    const c = clock();
    const cache = new ModelListCache({ minRefreshMs: 500, now: c.now });
    const f = counter([list("a"), list("b")]);
    await cache.get("p", f.fetch);
    c.advance(100);
    expect((await cache.get("p", f.fetch, { refresh: true })).models).toEqual(["a"]);
    c.advance(500);
    expect((await cache.get("p", f.fetch, { refresh: true })).models).toEqual(["b"]);
    expect(f.calls()).toBe(2);
  });

  it("invalidate drops the listing, and a fetch in flight during the change is not kept", async () => {
    const cache = new ModelListCache();
    let release!: (l: ModelList) => void;
    const slow = () => new Promise<ModelList>((r) => (release = r));
    const pending = cache.get("p", slow);
    cache.invalidate("p");
    release(list("old"));
    expect((await pending).models).toEqual(["old"]);
    const f = counter([list("new")]);
    expect((await cache.get("p", f.fetch)).models).toEqual(["new"]);
    expect(f.calls()).toBe(1);
  });
});
