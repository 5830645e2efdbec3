import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../engine/browser.js";
import { emptyRun, runReducer, type RunState } from "./run-state.js";

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
