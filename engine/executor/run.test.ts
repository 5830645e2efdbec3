import { describe, expect, it } from "vitest";
import { FlowtuneError } from "../errors.js";
import { createProviderRegistry } from "../providers/registry.js";
import type { RunEvent } from "../schema/events.js";
import { createRun, runGraph } from "./run.js";
import { aiNode, graph, scriptedProvider, statuses } from "./test-helpers.js";

async function collect(opts: Parameters<typeof createRun>[0]) {
  const handle = await createRun(opts);
  const events: RunEvent[] = [];
  for await (const e of handle.events()) events.push(e);
  const result = await handle.result;
  return { result, events, handle };
}

describe("pipeline edges", () => {
  it("runs nodes in sequence, each with its predecessor's output", async () => {
    const p = scriptedProvider();
    const g = graph(
      [aiNode("a", "echo", "A({{ inputs.q }})"), aiNode("b", "echo", "B({{ input.text }})"), { id: "out", kind: "output", config: { fields: { answer: "{{ nodes.b.text }}" } } }],
      [["in", "a"], ["a", "b"], ["b", "out"]],
    );
    const { result, events } = await collect({ graph: g, inputs: { q: "x" }, providers: p.registry });
    expect(result.status).toBe("succeeded");
    expect(result.outputs).toEqual({ out: { answer: "B(A(x))" } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events[0].type).toBe("run.started");
    expect(events.at(-1)!.type).toBe("run.completed");
    const order = events.filter((e) => e.type === "node.started").map((e) => (e as { nodeId: string }).nodeId);
    expect(order).toEqual(["in", "a", "b", "out"]);
    expect(result.usage.totalTokens).toBe(10);
  });

  it("replays all events to a late reader through events()", async () => {
    const p = scriptedProvider();
    const handle = await createRun({ graph: graph([aiNode("a", "echo")], [["in", "a"]]), inputs: { q: "x" }, providers: p.registry });
    await handle.result;
    const seen: string[] = [];
    for await (const e of handle.events()) seen.push(e.type);
    expect(seen[0]).toBe("run.started");
    expect(seen.at(-1)).toBe("run.completed");
  });
});

describe("conditional edges", () => {
  const routed = (mode: "first-match" | "all-matches", withDefault = true) =>
    graph(
      [
        { id: "r", kind: "router", config: { mode } },
        aiNode("text", "reply:T"),
        aiNode("image", "reply:I"),
        aiNode("afterImage", "echo"),
        aiNode("fallback", "reply:F"),
        { id: "join", kind: "output", config: {} },
      ],
      [
        ["in", "r"],
        ["r", "text", "conditional", { condition: 'input.q == "text" || input.q == "both"' }],
        ["r", "image", "conditional", { condition: 'input.q == "image" || input.q == "both"' }],
        ...(withDefault ? [["r", "fallback", "conditional", { default: true }] as [string, string, string, Record<string, unknown>]] : []),
        ["image", "afterImage"],
        ["text", "join"],
        ["afterImage", "join"],
      ],
    );

  it("skips branches not taken and everything reachable only through them", async () => {
    const p = scriptedProvider();
    const { result, events } = await collect({ graph: routed("first-match"), inputs: { q: "text" }, providers: p.registry });
    expect(result.status).toBe("succeeded");
    const st = statuses(events);
    expect(st).toMatchObject({ text: "succeeded", image: "skipped", afterImage: "skipped", fallback: "skipped", join: "succeeded" });
    expect(p.calls.map((c) => c.model)).toEqual(["reply:T"]);
    expect(result.outputs.join).toMatchObject({ text: "T" });
  });

  it("first-match takes only the first matching edge; all-matches takes every match", async () => {
    const first = await collect({ graph: routed("first-match"), inputs: { q: "both" }, providers: scriptedProvider().registry });
    expect(statuses(first.events)).toMatchObject({ text: "succeeded", image: "skipped" });
    const all = await collect({ graph: routed("all-matches"), inputs: { q: "both" }, providers: scriptedProvider().registry });
    expect(statuses(all.events)).toMatchObject({ text: "succeeded", image: "succeeded", afterImage: "succeeded", fallback: "skipped" });
    expect(Object.keys(all.result.outputs.join as object).sort()).toEqual(["afterImage", "text"]);
  });

  it("takes the default edge when nothing matches", async () => {
    const { events } = await collect({ graph: routed("first-match"), inputs: { q: "audio" }, providers: scriptedProvider().registry });
    expect(statuses(events)).toMatchObject({ fallback: "succeeded", text: "skipped", image: "skipped", join: "skipped" });
  });

  it("fails the run with NO_ROUTE when nothing matches and there is no default", async () => {
    const { result } = await collect({ graph: routed("first-match", false), inputs: { q: "audio" }, providers: scriptedProvider().registry });
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "NO_ROUTE", nodeId: "r" });
    expect(result.error!.message).toMatch(/no condition matched/);
  });
});

describe("broadcast edges and joins", () => {
  const jury = (strategy: string, models: string[], extra: Record<string, unknown> = {}, onError?: unknown) =>
    graph(
      [
        ...models.map((m, i) => aiNode(`j${i}`, m, "{{ inputs.q }}", onError ? { onError } : {})),
        { id: "agg", kind: "aggregate", config: { strategy, ...extra } },
      ],
      [...models.map((_, i) => ["in", `j${i}`, "broadcast"] as [string, string, string]), ...models.map((_, i) => [`j${i}`, "agg"] as [string, string])],
    );

  it("sends the same input to every target concurrently and joins by majority", async () => {
    const p = scriptedProvider();
    const { result } = await collect({ graph: jury("majority", ["reply:yes", "reply:no", "reply:Yes "]), inputs: { q: "?" }, providers: p.registry });
    const slow = scriptedProvider();
    await collect({ graph: jury("majority", ["slow-20", "slow-20", "slow-20"]), inputs: { q: "?" }, providers: slow.registry });
    expect(slow.maxInFlight()).toBe(3);
    expect(result.status).toBe("succeeded");
    const agg = result.nodes.agg.output as { value: { text: string }; votes: Record<string, number>; agreement: number };
    expect(agg.value.text).toBe("yes");
    expect(agg.votes).toEqual({ yes: 2, no: 1 });
    expect(agg.agreement).toBeCloseTo(2 / 3);
  });

  it("joins with partial failures as long as minResponses succeed", async () => {
    const cont = { mode: "continue" };
    const ok = await collect({ graph: jury("all", ["reply:a", "fail-9", "reply:c"], { minResponses: 2 }, cont), inputs: { q: "?" }, providers: scriptedProvider().registry });
    expect(ok.result.status).toBe("succeeded");
    expect(ok.result.nodes.agg.output).toMatchObject({ count: 2, failed: 1 });
    expect((ok.result.nodes.agg.output as { responses: Array<{ text: string }> }).responses.map((r) => r.text)).toEqual(["a", "c"]);
    const tooFew = await collect({ graph: jury("all", ["reply:a", "fail-9", "fail-9"], { minResponses: 2 }, cont), inputs: { q: "?" }, providers: scriptedProvider().registry });
    expect(tooFew.result.status).toBe("failed");
    expect(tooFew.result.error).toMatchObject({ code: "JOIN_FAILED", nodeId: "agg" });
    expect(tooFew.result.error!.message).toMatch(/1 successful response\(s\), minResponses is 2/);
  });

  it("consensus fails when the branches disagree", async () => {
    const { result } = await collect({ graph: jury("consensus", ["reply:a", "reply:b", "reply:a"]), inputs: { q: "?" }, providers: scriptedProvider().registry });
    expect(result.status).toBe("failed");
    expect(result.error!.message).toMatch(/no consensus \(a×2, b×1/);
    const agree = await collect({ graph: jury("consensus", ["reply:a", "reply:b", "reply:a"], { consensusThreshold: 0.6 }), inputs: { q: "?" }, providers: scriptedProvider().registry });
    expect(agree.result.status).toBe("succeeded");
  });

  it("weighted voting lets a heavier branch win", async () => {
    const { result } = await collect({ graph: jury("weighted", ["reply:a", "reply:b", "reply:a"], { weights: { j1: 3 } }), inputs: { q: "?" }, providers: scriptedProvider().registry });
    expect((result.nodes.agg.output as { value: { text: string } }).value.text).toBe("b");
  });

  it("first completes on the first success and cancels the slower branches", async () => {
    const p = scriptedProvider();
    const { result, events } = await collect({ graph: jury("first", ["slow-300", "reply:fast", "hang"]), inputs: { q: "?" }, providers: p.registry });
    expect(result.status).toBe("succeeded");
    expect((result.nodes.agg.output as { value: { text: string } }).value.text).toBe("fast");
    expect(statuses(events)).toMatchObject({ j0: "cancelled", j2: "cancelled", agg: "succeeded" });
    expect(p.calls.filter((c) => c.aborted).length).toBe(2);
  });

  it("a join timeout proceeds with the responses that arrived", async () => {
    const p = scriptedProvider();
    const { result, events } = await collect({ graph: jury("all", ["reply:a", "hang", "reply:c"], { timeoutMs: 50 }), inputs: { q: "?" }, providers: p.registry });
    expect(result.status).toBe("succeeded");
    expect(result.nodes.agg.output).toMatchObject({ count: 2 });
    expect(statuses(events).j1).toBe("cancelled");
  });
});

describe("parallel edges", () => {
  it("caps concurrent fan-out targets at maxConcurrency", async () => {
    const p = scriptedProvider();
    const targets = ["p0", "p1", "p2", "p3", "p4"];
    const g = graph(
      [...targets.map((t) => aiNode(t, "slow-20")), { id: "agg", kind: "aggregate", config: { strategy: "all" } }],
      [...targets.map((t) => ["in", t, "parallel", { maxConcurrency: 2 }] as [string, string, string, Record<string, unknown>]), ...targets.map((t) => [t, "agg"] as [string, string])],
    );
    const { result, events } = await collect({ graph: g, inputs: { q: "x" }, providers: p.registry });
    expect(result.status).toBe("succeeded");
    expect(p.maxInFlight()).toBe(2);
    expect(events.filter((e) => e.type === "node.queued").length).toBe(3);
    expect((result.nodes.agg.output as { count: number }).count).toBe(5);
  });

  it("maps over a list with bounded concurrency and keeps input order", async () => {
    const p = scriptedProvider();
    const g = {
      ...graph(
        [aiNode("work", "delay", "{{ item }}"), { id: "agg", kind: "aggregate", config: { strategy: "all", synchronization: "async" } }],
        [["in", "work", "parallel", { maxConcurrency: 2, map: "q" }], ["work", "agg"]],
      ),
    };
    (g.nodes[0] as { config: { fields: unknown[] } }).config.fields = [{ name: "q", type: "list" }];
    const { result, events } = await collect({ graph: g, inputs: { q: ["40", "5", "20", "1"] }, providers: p.registry });
    expect(result.status).toBe("succeeded");
    expect((result.nodes.work.output as Array<{ text: string }>).map((r) => r.text)).toEqual(["40", "5", "20", "1"]);
    expect((result.nodes.agg.output as { responses: Array<{ text: string }> }).responses.map((r) => r.text)).toEqual(["40", "5", "20", "1"]);
    expect(p.maxInFlight()).toBe(2);
    const itemOrder = events.filter((e) => e.type === "node.partial" && e.nodeId === "work").map((e) => (e as { index?: number }).index);
    expect(itemOrder).not.toEqual([0, 1, 2, 3]);
    expect(events.filter((e) => e.type === "node.partial" && e.nodeId === "agg").length).toBe(4);
  });

  it("fails a mapped node clearly when the path is not a list", async () => {
    const g = graph([aiNode("work", "echo", "{{ item }}")], [["in", "work", "parallel", { map: "q" }]]);
    const { result } = await collect({ graph: g, inputs: { q: "not a list" }, providers: scriptedProvider().registry });
    expect(result.status).toBe("failed");
    expect(result.error!.message).toMatch(/maps over "q", which is not a list/);
  });
});

describe("error policies and timeouts", () => {
  it("retries with backoff and succeeds", async () => {
    const p = scriptedProvider();
    const g = graph([aiNode("a", "fail-2", "{{ inputs.q }}", { onError: { mode: "retry", maxRetries: 3, backoffMs: 1 } })], [["in", "a"]]);
    const { result, events } = await collect({ graph: g, inputs: { q: "x" }, providers: p.registry });
    expect(result.status).toBe("succeeded");
    expect(events.filter((e) => e.type === "node.retrying").map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2]);
    expect(p.calls.length).toBe(3);
  });

  it("does not retry a permanent refusal such as a spent budget (CONFLICT)", async () => {
    let calls = 0;
    const refusing = createProviderRegistry([
      {
        id: "test",
        async complete() {
          calls++;
          throw new FlowtuneError("CONFLICT", "optimization budget exhausted");
        },
      },
    ]);
    const g = graph([aiNode("a", "echo", "{{ inputs.q }}", { onError: { mode: "retry", maxRetries: 3, backoffMs: 1 } })], [["in", "a"]]);
    const { result, events } = await collect({ graph: g, inputs: { q: "x" }, providers: refusing });
    expect(result.status).toBe("failed");
    expect(events.filter((e) => e.type === "node.retrying")).toEqual([]);
    expect(calls).toBe(1);
  });

  it("fails after the retries are used up, naming the node", async () => {
    const g = graph([aiNode("a", "fail-9", "{{ inputs.q }}", { onError: { mode: "retry", maxRetries: 2, backoffMs: 1 } })], [["in", "a"]]);
    const { result } = await collect({ graph: g, inputs: { q: "x" }, providers: scriptedProvider().registry });
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ nodeId: "a" });
    expect(result.error!.message).toMatch(/scripted failure 3/);
  });

  it("continue lets the run go on and skips the failed node's dependents", async () => {
    const g = graph(
      [aiNode("bad", "fail-9", "{{ inputs.q }}", { onError: { mode: "continue" } }), aiNode("after", "echo"), aiNode("other", "echo", "{{ inputs.q }}")],
      [["in", "bad"], ["bad", "after"], ["in", "other"]],
    );
    const { result, events } = await collect({ graph: g, inputs: { q: "x" }, providers: scriptedProvider().registry });
    expect(result.status).toBe("succeeded");
    expect(statuses(events)).toMatchObject({ bad: "failed", after: "skipped", other: "succeeded" });
  });

  it("a node timeout aborts the provider call", async () => {
    const p = scriptedProvider();
    const g = graph([aiNode("a", "hang", "{{ inputs.q }}", { timeoutMs: 30 })], [["in", "a"]]);
    const { result } = await collect({ graph: g, inputs: { q: "x" }, providers: p.registry });
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "NODE_TIMEOUT", nodeId: "a" });
    expect(p.calls[0].aborted).toBe(true);
  });

  it("a run timeout fails the run and cancels in-flight nodes", async () => {
    const p = scriptedProvider();
    const g = graph([aiNode("a", "hang")], [["in", "a"]], { timeoutMs: 40 });
    const { result, events } = await collect({ graph: g, inputs: { q: "x" }, providers: p.registry });
    expect(result.status).toBe("failed");
    expect(result.error!.code).toBe("RUN_TIMEOUT");
    expect(statuses(events).a).toBe("cancelled");
    expect(p.calls[0].aborted).toBe(true);
  });
});

describe("cancel, pause and resume", () => {
  it("cancel stops in-flight provider calls and starts nothing new", async () => {
    const p = scriptedProvider();
    const g = graph([aiNode("a", "hang"), aiNode("b", "echo")], [["in", "a"], ["a", "b"]]);
    const handle = await createRun({ graph: g, inputs: { q: "x" }, providers: p.registry });
    const events: RunEvent[] = [];
    handle.subscribe((e) => events.push(e));
    await new Promise((r) => setTimeout(r, 20));
    handle.cancel("user pressed stop");
    const result = await handle.result;
    expect(result.status).toBe("cancelled");
    expect(p.calls[0].aborted).toBe(true);
    expect(p.calls.length).toBe(1);
    expect(events.at(-1)).toMatchObject({ type: "run.cancelled", reason: "user pressed stop" });
  });

  it("pause lets the running node finish but starts nothing until resume", async () => {
    const p = scriptedProvider();
    const g = graph([aiNode("a", "slow-30"), aiNode("b", "echo")], [["in", "a"], ["a", "b"]]);
    const handle = await createRun({ graph: g, inputs: { q: "x" }, providers: p.registry });
    const events: RunEvent[] = [];
    handle.subscribe((e) => events.push(e));
    await new Promise((r) => setTimeout(r, 5));
    handle.pause();
    expect(handle.status()).toBe("paused");
    await new Promise((r) => setTimeout(r, 80));
    expect(statuses(events)).toMatchObject({ a: "succeeded" });
    expect(statuses(events).b).toBeUndefined();
    handle.resume();
    const result = await handle.result;
    expect(result.status).toBe("succeeded");
    const types = events.map((e) => e.type);
    expect(types.indexOf("run.resumed")).toBeLessThan(types.lastIndexOf("node.started"));
  });
});

describe("re-run from a node", () => {
  it("reuses upstream outputs of the parent run and executes the rest", async () => {
    const p = scriptedProvider();
    const stored = new Map<string, RunEvent[]>();
    const history = {
      async begin() {},
      async write(events: RunEvent[]) {
        for (const e of events) stored.set(e.runId, [...(stored.get(e.runId) ?? []), e]);
      },
    };
    const g = graph([aiNode("a", "echo", "A{{ inputs.q }}"), aiNode("b", "echo", "B{{ input.text }}")], [["in", "a"], ["a", "b"]]);
    const first = await runGraph({ graph: g, inputs: { q: "1" }, providers: p.registry, history });
    const reader = {
      async loadRun(runId: string) {
        const events = stored.get(runId)!;
        const nodes: Record<string, { status: "succeeded"; output: unknown }> = {};
        for (const e of events) if (e.type === "node.succeeded") nodes[e.nodeId] = { status: "succeeded", output: e.output };
        return { runId, workflowId: "test", status: "succeeded" as const, graph: g as never, inputs: { q: "1" }, nodes };
      },
    };
    p.calls.length = 0;
    const { result, events } = await collect({ graph: g, inputs: {}, providers: p.registry, history, historyReader: reader, fromRun: { runId: first.runId, nodeId: "b" } });
    expect(result.status).toBe("succeeded");
    expect(p.calls.map((c) => c.prompt)).toEqual(["BA1"]);
    expect(events.find((e) => e.type === "node.succeeded" && e.nodeId === "a")).toMatchObject({ reused: true });
    expect(events[0]).toMatchObject({ type: "run.started", parentRunId: first.runId, fromNodeId: "b" });
  });
});

describe("run history", () => {
  it("reports a history that could not be written without failing the run", async () => {
    const history = {
      async begin() {
        throw new Error("disk full");
      },
      async write() {
        throw new Error("disk full");
      },
    };
    const { result } = await collect({ graph: graph([aiNode("a", "echo")], [["in", "a"]]), inputs: { q: "x" }, providers: scriptedProvider().registry, history });
    expect(result.status).toBe("succeeded");
    expect(result.historyError).toBe("disk full");
  });

  it("hands every event to the history in order, in batches, after begin", async () => {
    const calls: string[] = [];
    const seqs: number[] = [];
    const history = {
      async begin() {
        await new Promise((r) => setTimeout(r, 20));
        calls.push("begin");
      },
      async write(events: RunEvent[]) {
        calls.push("write");
        seqs.push(...events.map((e) => e.seq));
      },
    };
    const { events } = await collect({ graph: graph([aiNode("a", "echo"), aiNode("b", "echo")], [["in", "a"], ["a", "b"]]), inputs: { q: "x" }, providers: scriptedProvider().registry, history });
    expect(calls[0]).toBe("begin");
    expect(calls.length).toBeLessThan(events.length);
    expect(seqs).toEqual(events.map((e) => e.seq));
  });
});
