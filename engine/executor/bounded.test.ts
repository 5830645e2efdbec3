// Issue 9, H9 finding 4: one run's templates cannot starve everyone's, and a map has an item cap.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { configureLimits, DEFAULT_LIMITS } from "../limits.js";
import { closeTemplateWorkers, templateWorkerStats } from "../template/render.js";
import { createRun, runGraph } from "./run.js";
import { aiNode, graph, scriptedProvider } from "./test-helpers.js";

// One filter call that runs for seconds: only the render worker's deadline stops it.
const HOG = "{% assign a = (1..4000000) | sort %}{{ item }}";
const HOG_Q = "{% assign a = (1..4000000) | sort %}{{ inputs.q }}";

afterEach(() => configureLimits({}));
afterAll(() => closeTemplateWorkers());

/** in → (parallel map over `q`) work → out; `q` is a list input. */
function mapped(prompt: string, edge: Record<string, unknown> = {}, work: Record<string, unknown> = {}) {
  const g = graph([aiNode("work", "echo", prompt, work), { id: "out", kind: "output", config: {} }], [["in", "work", "parallel", { map: "q", ...edge }], ["work", "out"]]);
  (g.nodes[0] as { config: { fields: unknown[] } }).config.fields = [{ name: "q", type: "list" }];
  return g;
}

const dispatched = async () => (await templateWorkerStats())?.dispatched ?? 0;

describe("parallel map item cap (mapItems)", () => {
  it("refuses a list longer than the cap, naming the node, the edge and the field", async () => {
    expect(DEFAULT_LIMITS.mapItems).toBe(10_000);
    configureLimits({ mapItems: 3 });
    const { registry, calls } = scriptedProvider();
    const over = await runGraph({ graph: mapped("{{ item }}"), inputs: { q: [1, 2, 3, 4] }, providers: registry });
    expect(over.status).toBe("failed");
    expect(over.error).toEqual({ code: "NODE_EXECUTION_FAILED", nodeId: "work", message: '"work" maps over "q" (edge "e0"): 4 items, over the limit of 3 (mapItems)' });
    expect(calls).toHaveLength(0);
    const at = await runGraph({ graph: mapped("{{ item }}"), inputs: { q: [1, 2, 3] }, providers: registry });
    expect(at.status).toBe("succeeded");
    expect(calls).toHaveLength(3);
  });
});

describe("template renders are owned by their run", () => {
  it("a map whose every item hits the render deadline costs a worker a few times, not once per item, and another run still renders", async () => {
    configureLimits({ templateRenderMs: 50 });
    const { registry } = scriptedProvider();
    const before = await dispatched();
    const hog = await createRun({
      graph: mapped(HOG, { maxConcurrency: 8 }, { onError: { mode: "continue" } }),
      inputs: { q: Array.from({ length: 40 }, (_, i) => i) },
      providers: registry,
    });
    const other = await createRun({ graph: graph([aiNode("a", "echo", "{% if true %}Q: {% endif %}{{ inputs.q }}")], [["in", "a"]]), inputs: { q: "hi" }, providers: registry });
    const [, otherResult] = await Promise.all([hog.result, other.result]);
    expect(otherResult.status).toBe("succeeded");
    expect(otherResult.nodes.a.output).toMatchObject({ text: "Q: hi" });
    const items = [];
    for await (const e of hog.events()) if (e.type === "node.item.failed") items.push(e.error.message);
    expect(items).toHaveLength(40);
    expect(new Set(items)).toEqual(new Set(["template render exceeded 50 ms (templateRenderMs)"]));
    // The hog's renders after its first deadline failed fast; the other run's one render went to a worker.
    expect((await dispatched()) - before).toBeLessThanOrEqual(4);
  });

  it("RunOptions.renderOwner makes several runs one owner (an optimization's example runs)", async () => {
    configureLimits({ templateRenderMs: 50 });
    const { registry } = scriptedProvider();
    const g = graph([aiNode("a", "echo", HOG_Q)], [["in", "a"]]);
    const first = await runGraph({ graph: g, inputs: { q: "x" }, providers: registry, renderOwner: "optimization-1" });
    expect(first.error?.message).toBe("template render exceeded 50 ms (templateRenderMs)");
    const before = await dispatched();
    const second = await runGraph({ graph: g, inputs: { q: "y" }, providers: registry, renderOwner: "optimization-1" });
    expect(second.error?.message).toBe("template render exceeded 50 ms (templateRenderMs)");
    expect(await dispatched()).toBe(before);
    // A run of its own (owner: its run id) tries again.
    await runGraph({ graph: g, inputs: { q: "z" }, providers: registry });
    expect(await dispatched()).toBe(before + 1);
  });
});
