import { describe, expect, it } from "vitest";
import { emptyRun, needsStream, runReducer, type StoredRunDetail } from "./run-state.js";
import { runEvents } from "./testing/run-events.js";

const R = "r1";
const { ev, fold, restart } = runEvents(R);

describe("runReducer", () => {
  it("folds a run into node states and totals", () => {
    restart();
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
    restart();
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
    restart();
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
    restart();
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
    restart();
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
    restart();
    const s1 = fold([ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} })]);
    expect(needsStream(s1)).toBe(true);
    const s2 = fold([ev({ type: "run.failed", error: { code: "E", message: "m" }, durationMs: 1 })], s1);
    expect(s2.ended).toBe(true);
    expect(needsStream(s2)).toBe(false);
    expect(needsStream(emptyRun())).toBe(false);
  });

  it("resets to another run", () => {
    restart();
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
    restart();
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
    restart();
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
