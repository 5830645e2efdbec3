import { describe, expect, it } from "vitest";
import { emptyRun, runReducer, type StoredRunDetail } from "./run-state.js";
import { runEvents } from "./testing/run-events.js";

const R = "r1";
const { ev, fold, restart } = runEvents(R);

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
    restart();
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
    restart();
    const ended = fold([...failing(), ev({ type: "run.failed", error: { code: "PROVIDER_ERROR", message: "model refused", nodeId: "a" }, durationMs: 9 })]);
    expect(ended.nodes.b).toBeUndefined();
    const s = runReducer(ended, { type: "detail", detail: { ...stored("failed"), lastSeq: ended.lastSeq } });
    expect(s.nodes.b).toMatchObject({ status: "skipped", reason: 'upstream node "a" failed' });
  });

  it("gives the failed node the run's error when its own event carried none", () => {
    restart();
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
    restart();
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
    restart();
    const ok = fold(
      [
        ev({ type: "run.started", workflowId: "qa", graphChecksum: "x", inputs: {} }),
        ev({ type: "node.succeeded", nodeId: "in", output: 1, durationMs: 1 }),
        ev({ type: "run.completed", outputs: {}, durationMs: 9, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, costUsd: 0 }),
      ],
      start(),
    );
    expect(ok.nodes.b).toBeUndefined();
    restart();
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
