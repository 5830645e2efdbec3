import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphSchema, type Graph } from "../../engine/schema/graph.js";
import type { RunEvent, RunEventBody } from "../../engine/schema/events.js";
import { openDatabase, sqliteConnectionOf, type FlowtuneDatabase } from "../db.js";
import { ProcessLease } from "./leases.js";
import { createRunHistoryStore, type RunHistoryStore } from "./run-history.js";
import { createWorkflowStore } from "./workflows.js";

const graph: Graph = GraphSchema.parse({
  version: 1,
  id: "qa",
  name: "Question answering",
  nodes: [
    { id: "in", kind: "input", config: { fields: [{ name: "question" }] } },
    { id: "answer", kind: "ai", config: { model: "sim-1", prompt: "Answer: {{ inputs.question }}" } },
    { id: "check", kind: "evaluation", config: { metric: "contains", actual: "{{ nodes.answer.text }}", expected: "42" } },
    { id: "fallback", kind: "ai", config: { model: "sim-1", prompt: "x" } },
    { id: "out", kind: "output", config: {} },
  ],
  edges: [
    { id: "e1", kind: "pipeline", source: "in", target: "answer" },
    { id: "e2", kind: "pipeline", source: "answer", target: "check" },
    { id: "e3", kind: "conditional", source: "check", target: "fallback", condition: "input.passed == false" },
    { id: "e4", kind: "pipeline", source: "check", target: "out" },
  ],
});

/** Stamps bodies the way the executor does: contiguous seq, increasing ts. */
function stamp(runId: string, bodies: RunEventBody[], startSeq = 0, t0 = 1_700_000_000_000): RunEvent[] {
  return bodies.map((b, i) => ({ ...b, runId, seq: startSeq + i, ts: t0 + (startSeq + i) * 1.5 }) as RunEvent);
}

const usage = (p: number, c: number) => ({ promptTokens: p, completionTokens: c, totalTokens: p + c });

function successfulRun(runId: string): RunEvent[] {
  return stamp(runId, [
    { type: "run.started", workflowId: "qa", graphChecksum: "abc", inputs: { question: "meaning?" } },
    { type: "node.queued", nodeId: "in" },
    { type: "node.started", nodeId: "in", attempt: 1, input: { question: "meaning?" } },
    { type: "node.succeeded", nodeId: "in", output: { question: "meaning?" }, durationMs: 0.2 },
    { type: "node.queued", nodeId: "answer" },
    { type: "node.started", nodeId: "answer", attempt: 1, input: { question: "meaning?" } },
    { type: "node.retrying", nodeId: "answer", attempt: 1, delayMs: 200, error: { code: "provider_error", message: "503" } },
    { type: "node.started", nodeId: "answer", attempt: 2, input: { question: "meaning?" } },
    { type: "node.partial", nodeId: "answer", output: { text: "4" } },
    { type: "node.succeeded", nodeId: "answer", output: { text: "42" }, durationMs: 12.5, usage: usage(10, 2), costUsd: 0.001 },
    { type: "node.queued", nodeId: "check" },
    { type: "node.started", nodeId: "check", attempt: 1, input: { text: "42" } },
    { type: "node.succeeded", nodeId: "check", output: { score: 1, passed: true }, durationMs: 0.1 },
    { type: "node.skipped", nodeId: "fallback", reason: "condition false" },
    { type: "node.queued", nodeId: "out" },
    { type: "node.started", nodeId: "out", attempt: 1, input: { score: 1, passed: true } },
    { type: "node.succeeded", nodeId: "out", output: { answer: "42", nothing: null }, durationMs: 0.1 },
    { type: "run.completed", outputs: { out: { answer: "42", nothing: null } }, durationMs: 30, usage: usage(10, 2), costUsd: 0.001 },
  ]);
}

async function writeInBatches(store: RunHistoryStore, events: RunEvent[], sizes: number[]) {
  let i = 0;
  for (let k = 0; i < events.length; k++) {
    const size = sizes[k % sizes.length];
    await store.write(events.slice(i, i + size));
    i += size;
  }
}

describe.each([
  { label: "direct (prepared statements on Prisma's connection)", direct: true },
  { label: "through Prisma raw queries", direct: false },
])("run history, $label", ({ direct }) => {
  let db: FlowtuneDatabase;
  let store: RunHistoryStore;
  beforeAll(async () => {
    db = await openDatabase({ url: ":memory:" });
    store = createRunHistoryStore(db.prisma, { direct });
  });
  afterAll(async () => db.close());

  it("round-trips a run's events into Run, NodeExecution and RunEvent rows", async () => {
    const events = successfulRun("run-ok");
    await store.begin({ runId: "run-ok", workflowId: "qa", graph, inputs: { question: "meaning?" } });
    await writeInBatches(store, events, [1, 4, 2, 7]);

    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: "run-ok" } });
    expect(run).toMatchObject({
      workflowId: "qa",
      status: "succeeded",
      lastSeq: events.length - 1,
      promptTokens: 10,
      completionTokens: 2,
      totalTokens: 12,
      costUsd: 0.001,
      durationMs: 30,
      graphChecksum: "abc",
      error: null,
    });
    expect(JSON.parse(run.outputs!)).toEqual({ out: { answer: "42", nothing: null } });
    expect(JSON.parse(run.graph)).toEqual(graph);
    expect(run.startedAt.getTime()).toBe(events[0].ts);
    expect(run.finishedAt!.getTime()).toBe(Math.floor(events[events.length - 1].ts));

    const nodes = await db.prisma.nodeExecution.findMany({ where: { runId: "run-ok" }, orderBy: { id: "asc" } });
    expect(nodes.map((n) => [n.nodeId, n.status])).toEqual([
      ["in", "succeeded"],
      ["answer", "succeeded"],
      ["check", "succeeded"],
      ["fallback", "skipped"],
      ["out", "succeeded"],
    ]);
    const answer = nodes[1];
    expect(answer).toMatchObject({ attempts: 2, totalTokens: 12, promptTokens: 10, costUsd: 0.001, durationMs: 12.5, reused: false, error: null });
    expect(JSON.parse(answer.output!)).toEqual({ text: "42" });
    expect(JSON.parse(answer.input!)).toEqual({ question: "meaning?" });
    expect(answer.startedAt!.getTime()).toBe(Math.floor(events[5].ts)); // first attempt's start
    expect(nodes[3]).toMatchObject({ reason: "condition false", output: null, attempts: 0 });

    const rows = await db.prisma.runEvent.findMany({ where: { runId: "run-ok" }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => r.seq)).toEqual(events.map((e) => e.seq));
    expect(rows.map((r) => r.type)).toEqual(events.map((e) => e.type));

    // Readers resume after a sequence number and get the exact events back.
    expect(await store.getEvents("run-ok")).toEqual(events);
    expect(await store.getEvents("run-ok", 14)).toEqual(events.slice(15));
    expect(await store.getEvents("run-ok", 3, 2)).toEqual(events.slice(4, 6));
    expect(await store.getEvents("run-ok", events.length - 1)).toEqual([]);
  });

  it("loadRun returns what a re-run needs, with each node's output", async () => {
    const stored = await store.loadRun("run-ok");
    expect(stored).toEqual({
      runId: "run-ok",
      workflowId: "qa",
      status: "succeeded",
      graph,
      inputs: { question: "meaning?" },
      nodes: {
        in: { status: "succeeded", output: { question: "meaning?" } },
        answer: { status: "succeeded", output: { text: "42" } },
        check: { status: "succeeded", output: { score: 1, passed: true } },
        fallback: { status: "skipped" },
        out: { status: "succeeded", output: { answer: "42", nothing: null } },
      },
    });
    expect(await store.loadRun("nope")).toBeUndefined();
  });

  it("getRun returns the run with parsed node executions", async () => {
    const run = await store.getRun("run-ok");
    expect(run).toMatchObject({ id: "run-ok", status: "succeeded", outputs: { out: { answer: "42", nothing: null } }, totalTokens: 12 });
    expect(run!.nodes.find((n) => n.nodeId === "answer")).toMatchObject({ status: "succeeded", output: { text: "42" }, attempts: 2 });
    expect(run!.error).toBeUndefined();
    expect(await store.getRun("nope")).toBeUndefined();
  });

  it("records failures, cancellations, re-runs and partial totals", async () => {
    await store.begin({ runId: "run-failed", workflowId: "qa", graph, inputs: {}, parentRunId: "run-ok" });
    const failed = stamp("run-failed", [
      { type: "run.started", workflowId: "qa", graphChecksum: "abc", inputs: {}, parentRunId: "run-ok", fromNodeId: "answer" },
      { type: "node.succeeded", nodeId: "in", output: { question: "q" }, durationMs: 0, reused: true },
      { type: "node.started", nodeId: "answer", attempt: 1, input: { question: "q" } },
      { type: "node.failed", nodeId: "answer", error: { code: "timeout", message: "too slow", nodeId: "answer" }, durationMs: 1000, continued: false, usage: usage(5, 0) },
      { type: "node.cancelled", nodeId: "check", reason: "run failed" },
    ]);
    await store.write(failed);
    // Before the terminal event the run shows progress and the tokens spent so far.
    expect(await db.prisma.run.findUniqueOrThrow({ where: { id: "run-failed" } })).toMatchObject({
      status: "running",
      parentRunId: "run-ok",
      fromNodeId: "answer",
      totalTokens: 5,
      lastSeq: 4,
      finishedAt: null,
    });
    await store.write(stamp("run-failed", [{ type: "run.failed", error: { code: "timeout", message: "too slow", nodeId: "answer" }, durationMs: 1001 }], 5));
    const run = await store.getRun("run-failed");
    expect(run).toMatchObject({ status: "failed", error: { code: "timeout", nodeId: "answer" }, totalTokens: 5, lastSeq: 5, durationMs: 1001 });
    expect(run!.nodes.map((n) => [n.nodeId, n.status, n.reused])).toEqual([
      ["in", "succeeded", true],
      ["answer", "failed", false],
      ["check", "cancelled", false],
    ]);
    expect(run!.nodes[1].error).toEqual({ code: "timeout", message: "too slow", nodeId: "answer" });

    await store.begin({ runId: "run-cancelled", workflowId: "qa", graph, inputs: {} });
    await store.write(
      stamp("run-cancelled", [
        { type: "run.started", workflowId: "qa", graphChecksum: "abc", inputs: {} },
        { type: "run.paused" },
      ]),
    );
    expect((await store.getRun("run-cancelled"))!.status).toBe("paused");
    await store.write(stamp("run-cancelled", [{ type: "run.resumed" }, { type: "run.cancelled", reason: "user", durationMs: 5 }], 2));
    expect(await store.getRun("run-cancelled")).toMatchObject({ status: "cancelled", error: { code: "cancelled", message: "user" } });
  });

  it("writes a batch all or nothing", async () => {
    await store.begin({ runId: "run-atomic", workflowId: "qa", graph, inputs: {} });
    const events = successfulRun("run-atomic");
    await store.write(events.slice(0, 3));
    // seq 2 again: the unique (runId, seq) key fails the batch, including its valid events.
    const bad = [events[3], { ...events[4], seq: 2 }];
    await expect(store.write(bad)).rejects.toThrow();
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: "run-atomic" } });
    expect(run.lastSeq).toBe(2);
    expect(await db.prisma.runEvent.count({ where: { runId: "run-atomic" } })).toBe(3);
    expect((await db.prisma.nodeExecution.findFirstOrThrow({ where: { runId: "run-atomic", nodeId: "in" } })).status).toBe("running");
    // The store's memory was not advanced either: the retry of the good events goes through.
    await store.write(events.slice(3));
    expect((await store.loadRun("run-atomic"))!.status).toBe("succeeded");
  });

  it("a run whose last batch cannot be stored does not stay running: it ends failed with HISTORY_WRITE_FAILED", async () => {
    await store.begin({ runId: "run-lost-end", workflowId: "qa", graph, inputs: {} });
    const events = successfulRun("run-lost-end");
    await store.write(events.slice(0, 3));
    // The rest, ending with run.completed, collides on seq 2: the whole batch fails.
    const rest = events.slice(3).map((e, i) => (i === 0 ? { ...e, seq: 2 } : e));
    await expect(store.write(rest)).rejects.toThrow();
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: "run-lost-end" } });
    expect(run.status).toBe("failed");
    expect(JSON.parse(run.error!)).toMatchObject({ code: "HISTORY_WRITE_FAILED", message: expect.stringMatching(/^the run ended \(succeeded\) but its history could not be stored: /) });
    expect(run.finishedAt).not.toBeNull();
  });

  it("continues a run begun by another store instance (e.g. after a restart)", async () => {
    const events = successfulRun("run-revive");
    await store.begin({ runId: "run-revive", workflowId: "qa", graph, inputs: {} });
    await store.write(events.slice(0, 10));
    const other = createRunHistoryStore(db.prisma, { direct });
    await other.write(events.slice(10));
    const run = await other.getRun("run-revive");
    expect(run).toMatchObject({ status: "succeeded", totalTokens: 12, lastSeq: events.length - 1 });
    expect(run!.nodes.find((n) => n.nodeId === "answer")).toMatchObject({ attempts: 2, totalTokens: 12 });
    await expect(other.write(stamp("never-begun", [{ type: "run.paused" }]))).rejects.toThrow(/begin\(\)/);
  });

  it("waits for an open Prisma interactive transaction instead of writing inside it", async () => {
    await store.begin({ runId: "run-concurrent", workflowId: "qa", graph, inputs: {} });
    const events = successfulRun("run-concurrent");
    let releaseTx!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((resolve) => (releaseTx = resolve));
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const tx = db.prisma.$transaction(async (t) => {
      await t.workflow.create({ data: { id: "tx-rollback", name: "x" } });
      entered();
      await gate;
      throw new Error("roll back");
    });
    await inside;
    if (direct) expect(sqliteConnectionOf(db.prisma)!.inTransaction).toBe(true);
    let written = false;
    const write = store.write(events.slice(0, 5)).then(() => (written = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(written).toBe(false); // queued behind the open transaction
    releaseTx();
    await expect(tx).rejects.toThrow("roll back");
    await write;
    // The transaction's rollback did not take the batch with it.
    expect(await db.prisma.runEvent.count({ where: { runId: "run-concurrent" } })).toBe(5);
    expect(await db.prisma.workflow.count({ where: { id: "tx-rollback" } })).toBe(0);
  });

  it("a run a sweep marked INTERRUPTED that its owner then finishes is stored with the owner's end: succeeded, no error", async () => {
    const events = successfulRun("run-swept");
    await store.begin({ runId: "run-swept", workflowId: "qa", graph, inputs: { question: "meaning?" } });
    // Up to the retry of "answer" (its error recorded), with "answer" running.
    await store.write(events.slice(0, 8));
    // A neighbour took the owner for gone (an unowned run outside its own live set).
    const sweeper = createRunHistoryStore(db.prisma, { direct });
    expect(await sweeper.markInterrupted()).toContain("run-swept");
    const swept = await store.getRun("run-swept");
    expect(swept).toMatchObject({ status: "failed", error: { code: "INTERRUPTED" } });
    expect(swept!.nodes.find((n) => n.nodeId === "answer")).toMatchObject({ status: "cancelled", reason: "interrupted" });

    // The owner was alive all along: it finishes the run.
    await writeInBatches(store, events.slice(8), [3, 1]);
    const run = await store.getRun("run-swept");
    expect(run).toMatchObject({ status: "succeeded", durationMs: 30, outputs: { out: { answer: "42", nothing: null } } });
    expect(run!.error).toBeUndefined();
    expect(run!.finishedAt!.getTime()).toBe(Math.floor(events[events.length - 1].ts));
    expect(run!.nodes.map((n) => [n.nodeId, n.status, n.reason])).toEqual([
      ["in", "succeeded", null],
      ["answer", "succeeded", null],
      ["check", "succeeded", null],
      ["fallback", "skipped", "condition false"],
      ["out", "succeeded", null],
    ]);
    for (const n of run!.nodes) expect(n.error, n.nodeId).toBeUndefined();
    const row = await db.prisma.run.findUniqueOrThrow({ where: { id: "run-swept" } });
    expect(row.error).toBeNull();
  });

  it("after a sweep, the owner's later status, own failure and untouched unfinished nodes replace the INTERRUPTED mark", async () => {
    const runId = "run-swept-fails";
    await store.begin({ runId, workflowId: "qa", graph, inputs: {} });
    await store.write(stamp(runId, [
      { type: "run.started", workflowId: "qa", graphChecksum: "abc", inputs: {} },
      { type: "node.queued", nodeId: "in" },
      { type: "node.queued", nodeId: "answer" },
    ]));
    expect(await createRunHistoryStore(db.prisma, { direct }).markInterrupted()).toContain(runId);
    // Paused by its owner: running work, not a finished one.
    await store.write(stamp(runId, [{ type: "run.paused" }], 3));
    const paused = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(paused).toMatchObject({ status: "paused", error: null, finishedAt: null, durationMs: null });
    await store.write(stamp(runId, [
      { type: "run.resumed" },
      { type: "node.started", nodeId: "in", attempt: 1, input: {} },
      { type: "node.failed", nodeId: "in", error: { code: "NODE_EXECUTION_FAILED", message: "boom" }, durationMs: 1, continued: false },
      { type: "run.failed", error: { code: "NODE_EXECUTION_FAILED", message: "boom" }, durationMs: 5 },
    ], 4));
    const run = await store.getRun(runId);
    expect(run).toMatchObject({ status: "failed", error: { code: "NODE_EXECUTION_FAILED", message: "boom" }, durationMs: 5 });
    // "answer" never left the queue in the owner's view; the sweep's cancellation is not its story.
    expect(run!.nodes.find((n) => n.nodeId === "answer")).toMatchObject({ status: "queued", reason: null });
  });

  it("deletes a run with its rows", async () => {
    expect(await store.deleteRun("run-cancelled")).toBe(true);
    expect(await store.deleteRun("run-cancelled")).toBe(false);
    expect(await db.prisma.runEvent.count({ where: { runId: "run-cancelled" } })).toBe(0);
  });
});

describe("listRuns", () => {
  let db: FlowtuneDatabase;
  let store: RunHistoryStore;
  beforeAll(async () => {
    db = await openDatabase({ url: ":memory:" });
    store = createRunHistoryStore(db.prisma);
    // 7 runs of "a" (two pairs with equal start times) and 2 of "b".
    const starts = [1000, 2000, 2000, 3000, 4000, 4000, 5000];
    for (const [i, t] of starts.entries()) {
      const runId = `a${i}`;
      await store.begin({ runId, workflowId: "a", graph, inputs: {} });
      const done = i % 2 === 0;
      await store.write(
        stamp(
          runId,
          [
            { type: "run.started", workflowId: "a", graphChecksum: "x", inputs: {} },
            ...(done ? [{ type: "run.completed", outputs: {}, durationMs: 1, usage: usage(0, 0), costUsd: 0 } as const] : []),
          ],
          0,
          t,
        ),
      );
    }
    for (const runId of ["b0", "b1"]) await store.begin({ runId, workflowId: "b", graph, inputs: {} });
  });
  afterAll(async () => db.close());

  it("pages through a workflow's runs newest first without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await store.listRuns({ workflowId: "a", limit: 3, cursor });
      sizes.push(page.runs.length);
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(["a6", "a5", "a4", "a3", "a2", "a1", "a0"]);
  });

  it("filters by status and across workflows", async () => {
    const done = await store.listRuns({ workflowId: "a", status: "succeeded" });
    expect(done.runs.map((r) => r.id)).toEqual(["a6", "a4", "a2", "a0"]);
    expect(done.nextCursor).toBeUndefined();
    const all = await store.listRuns({ limit: 100 });
    expect(all.runs).toHaveLength(9);
    expect(all.runs[0]).toMatchObject({ workflowId: "b", status: "pending" }); // begun just now
    expect((await store.listRuns({ workflowId: "zzz" })).runs).toEqual([]);
  });
});

describe("run history linking and speed", () => {
  let db: FlowtuneDatabase;
  beforeAll(async () => {
    db = await openDatabase({ url: ":memory:" });
  });
  afterAll(async () => db.close());

  it("links a run to the saved workflow version whose graph it ran", async () => {
    const workflows = createWorkflowStore(db.prisma);
    const store = createRunHistoryStore(db.prisma);
    await workflows.save(graph);
    await workflows.save({ ...graph, name: "v2" });
    await store.begin({ runId: "linked", workflowId: "qa", graph, inputs: {} });
    await store.begin({ runId: "unsaved", workflowId: "qa", graph: { ...graph, name: "other" }, inputs: {} });
    expect((await store.getRun("linked"))!.workflowVersion).toBe(1);
    expect((await store.getRun("unsaved"))!.workflowVersion).toBeNull();
  });

  it("persists a 1,000-node chain (3,002 events, one batch per step) quickly", async () => {
    const store = createRunHistoryStore(db.prisma);
    const runId = "chain";
    const bodies: RunEventBody[] = [{ type: "run.started", workflowId: "chain", graphChecksum: "c", inputs: {} }];
    for (let i = 0; i < 1000; i++) {
      bodies.push(
        { type: "node.queued", nodeId: `n${i}` },
        { type: "node.started", nodeId: `n${i}`, attempt: 1, input: { text: `step ${i}` } },
        { type: "node.succeeded", nodeId: `n${i}`, output: { text: `step ${i + 1}` }, durationMs: 0.05, usage: usage(3, 4), costUsd: 0.0001 },
      );
    }
    bodies.push({ type: "run.completed", outputs: { out: "done" }, durationMs: 100, usage: usage(3000, 4000), costUsd: 0.1 });
    const events = stamp(runId, bodies);
    const t0 = performance.now();
    await store.begin({ runId, workflowId: "chain", graph, inputs: {} });
    await store.write(events.slice(0, 1));
    for (let i = 1; i < events.length - 1; i += 3) await store.write(events.slice(i, i + 3));
    await store.write(events.slice(-1));
    const ms = performance.now() - t0;
    console.log(`run history: ${events.length} events in ${ms.toFixed(0)} ms (${((events.length / ms) * 1000).toFixed(0)} events/s, ${(ms / 1000).toFixed(3)} ms/step)`);
    expect(ms / 1000).toBeLessThan(2); // ms per step; ~0.25 measured on the dev machine
    const run = await store.loadRun(runId);
    expect(Object.keys(run!.nodes)).toHaveLength(1000);
    expect(await db.prisma.runEvent.count({ where: { runId } })).toBe(events.length);
  });
});

describe("interrupted runs", () => {
  it("marks runs left running by a dead process as failed, and their running nodes cancelled", async () => {
    const db = await openDatabase({ url: ":memory:" });
    try {
      const first = createRunHistoryStore(db.prisma);
      const graph = { version: 1, id: "g", name: "g", nodes: [{ id: "in", kind: "input", config: { fields: [{ name: "q", type: "string", required: true }] } }], edges: [] } as never;
      await first.begin({ runId: "r1", workflowId: "g", graph, inputs: { q: "x" } });
      await first.write([
        { type: "run.started", runId: "r1", seq: 0, ts: Date.now(), workflowId: "g", graphChecksum: "c", inputs: { q: "x" } },
        { type: "node.started", runId: "r1", seq: 1, ts: Date.now(), nodeId: "in", attempt: 1, input: undefined },
      ]);
      // A new process (a new store) finds the run still "running".
      const second = createRunHistoryStore(db.prisma);
      expect(await second.markInterrupted()).toEqual(["r1"]);
      const run = await second.getRun("r1");
      expect(run).toMatchObject({ status: "failed", error: { code: "INTERRUPTED" } });
      expect(run!.nodes.find((n) => n.nodeId === "in")!.status).toBe("cancelled");
      expect(await second.markInterrupted()).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("never interrupts a run whose owner's lease is alive; does once it expires or is removed; interruptOwned marks only its own", async () => {
    const db = await openDatabase({ url: ":memory:" });
    // Two "processes" on other hosts (no pid shortcut): only their leases speak for them.
    const leaseA = new ProcessLease(db.prisma, { kind: "server", hostname: "host-a", leaseMs: 60_000, skewMs: 0 });
    const leaseB = new ProcessLease(db.prisma, { kind: "cli", hostname: "host-b", leaseMs: 60_000, skewMs: 0 });
    try {
      const a = createRunHistoryStore(db.prisma, { owner: leaseA });
      const b = createRunHistoryStore(db.prisma, { owner: leaseB });
      const graph = { version: 1, id: "g", name: "g", nodes: [{ id: "in", kind: "input", config: { fields: [] } }], edges: [] } as never;
      const start = (store: RunHistoryStore, runId: string) =>
        store.begin({ runId, workflowId: "g", graph, inputs: {} }).then(() =>
          store.write([{ type: "run.started", runId, seq: 0, ts: Date.now(), workflowId: "g", graphChecksum: "c", inputs: {} }]),
        );
      await start(a, "a1");
      await start(a, "a2");
      await start(b, "b1");
      expect((await db.prisma.run.findUniqueOrThrow({ where: { id: "a1" } })).ownerId).toBe(leaseA.id);
      // A neighbour's sweep (a fresh store too, like a process starting up) leaves live owners' runs alone.
      expect(await b.markInterrupted()).toEqual([]);
      expect(await createRunHistoryStore(db.prisma, { owner: new ProcessLease(db.prisma, { kind: "cli" }) }).markInterrupted()).toEqual([]);
      expect((await b.getRun("a1"))!.status).toBe("running");

      // A stops renewing: once heartbeatAt + leaseMs has passed, its runs are abandoned.
      await db.prisma.processLease.update({ where: { id: leaseA.id! }, data: { heartbeatAt: new Date(Date.now() - 61_000) } });
      expect((await b.markInterrupted()).sort()).toEqual(["a1", "a2"]);
      expect(await b.getRun("a1")).toMatchObject({ status: "failed", error: { code: "INTERRUPTED" } });

      // B's lease row removed (e.g. pruned): its runs are abandoned too.
      await start(b, "b2");
      await db.prisma.processLease.delete({ where: { id: leaseB.id! } });
      const c = createRunHistoryStore(db.prisma, { owner: new ProcessLease(db.prisma, { kind: "cli", hostname: "host-c" }) });
      expect((await c.markInterrupted()).sort()).toEqual(["b1", "b2"]);

      // A clean close marks only the closing process's own unfinished runs.
      const leaseD = new ProcessLease(db.prisma, { kind: "cli", hostname: "host-d" });
      const d = createRunHistoryStore(db.prisma, { owner: leaseD });
      const leaseE = new ProcessLease(db.prisma, { kind: "cli", hostname: "host-e" });
      const e = createRunHistoryStore(db.prisma, { owner: leaseE });
      await start(d, "d1");
      await start(e, "e1");
      expect(await d.interruptOwned()).toEqual(["d1"]);
      expect((await e.getRun("e1"))!.status).toBe("running");
      await leaseD.release();
      await leaseE.release();
    } finally {
      await leaseA.release();
      await db.close();
    }
  });

  it("stored run errors reach readers without server paths or source excerpts", async () => {
    const db = await openDatabase({ url: ":memory:" });
    try {
      const store = createRunHistoryStore(db.prisma);
      const graph = { version: 1, id: "g", name: "g", nodes: [{ id: "in", kind: "input", config: { fields: [] } }], edges: [] } as never;
      await store.begin({ runId: "r", workflowId: "g", graph, inputs: {} });
      const message = "\nInvalid `prisma.run.update()` invocation in\n/srv/app/server/store/run-history.ts:12:3\n\n  11 x\n→ 12 y\nOperation has timed out";
      await store.write([
        { type: "run.started", runId: "r", seq: 0, ts: Date.now(), workflowId: "g", graphChecksum: "c", inputs: {} },
        { type: "run.failed", runId: "r", seq: 1, ts: Date.now(), error: { code: "NODE_EXECUTION_FAILED", message }, durationMs: 1 },
      ]);
      const run = await store.getRun("r");
      expect(run!.error).toEqual({ code: "NODE_EXECUTION_FAILED", message: "database error: Operation has timed out" });
      expect((await db.prisma.run.findUniqueOrThrow({ where: { id: "r" } })).error).not.toContain("/srv/app");
    } finally {
      await db.close();
    }
  });
});
