// Wide and capped parallel fan-outs: each group keeps its own cap, waiting branches start in edge
// order (a new arrival never overtakes one already waiting), and pause/cancel with branches
// waiting end cleanly. The per-step cost at width 1,000 is measured by `npm run bench:executor`.
import { describe, expect, it } from "vitest";
import type { RunEvent } from "../schema/events.js";
import { createRun } from "./run.js";
import { aiNode, graph, scriptedProvider, statuses } from "./test-helpers.js";

type Edge = [string, string, string?, Record<string, unknown>?];

/** `in` → width branches (parallel, capped) → `agg`, with the branches named `${prefix}${i}`. */
function fan(prefix: string, source: string, width: number, cap: number, model: string): { nodes: unknown[]; edges: Edge[] } {
  const ids = Array.from({ length: width }, (_, i) => `${prefix}${i}`);
  return {
    nodes: ids.map((id) => aiNode(id, model)),
    edges: [...ids.map((id): Edge => [source, id, "parallel", { maxConcurrency: cap }]), ...ids.map((id): Edge => [id, `${prefix}agg`])],
  };
}

async function run(g: Parameters<typeof createRun>[0]["graph"], registry: ReturnType<typeof scriptedProvider>["registry"], during?: (h: Awaited<ReturnType<typeof createRun>>) => void) {
  const handle = await createRun({ graph: g, inputs: { q: "x" }, providers: registry });
  const events: RunEvent[] = [];
  handle.subscribe((e) => {
    events.push(e);
  });
  during?.(handle);
  return { result: await handle.result, events };
}

/** The most nodes of `ids` running at once, read from the event stream. */
function maxRunning(events: RunEvent[], ids: Set<string>): number {
  let now = 0;
  let max = 0;
  for (const e of events) {
    const id = (e as { nodeId?: string }).nodeId;
    if (!id || !ids.has(id)) continue;
    if (e.type === "node.started") max = Math.max(max, ++now);
    if (e.type === "node.succeeded" || e.type === "node.failed" || e.type === "node.cancelled") now--;
  }
  return max;
}

describe("capped parallel fan-outs", () => {
  it("runs 300 branches three at a time, starting them in edge order", async () => {
    const p = scriptedProvider();
    const f = fan("b", "in", 300, 3, "slow-1");
    const g = graph([...f.nodes, { id: "bagg", kind: "aggregate", config: { strategy: "all" } }], f.edges);
    const { result, events } = await run(g, p.registry);
    expect(result.status).toBe("succeeded");
    expect((result.nodes.bagg.output as { count: number }).count).toBe(300);
    const ids = new Set(Array.from({ length: 300 }, (_, i) => `b${i}`));
    expect(maxRunning(events, ids)).toBe(3);
    const started = events.filter((e) => e.type === "node.started" && ids.has((e as { nodeId: string }).nodeId)).map((e) => (e as { nodeId: string }).nodeId);
    expect(started).toEqual([...ids]);
    expect(events.filter((e) => e.type === "node.queued").length).toBe(297);
    // Join responses keep edge order, whatever order the branches finished in.
    const responses = (result.nodes.bagg.output as { responses: Array<{ text: string }> }).responses;
    expect(responses).toHaveLength(300);
  });

  it("keeps each fan-out's own cap when two groups run at once", async () => {
    const p = scriptedProvider();
    const a = fan("a", "in", 12, 2, "slow-2");
    const b = fan("b", "in", 12, 5, "slow-2");
    const g = graph(
      [...a.nodes, ...b.nodes, { id: "aagg", kind: "aggregate", config: { strategy: "all" } }, { id: "bagg", kind: "aggregate", config: { strategy: "all" } }],
      [...a.edges, ...b.edges].map(([s, t, k, x]): Edge => [s, t, k, k === "parallel" ? { maxConcurrency: t.startsWith("a") ? 2 : 5 } : x]),
    );
    const { result, events } = await run(g, p.registry);
    expect(result.status).toBe("succeeded");
    // All of `in`'s parallel edges form one group: the smallest cap among them holds for all 24.
    const all = new Set([...Array.from({ length: 12 }, (_, i) => `a${i}`), ...Array.from({ length: 12 }, (_, i) => `b${i}`)]);
    expect(maxRunning(events, all)).toBe(2);
  });

  it("two fan-outs from different sources each keep their own cap", async () => {
    const p = scriptedProvider();
    const a = fan("a", "x", 10, 2, "slow-2");
    const b = fan("b", "y", 10, 4, "slow-2");
    const g = graph(
      [aiNode("x", "echo"), aiNode("y", "echo"), ...a.nodes, ...b.nodes, { id: "aagg", kind: "aggregate", config: { strategy: "all" } }, { id: "bagg", kind: "aggregate", config: { strategy: "all" } }],
      [["in", "x"], ["in", "y"], ...a.edges, ...b.edges],
    );
    const { result, events } = await run(g, p.registry);
    expect(result.status).toBe("succeeded");
    expect(maxRunning(events, new Set(Array.from({ length: 10 }, (_, i) => `a${i}`)))).toBe(2);
    expect(maxRunning(events, new Set(Array.from({ length: 10 }, (_, i) => `b${i}`)))).toBe(4);
  });

  it("a cancel while branches wait ends the run: running ones cancelled, waiting ones never start", async () => {
    const p = scriptedProvider();
    const f = fan("b", "in", 50, 2, "hang");
    const g = graph([...f.nodes, { id: "bagg", kind: "aggregate", config: { strategy: "all" } }], f.edges);
    const { result, events } = await run(g, p.registry, (h) => setTimeout(() => h.cancel("stop"), 30));
    expect(result.status).toBe("cancelled");
    expect(events.filter((e) => e.type === "node.started" && (e as { nodeId: string }).nodeId.startsWith("b")).map((e) => (e as { nodeId: string }).nodeId)).toEqual(["b0", "b1"]);
    const st = statuses(events);
    expect(st.b0).toBe("cancelled");
    expect(st.b1).toBe("cancelled");
    expect(p.calls.every((c) => c.aborted)).toBe(true);
  });

  it("pause lets running branches finish without starting waiting ones; resume drains the queue", async () => {
    const p = scriptedProvider();
    const f = fan("b", "in", 8, 2, "slow-20");
    const g = graph([...f.nodes, { id: "bagg", kind: "aggregate", config: { strategy: "all" } }], f.edges);
    let startedWhilePaused = -1;
    const { result, events } = await run(g, p.registry, (h) => {
      setTimeout(() => h.pause(), 5);
      setTimeout(() => {
        startedWhilePaused = p.calls.length;
        h.resume();
      }, 80);
    });
    expect(result.status).toBe("succeeded");
    expect(startedWhilePaused).toBe(2);
    expect((result.nodes.bagg.output as { count: number }).count).toBe(8);
    expect(events.some((e) => e.type === "run.paused")).toBe(true);
  });
});
