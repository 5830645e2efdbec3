import { describe, expect, it } from "vitest";
import {
  defaultRollbackTarget,
  diffRows,
  diffStats,
  foldRows,
  formatDelta,
  formatNumber,
  formatValue,
  isPrimaryMetric,
  keyMetrics,
  lowerIsBetter,
  rollbackTargets,
  versionSource,
  type DiffLine,
} from "./model.js";

const ops = (spec: string): DiffLine[] =>
  spec.split("|").map((s) => ({ op: s[0] as DiffLine["op"], text: s.slice(1) }));

describe("diffRows", () => {
  it("numbers each side: removed lines only on A, added only on B", () => {
    const rows = diffRows(ops(" a|-b|+B|+C| d"));
    expect(rows.map((r) => [r.kind, r.oldNo, r.newNo, r.sign, r.text])).toEqual([
      ["same", 1, 1, "", "a"],
      ["removed", 2, null, "−", "b"],
      ["added", null, 2, "+", "B"],
      ["added", null, 3, "+", "C"],
      ["same", 3, 4, "", "d"],
    ]);
  });

  it("counts added and removed lines", () => {
    expect(diffStats(ops(" a|-b|+B|+C| d"))).toEqual({ added: 2, removed: 1 });
    expect(diffStats([])).toEqual({ added: 0, removed: 0 });
  });

  it("folds long unchanged runs but keeps context around changes", () => {
    const lines: DiffLine[] = [...Array(10).keys()].map((i) => ({ op: " ", text: `l${i}` }));
    lines.splice(5, 0, { op: "+", text: "new" });
    const shown = foldRows(diffRows(lines), 2);
    expect(shown.map((r) => (r.kind === "fold" ? `fold ${r.count}` : r.text))).toEqual(["fold 3", "l3", "l4", "new", "l5", "l6", "fold 3"]);
  });

  it("never folds a single line, and a diff without changes folds whole", () => {
    const lines = ops(" a| b| c|+x| d| e| f| g");
    expect(foldRows(diffRows(lines), 2).map((r) => (r.kind === "fold" ? `fold ${r.count}` : r.text))).toEqual(["a", "b", "c", "x", "d", "e", "fold 2"]);
    expect(foldRows(diffRows(ops(" a| b| c")), 1)).toEqual([{ kind: "fold", count: 3 }]);
  });
});

describe("metric deltas", () => {
  it("knows which metrics are better lower", () => {
    expect(lowerIsBetter("validation.tokens")).toBe(true);
    expect(lowerIsBetter("test.costUsd")).toBe(true);
    expect(lowerIsBetter("latencyMs")).toBe(true);
    expect(lowerIsBetter("validation.grade")).toBe(false);
    expect(lowerIsBetter("passRate")).toBe(false);
  });

  it("signs and colours a delta by the metric's direction", () => {
    expect(formatDelta("validation.grade", 0.25)).toEqual({ text: "+0.25", tone: "better" });
    expect(formatDelta("validation.grade", -0.125)).toEqual({ text: "−0.125", tone: "worse" });
    expect(formatDelta("validation.tokens", -12)).toEqual({ text: "−12", tone: "better" });
    expect(formatDelta("validation.tokens", 3)).toEqual({ text: "+3", tone: "worse" });
    expect(formatDelta("x", 0)).toEqual({ text: "±0", tone: "neutral" });
    expect(formatDelta("x", null)).toEqual({ text: "—", tone: "neutral" });
  });

  it("keeps scores and tokens as key metrics, latency and cost on request", () => {
    expect(["validation.grade", "test.passRate", "test.tokens", "validation.p95LatencyMs", "test.cost", "test.totalTokens", "validation.latency"].filter(isPrimaryMetric)).toEqual([
      "validation.grade",
      "test.passRate",
      "test.tokens",
    ]);
  });

  it("formats numbers and values compactly", () => {
    expect(formatNumber(0.916666)).toBe("0.917");
    expect(formatNumber(12)).toBe("12");
    expect(formatNumber(1.5)).toBe("1.5");
    expect(formatNumber(null)).toBe("—");
    expect(formatValue("sim-large")).toBe('"sim-large"');
    expect(formatValue(0.7)).toBe("0.7");
    expect(formatValue(null)).toBe("—");
    expect(formatValue({ type: "json" })).toBe('{"type":"json"}');
  });
});

describe("keyMetrics", () => {
  it("shows objectives on validation then test, then the pass rate, then cost metrics", () => {
    const m = { validation: { passRate: 0.75, grade: 0.8, tokens: 40 }, test: { grade: 0.9, tokens: 41, passRate: 0.8 } };
    expect(keyMetrics(m)).toEqual([
      { name: "grade", split: "val", value: 0.8 },
      { name: "grade", split: "test", value: 0.9 },
      { name: "passRate", split: "val", value: 0.75 },
    ]);
    expect(keyMetrics(m, 10).slice(-2).map((k) => `${k.split}.${k.name}`)).toEqual(["val.tokens", "test.tokens"]);
  });

  it("handles flat metrics and none", () => {
    expect(keyMetrics({ grade: 1 })).toEqual([{ name: "grade", split: "", value: 1 }]);
    expect(keyMetrics(undefined)).toEqual([]);
    expect(keyMetrics(null)).toEqual([]);
  });
});

describe("versionSource", () => {
  const base = { optimizationRunId: null, sourceCandidateId: null, actor: "system", note: null };
  it("labels the baseline, optimizer candidates and manual versions", () => {
    expect(versionSource({ ...base, version: 1 })).toEqual({ kind: "baseline", label: "baseline (graph)" });
    expect(
      versionSource({ ...base, version: 3, optimizationRunId: "0f2a9c1e-aaaa-bbbb", sourceCandidateId: 17, actor: "optimizer", note: "candidate 4 of optimization 0f2a9c1e-aaaa-bbbb" }),
    ).toEqual({ kind: "optimization", label: "optimization aaa-bbbb · candidate #4", runId: "0f2a9c1e-aaaa-bbbb" });
    expect(versionSource({ ...base, version: 2, actor: "ana" })).toEqual({ kind: "manual", label: "by ana" });
  });
});

describe("rollback targets", () => {
  const history = [
    { action: "baseline", fromVersion: null, toVersion: 1 },
    { action: "promote", fromVersion: 1, toVersion: 3 },
    { action: "promote", fromVersion: 3, toVersion: 4 },
  ];
  it("offers earlier production versions, most recent first, never the current one", () => {
    expect(rollbackTargets(history, 4)).toEqual([3, 1]);
    expect(rollbackTargets(history.slice(0, 1), 1)).toEqual([]);
  });
  it("the default undoes the latest promotion while production is still there", () => {
    expect(defaultRollbackTarget(history, 4)).toBe(3);
    expect(defaultRollbackTarget([...history, { action: "rollback", fromVersion: 4, toVersion: 1 }], 1)).toBeNull();
    expect(defaultRollbackTarget(history.slice(0, 1), 1)).toBeNull();
  });
});
