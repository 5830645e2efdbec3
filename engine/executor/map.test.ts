// Parallel map semantics: a map over an empty list reaches its join (which decides by its own
// rules, never a contradictory skip), and every mapped item reports its own lifecycle events.
import { describe, expect, it } from "vitest";
import type { RunEvent, RunEventOf } from "../schema/events.js";
import { createProviderRegistry } from "../providers/registry.js";
import { sleep } from "../providers/retry.js";
import type { Provider } from "../providers/types.js";
import { createRun } from "./run.js";
import { aiNode, graph, scriptedProvider } from "./test-helpers.js";

async function collect(opts: Parameters<typeof createRun>[0]) {
  const handle = await createRun(opts);
  const events: RunEvent[] = [];
  for await (const e of handle.events()) events.push(e);
  return { result: await handle.result, events };
}

/** in → (parallel map over `q`) work → join → out; `q` is a list input. */
function mapped(join: Record<string, unknown>, work = aiNode("work", "echo", "{{ item }}"), edge: Record<string, unknown> = {}) {
  const g = graph(
    [work, { id: "join", kind: "aggregate", config: join }, { id: "out", kind: "output", config: {} }],
    [["in", "work", "parallel", { map: "q", ...edge }], ["work", "join"], ["join", "out"]],
  );
  (g.nodes[0] as { config: { fields: unknown[] } }).config.fields = [{ name: "q", type: "list" }];
  return g;
}

const skipped = (events: RunEvent[]) => events.filter((e): e is RunEventOf<"node.skipped"> => e.type === "node.skipped");
const itemEvents = (events: RunEvent[], nodeId = "work") =>
  events.filter((e) => e.type.startsWith("node.item.") && (e as { nodeId: string }).nodeId === nodeId) as Array<
    RunEventOf<"node.item.started" | "node.item.succeeded" | "node.item.failed" | "node.item.cancelled">
  >;

describe("a parallel map over an empty list", () => {
  it("runs the join, which fails clearly under the default minResponses: 1 (naming the map edge), instead of skipping it", async () => {
    const { result, events } = await collect({ graph: mapped({ strategy: "all" }), inputs: { q: [] }, providers: scriptedProvider().registry });
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "JOIN_FAILED", nodeId: "join" });
    expect(result.error!.message).toMatch(/0 successful response\(s\), minResponses is 1 \(edge "e0" mapped "work" over an empty list \("q" of "in"\)\)/);
    expect(result.error!.message).toMatch(/minResponses: 0/);
    expect(result.nodes.work).toMatchObject({ status: "succeeded", output: [] });
    expect(result.nodes.join.status).toBe("failed");
    expect(skipped(events)).toEqual([]);
  });

  it("with minResponses: 0 an `all` join outputs the empty list, and the run's outputs say so", async () => {
    const { result, events } = await collect({ graph: mapped({ strategy: "all", minResponses: 0 }), inputs: { q: [] }, providers: scriptedProvider().registry });
    expect(result.status).toBe("succeeded");
    expect(result.outputs).toEqual({ out: { value: [], responses: [], count: 0, failed: 0 } });
    expect(skipped(events)).toEqual([]);
    expect(itemEvents(events)).toEqual([]);
  });

  it.each(["first", "majority", "consensus", "weighted"])("a `%s` join has nothing to pick from: a typed failure naming the edge", async (strategy) => {
    const { result } = await collect({ graph: mapped({ strategy, minResponses: 0 }), inputs: { q: [] }, providers: scriptedProvider().registry });
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "JOIN_FAILED", nodeId: "join" });
    expect(result.error!.message).toBe(`aggregate "join": strategy "${strategy}" has no response to pick from (edge "e0" mapped "work" over an empty list ("q" of "in"))`);
  });

  it("an async join and a downstream output also see the empty list", async () => {
    const { result } = await collect({ graph: mapped({ strategy: "all", minResponses: 0, synchronization: "async" }), inputs: { q: [] }, providers: scriptedProvider().registry });
    expect(result.status).toBe("succeeded");
    expect((result.outputs.out as { count: number }).count).toBe(0);
  });

  it("a skip reason never says a source succeeded (only routes not taken)", async () => {
    const g = graph(
      [{ id: "r", kind: "router", config: {} }, aiNode("a", "echo"), aiNode("b", "echo"), { id: "join", kind: "aggregate", config: {} }],
      [["in", "r"], ["r", "a", "conditional", { condition: "false" }], ["r", "b", "conditional", { default: true }], ["a", "join"]],
    );
    const { events } = await collect({ graph: g, inputs: { q: "x" }, providers: scriptedProvider().registry });
    expect(skipped(events).map((e) => [e.nodeId, e.reason])).toEqual([
      ["a", "no input: route e1 not taken"],
      ["join", "no input: a skipped"],
    ]);
  });
});

/** A provider that fails prompts containing "bad", waits (until aborted) on "slow", and echoes the rest. */
function itemProvider() {
  const provider: Provider = {
    id: "items",
    async complete(req, opts) {
      const prompt = req.messages.at(-1)!.content;
      if (prompt.includes("bad")) throw new Error(`cannot handle ${prompt}`);
      if (prompt.includes("slow")) await sleep(5_000, opts?.signal);
      return { text: prompt, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, latencyMs: 0, costUsd: 0, finishReason: "stop", model: req.model };
    },
  };
  return createProviderRegistry([provider]);
}

const itemNode = (extra: Record<string, unknown> = {}) => ({ id: "work", kind: "ai" as const, config: { provider: "items", model: "m", prompt: "{{ item }}" }, ...extra });
/** The item events as compact tuples: [type suffix, index, attempt]. */
const trace = (events: RunEvent[]) => itemEvents(events).map((e) => [e.type.slice("node.item.".length), e.index, e.attempt]);
const lastIndexOf = (events: RunEvent[], pred: (e: RunEvent) => boolean) => events.findLastIndex(pred);

describe("per-item events of a mapped node", () => {
  it("3 items, one failing (continue): started then succeeded/failed per item, in order, with indexes, before the node settles", async () => {
    const g = mapped({ strategy: "all" }, itemNode({ onError: { mode: "continue" } }), { maxConcurrency: 1 });
    const { result, events } = await collect({ graph: g, inputs: { q: ["a", "bad", "c"] }, providers: itemProvider() });
    expect(result.status).toBe("succeeded");
    expect(trace(events)).toEqual([
      ["started", 0, 1], ["succeeded", 0, 1],
      ["started", 1, 1], ["failed", 1, 1],
      ["started", 2, 1], ["succeeded", 2, 1],
    ]);
    const items = itemEvents(events);
    expect(items[0]).toMatchObject({ input: "a" });
    expect(items[1]).toMatchObject({ output: { text: "a" }, usage: { totalTokens: 2 } });
    expect(items[3]).toMatchObject({ continued: true, error: { code: "NODE_EXECUTION_FAILED", message: "cannot handle bad", nodeId: "work" } });
    const nodeDone = events.findIndex((e) => e.type === "node.succeeded" && e.nodeId === "work");
    expect(nodeDone).toBeGreaterThan(lastIndexOf(events, (e) => e.type.startsWith("node.item.")));
    // The join counts the failed item as a failed response.
    expect(result.nodes.join.output).toMatchObject({ count: 2, failed: 1 });
  });

  it("without continue, the failing item stops the node: later items never start, the run fails naming the node", async () => {
    const g = mapped({ strategy: "all" }, itemNode(), { maxConcurrency: 1 });
    const { result, events } = await collect({ graph: g, inputs: { q: ["a", "bad", "c"] }, providers: itemProvider() });
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ nodeId: "work", message: "cannot handle bad" });
    expect(trace(events)).toEqual([["started", 0, 1], ["succeeded", 0, 1], ["started", 1, 1], ["failed", 1, 1]]);
    expect(itemEvents(events)[3]).toMatchObject({ continued: false });
    // The run result says the node failed (it used to keep "running"), with its error.
    expect(result.nodes.work).toMatchObject({ status: "failed", error: { code: "NODE_EXECUTION_FAILED", message: "cannot handle bad" } });
    expect(result.nodes.join.status).toBe("pending");
  });

  it("siblings in flight when an item fails report node.item.cancelled, all before node.failed", async () => {
    const g = mapped({ strategy: "all" }, itemNode(), { maxConcurrency: 3 });
    const { result, events } = await collect({ graph: g, inputs: { q: ["slow-0", "bad", "slow-2"] }, providers: itemProvider() });
    expect(result.status).toBe("failed");
    const byIndex = Object.fromEntries(itemEvents(events).filter((e) => e.type !== "node.item.started").map((e) => [e.index, e.type]));
    expect(byIndex).toEqual({ 0: "node.item.cancelled", 1: "node.item.failed", 2: "node.item.cancelled" });
    expect(itemEvents(events).find((e) => e.type === "node.item.cancelled")).toMatchObject({ reason: "stopped: cannot handle bad" });
    const failedAt = events.findIndex((e) => e.type === "node.failed" && e.nodeId === "work");
    expect(failedAt).toBeGreaterThan(lastIndexOf(events, (e) => e.type.startsWith("node.item.")));
  });

  it("a retried mapped node runs its items again, and the events say which attempt", async () => {
    const g = mapped({ strategy: "all" }, itemNode({ onError: { mode: "retry", maxRetries: 1, backoffMs: 1 } }), { maxConcurrency: 1 });
    const { result, events } = await collect({ graph: g, inputs: { q: ["a", "bad"] }, providers: itemProvider() });
    expect(result.status).toBe("failed");
    expect(trace(events)).toEqual([
      ["started", 0, 1], ["succeeded", 0, 1], ["started", 1, 1], ["failed", 1, 1],
      ["started", 0, 2], ["succeeded", 0, 2], ["started", 1, 2], ["failed", 1, 2],
    ]);
  });

  it("a cancelled run ends its mapped items with node.cancelled and emits nothing after the terminal event", async () => {
    const g = mapped({ strategy: "all" }, itemNode(), { maxConcurrency: 2 });
    const handle = await createRun({ graph: g, inputs: { q: ["slow-0", "slow-1", "c"] }, providers: itemProvider() });
    const events: RunEvent[] = [];
    handle.subscribe((e) => {
      events.push(e);
      if (e.type === "node.item.started" && e.index === 1) handle.cancel("stop");
    });
    const result = await handle.result;
    await sleep(20);
    expect(result.status).toBe("cancelled");
    expect(events.at(-1)!.type).toBe("run.cancelled");
    expect(trace(events)).toEqual([["started", 0, 1], ["started", 1, 1]]);
  });
});
