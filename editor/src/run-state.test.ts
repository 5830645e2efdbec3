import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../engine/browser.js";
import { emptyRun, needsStream, runReducer, type RunState, type StoredRunDetail } from "./run-state.js";

const R = "r1";
let seq = 0;
const ev = (e: Record<string, unknown>): RunEvent => ({ runId: R, seq: seq++, ts: 1000 + seq, ...e }) as RunEvent;

function fold(events: RunEvent[], start: RunState = emptyRun(R)): RunState {
  return events.reduce((s, event) => runReducer(s, { type: "event", event }), start);
}

describe("runReducer", () => {
  it("folds a run into node states and totals", () => {
    seq = 0;
    const usage = { promptTokens: 3, completionTokens: 4, totalTokens: 7 };
    const s = fold([
      ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: { q: 1 } }),
      ev({ type: "node.queued", nodeId: "a" }),
      ev({ type: "node.started", nodeId: "a", attempt: 1, input: {} }),
      ev({ type: "node.succeeded", nodeId: "a", output: { text: "hi" }, durationMs: 12, usage }),
      ev({ type: "node.skipped", nodeId: "b", reason: "not routed" }),
      ev({ type: "node.failed", nodeId: "c", error: { code: "X", message: "boom" }, durationMs: 3, continued: true }),
      ev({ type: "run.completed", outputs: { out: 1 }, durationMs: 40, usage, costUsd: 0.001 }),
    ]);
    expect(s.status).toBe("succeeded");
    expect(s.durationMs).toBe(40);
    expect(s.nodes.a).toMatchObject({ status: "succeeded", durationMs: 12, usage, output: { text: "hi" } });
    expect(s.nodes.b).toMatchObject({ status: "skipped", reason: "not routed" });
    expect(s.nodes.c).toMatchObject({ status: "failed", error: { message: "boom" } });
  });

  it("ignores repeated or foreign events and keeps unchanged node objects", () => {
    seq = 0;
    const started = ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} });
    const a = ev({ type: "node.started", nodeId: "a", attempt: 1, input: {} });
    const s1 = fold([started, a]);
    expect(fold([a], s1)).toBe(s1); // same seq again
    expect(runReducer(s1, { type: "event", event: { ...a, runId: "other", seq: 99 } })).toBe(s1);
    const s2 = fold([ev({ type: "node.started", nodeId: "b", attempt: 1, input: {} })], s1);
    expect(s2.nodes.a).toBe(s1.nodes.a);
    expect(s2.nodes.b.status).toBe("running");
  });

  it("marks nodes still running as cancelled when the run ends", () => {
    seq = 0;
    const s = fold([
      ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} }),
      ev({ type: "node.started", nodeId: "a", attempt: 1, input: {} }),
      ev({ type: "run.cancelled", reason: "user", durationMs: 5 }),
    ]);
    expect(s.status).toBe("cancelled");
    expect(s.nodes.a.status).toBe("cancelled");
  });
});

describe("runReducer: details for the editor", () => {
  it("keeps parameter versions, parent run and timings from the events", () => {
    seq = 0;
    const s = fold([
      ev({
        type: "run.started",
        workflowId: "qa",
        graphChecksum: "x",
        inputs: {},
        parentRunId: "r0",
        fromNodeId: "answer",
        parameterVersions: { answer: 2 },
      }),
      ev({ type: "node.queued", nodeId: "answer" }),
      ev({ type: "node.started", nodeId: "answer", attempt: 1, input: { q: "2+2" } }),
      ev({ type: "node.succeeded", nodeId: "answer", output: "4", durationMs: 2 }),
    ]);
    expect(s).toMatchObject({ workflowId: "qa", parentRunId: "r0", fromNodeId: "answer", parameterVersions: { answer: 2 } });
    const a = s.nodes.answer;
    expect(a.queuedTs).toBeLessThan(a.startedTs!);
    expect(a.startedTs).toBeLessThan(a.finishedTs!);
    expect(a.input).toEqual({ q: "2+2" });
  });

  it("records retries and mapped-item partials", () => {
    seq = 0;
    const err = { code: "RATE_LIMITED", message: "429" };
    const s = fold([
      ev({ type: "run.started", workflowId: "m", graphChecksum: "x", inputs: {} }),
      ev({ type: "node.started", nodeId: "a", attempt: 1, input: {} }),
      ev({ type: "node.retrying", nodeId: "a", attempt: 1, delayMs: 200, error: err }),
      ev({ type: "node.started", nodeId: "a", attempt: 2, input: {} }),
      ev({ type: "node.partial", nodeId: "a", output: "x", index: 1 }),
      ev({ type: "node.partial", nodeId: "a", output: "y", index: 0 }),
      ev({ type: "node.failed", nodeId: "a", error: { code: "X", message: "boom" }, durationMs: 9, continued: false, attempts: 2 }),
    ]);
    const a = s.nodes.a;
    expect(a.retries).toEqual([{ attempt: 1, delayMs: 200, error: err, ts: expect.any(Number) }]);
    expect(a.items).toEqual({ 0: "y", 1: "x" });
    expect(a.partials).toBe(2);
    expect(a).toMatchObject({ status: "failed", attempts: 2, continued: false, error: { code: "X" } });
    expect(a.finishedTs).toBeDefined();
  });

  it("ends the stream on a terminal event", () => {
    seq = 0;
    const s1 = fold([ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} })]);
    expect(needsStream(s1)).toBe(true);
    const s2 = fold([ev({ type: "run.failed", error: { code: "E", message: "m" }, durationMs: 1 })], s1);
    expect(s2.ended).toBe(true);
    expect(needsStream(s2)).toBe(false);
    expect(needsStream(emptyRun())).toBe(false);
  });

  it("resets to another run", () => {
    seq = 0;
    const s = fold([ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} })]);
    expect(runReducer(s, { type: "reset", runId: "r2" })).toEqual(emptyRun("r2"));
  });
});

describe("runReducer: stored detail", () => {
  const node = (nodeId: string, status: StoredRunDetail["nodes"][number]["status"], extra: Partial<StoredRunDetail["nodes"][number]> = {}) => ({
    nodeId,
    status,
    attempts: 1,
    reason: null,
    reused: false,
    startedAt: "2026-01-01T00:00:01.000Z",
    finishedAt: "2026-01-01T00:00:02.000Z",
    durationMs: 1000,
    promptTokens: 3,
    completionTokens: 4,
    totalTokens: 7,
    costUsd: 0.001,
    ...extra,
  });
  const detail = (over: Partial<StoredRunDetail> = {}): StoredRunDetail => ({
    id: R,
    status: "failed",
    parentRunId: null,
    fromNodeId: null,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:03.000Z",
    durationMs: null,
    promptTokens: 3,
    completionTokens: 4,
    totalTokens: 7,
    costUsd: 0.001,
    lastSeq: 2,
    error: { code: "INTERRUPTED", message: "the process stopped" },
    inputs: { q: 1 },
    nodes: [node("a", "succeeded", { output: "A" }), node("b", "cancelled", { reason: "interrupted", totalTokens: 0 })],
    ...over,
  });

  it("settles an interrupted run (no terminal event) once every stored event was seen", () => {
    seq = 0;
    const events = [
      ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: { q: 1 } }),
      ev({ type: "node.started", nodeId: "a", attempt: 1, input: {} }),
      ev({ type: "node.succeeded", nodeId: "a", output: "A", durationMs: 5 }),
    ];
    // Detail first: kept until the events reach its last seq.
    let s = runReducer(emptyRun(R), { type: "detail", detail: detail() });
    expect(s.status).toBe("pending");
    expect(needsStream(s)).toBe(true);
    s = fold(events.slice(0, 2), s);
    expect(s.settled).toBeUndefined();
    s = fold(events.slice(2), s);
    expect(s.settled).toBe(true);
    expect(needsStream(s)).toBe(false);
    expect(s.status).toBe("failed");
    expect(s.error?.code).toBe("INTERRUPTED");
    // Events win over the detail; missing fields come from it.
    expect(s.nodes.a).toMatchObject({ status: "succeeded", durationMs: 5, usage: { totalTokens: 7 } });
    expect(s.nodes.a.finishedTs).toBe(events[2].ts);
    expect(s.nodes.b.finishedTs).toBe(Date.parse("2026-01-01T00:00:02.000Z"));
    expect(s.nodes.b).toMatchObject({ status: "cancelled", reason: "interrupted" });
  });

  it("merges the detail after a terminal event without changing what the events said", () => {
    seq = 0;
    const s = fold([
      ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} }),
      ev({ type: "node.succeeded", nodeId: "a", output: "A", durationMs: 5 }),
      ev({ type: "run.completed", outputs: { o: 1 }, durationMs: 9, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, costUsd: 0 }),
    ]);
    const s2 = runReducer(s, { type: "detail", detail: detail({ status: "succeeded", error: undefined }) });
    expect(s2.settled).toBe(true);
    expect(s2.status).toBe("succeeded");
    expect(s2.durationMs).toBe(9);
    expect(s2.nodes.a.durationMs).toBe(5);
    expect(runReducer(s2, { type: "detail", detail: detail() })).toBe(s2);
  });

  it("keeps a running run's detail without settling, and settles on `complete` only when finished", () => {
    let s = runReducer(emptyRun(R), { type: "detail", detail: detail({ status: "running", error: undefined }), complete: true });
    expect(s.settled).toBeUndefined();
    s = runReducer(emptyRun(R), { type: "detail", detail: detail(), complete: true });
    expect(s.settled).toBe(true);
    expect(s.nodes.a).toMatchObject({ status: "succeeded", output: "A" });
    expect(runReducer(emptyRun("other"), { type: "detail", detail: detail() })).toEqual(emptyRun("other"));
  });
});

describe("runReducer: nodes that never ran", () => {
  // in → a → b → out, and in → side (a branch that ran), side → b: b joins a and side.
  const graph = {
    nodes: [{ id: "in" }, { id: "a" }, { id: "side" }, { id: "b" }, { id: "out" }, { id: "loner" }],
    edges: [
      { source: "in", target: "a" },
      { source: "in", target: "side" },
      { source: "a", target: "b" },
      { source: "side", target: "b" },
      { source: "b", target: "out" },
    ],
  };
  const stored = (status: StoredRunDetail["status"]): StoredRunDetail => ({
    id: R,
    status,
    parentRunId: null,
    fromNodeId: null,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: null,
    durationMs: null,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    costUsd: 0,
    lastSeq: 0,
    inputs: {},
    nodes: [],
    graph,
  });
  const start = () => runReducer(emptyRun(R), { type: "detail", detail: stored("running") });
  const failing = () => [
    ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} }),
    ev({ type: "node.succeeded", nodeId: "in", output: 1, durationMs: 1 }),
    ev({ type: "node.succeeded", nodeId: "side", output: 2, durationMs: 1 }),
    ev({ type: "node.started", nodeId: "a", attempt: 1, input: {} }),
    ev({ type: "node.failed", nodeId: "a", error: { code: "PROVIDER_ERROR", message: "model refused", nodeId: "a" }, durationMs: 3 }),
  ];

  it("marks the nodes downstream of a failed node skipped, naming it, once the run fails", () => {
    seq = 0;
    const running = fold(failing(), start());
    // Still running: nothing is inferred yet.
    expect(running.nodes.b).toBeUndefined();
    const s = fold([ev({ type: "run.failed", error: { code: "PROVIDER_ERROR", message: "model refused", nodeId: "a" }, durationMs: 9 })], running);
    expect(s.nodes.a).toMatchObject({ status: "failed", error: { message: "model refused" } });
    expect(s.nodes.b).toMatchObject({ status: "skipped", reason: 'upstream node "a" failed' });
    expect(s.nodes.out).toMatchObject({ status: "skipped", reason: 'upstream node "a" failed' });
    // Not downstream of the failure: skipped with the run's end as the reason.
    expect(s.nodes.loner).toMatchObject({ status: "skipped", reason: 'not run: the run failed at node "a"' });
    // What ran keeps its state.
    expect(s.nodes.side.status).toBe("succeeded");
    expect(s.nodes.in.status).toBe("succeeded");
  });

  it("does the same when the graph arrives after the terminal event (detail fetched late)", () => {
    seq = 0;
    const ended = fold([...failing(), ev({ type: "run.failed", error: { code: "PROVIDER_ERROR", message: "model refused", nodeId: "a" }, durationMs: 9 })]);
    expect(ended.nodes.b).toBeUndefined();
    const s = runReducer(ended, { type: "detail", detail: { ...stored("failed"), lastSeq: ended.lastSeq } });
    expect(s.nodes.b).toMatchObject({ status: "skipped", reason: 'upstream node "a" failed' });
  });

  it("gives the failed node the run's error when its own event carried none", () => {
    seq = 0;
    const s = fold(
      [
        ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} }),
        ev({ type: "run.failed", error: { code: "NODE_TIMEOUT", message: "timed out", nodeId: "a" }, durationMs: 9 }),
      ],
      start(),
    );
    expect(s.nodes.a).toMatchObject({ status: "failed", error: { code: "NODE_TIMEOUT" } });
    expect(s.nodes.b.reason).toBe('upstream node "a" failed');
    expect(s.nodes.in.reason).toBe('not run: the run failed at node "a"');
  });

  it("names the cancelled node upstream, or the cancellation, for a cancelled run", () => {
    seq = 0;
    const s = fold(
      [
        ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} }),
        ev({ type: "node.succeeded", nodeId: "in", output: 1, durationMs: 1 }),
        ev({ type: "node.started", nodeId: "a", attempt: 1, input: {} }),
        ev({ type: "run.cancelled", reason: "cancelled by user", durationMs: 9 }),
      ],
      start(),
    );
    expect(s.nodes.a).toMatchObject({ status: "cancelled" });
    expect(s.nodes.b).toMatchObject({ status: "skipped", reason: 'upstream node "a" was cancelled' });
    expect(s.nodes.side).toMatchObject({ status: "skipped", reason: "not run: the run was cancelled (cancelled by user)" });
  });

  it("leaves a succeeded run alone, and a failure the error policy let through does not skip what follows", () => {
    seq = 0;
    const ok = fold(
      [
        ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} }),
        ev({ type: "node.succeeded", nodeId: "in", output: 1, durationMs: 1 }),
        ev({ type: "run.completed", outputs: {}, durationMs: 9, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, costUsd: 0 }),
      ],
      start(),
    );
    expect(ok.nodes.b).toBeUndefined();
    seq = 0;
    const s = fold(
      [
        ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} }),
        ev({ type: "node.failed", nodeId: "a", error: { code: "X", message: "soft" }, durationMs: 1, continued: true }),
        ev({ type: "node.failed", nodeId: "side", error: { code: "Y", message: "hard", nodeId: "side" }, durationMs: 1 }),
        ev({ type: "run.failed", error: { code: "Y", message: "hard", nodeId: "side" }, durationMs: 9 }),
      ],
      start(),
    );
    expect(s.nodes.b.reason).toBe('upstream node "side" failed');
    expect(s.nodes.a).toMatchObject({ status: "failed", continued: true });
  });
});
