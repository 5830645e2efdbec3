import { afterAll, afterEach, describe, expect, it } from "vitest";
import { TemplateError } from "../errors.js";
import { configureLimits, limits } from "../limits.js";
import { closeTemplateWorkers, renderTemplate, templateWorkerStats } from "./render.js";
import { OwnerQueue, RenderWorkerPool } from "./worker-pool.js";

// One filter call that runs for seconds: only the worker's deadline stops it (issue 9, H9 finding 4).
const HOG = "{% assign a = (1..4000000) | sort %}{{ item }}";
const scope = { inputs: { question: "q" }, nodes: {}, item: "i" };

afterEach(() => configureLimits({}));
afterAll(() => closeTemplateWorkers());

describe("OwnerQueue", () => {
  it("serves owners in turn, each in its own order, a newcomer first", () => {
    const q = new OwnerQueue<string>();
    for (const x of ["a1", "a2", "a3", "a4"]) q.push("a", x);
    expect(q.shift()).toBe("a1");
    q.push("b", "b1");
    q.push("b", "b2");
    q.push("c", "c1");
    expect(q.size).toBe(6);
    expect(q.peek()).toBe("c1");
    expect([q.shift(), q.shift(), q.shift(), q.shift(), q.shift()]).toEqual(["c1", "b1", "a2", "b2", "a3"]);
    expect(q.drain()).toEqual(["a4"]);
    expect(q.size).toBe(0);
    expect(q.shift()).toBeUndefined();
    for (const x of ["x1", "y1", "x2", "y2", "x3"]) q.push(x[0], x);
    expect(q.remove("x", (v) => v !== "x2")).toEqual(["x1", "x3"]);
    expect(q.remove("y", () => true)).toEqual(["y1", "y2"]);
    expect([q.size, q.shift(), q.shift()]).toEqual([1, "x2", undefined]);
  });
});

describe("render worker pool fairness", () => {
  it("one owner's backlog delays another owner by about one render, not the backlog", async () => {
    const pool = new RenderWorkerPool(1);
    const done: string[] = [];
    const render = (owner: string, tag: string) =>
      pool.render({ source: "{% for i in (1..2000) %}{% endfor %}{{ item }}", scope: { item: tag }, limits: limits(), owner }).then((t) => done.push(t));
    const backlog = Array.from({ length: 6 }, (_, i) => render("map-run", `a${i}`));
    await new Promise((r) => setTimeout(r, 0));
    const other = render("other-run", "b");
    await Promise.all([...backlog, other]);
    await pool.close();
    // First come, first served put "b" last (7th); served in turn, at most one "a" render runs before it.
    expect(done.indexOf("b")).toBeLessThanOrEqual(1);
  });

  it("a source that exceeded the time limit fails at once for the same owner, with the same message", async () => {
    configureLimits({ templateRenderMs: 50 });
    const first = await renderTemplate(HOG, scope, { owner: "run-1" }).catch((e: Error) => e);
    expect(first).toBeInstanceOf(TemplateError);
    expect((first as Error).message).toBe("template render exceeded 50 ms (templateRenderMs)");
    const before = (await templateWorkerStats())!;
    const again = await Promise.all(Array.from({ length: 20 }, () => renderTemplate(HOG, { ...scope, item: "other" }, { owner: "run-1" }).catch((e: Error) => e.message)));
    expect(new Set(again)).toEqual(new Set(["template render exceeded 50 ms (templateRenderMs)"]));
    const after = (await templateWorkerStats())!;
    // No worker was used, killed or started for them.
    expect(after.dispatched).toBe(before.dispatched);
    expect(after.spawned).toBe(before.spawned);
    expect(after.failedFast - before.failedFast).toBe(20);
    // Another owner is not affected by run-1's failure: its render is tried (and fails on its own).
    await expect(renderTemplate(HOG, scope, { owner: "run-2" })).rejects.toThrow("template render exceeded 50 ms (templateRenderMs)");
    expect((await templateWorkerStats())!.dispatched).toBe(after.dispatched + 1);
    await expect(renderTemplate("{% if true %}ok{% endif %}", scope, { owner: "run-1" })).resolves.toBe("ok");
  });

  it("renders queued behind the first failure of the same source fail fast too", async () => {
    configureLimits({ templateRenderMs: 50 });
    await closeTemplateWorkers();
    const results = await Promise.all(Array.from({ length: 12 }, () => renderTemplate(HOG, scope, { owner: "map" }).catch((e: Error) => e.message)));
    expect(new Set(results)).toEqual(new Set(["template render exceeded 50 ms (templateRenderMs)"]));
    // Two workers: at most the two first renders cost a worker each; the ten behind them failed fast.
    expect((await templateWorkerStats())!.dispatched).toBeLessThanOrEqual(2);
  });
});
