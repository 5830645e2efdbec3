/** The pure parts of one-click optimize: which dataset a node names, the nearest plot point, the suggested promote reason. */
import { describe, expect, it } from "vitest";
import { importNameFor, looksLikeExampleFile, matchDatasetRef, type DatasetChoice } from "./dataset-ref.js";
import type { CandidateLike } from "./model.js";
import { drawOrder, nearestPoint, type ScreenPoint } from "./nearest.js";
import { suggestReason } from "./promote.js";

const ds = (id: string, name: string, version: number, fileName: string): DatasetChoice => ({ id, name, version, fileName, rows: 10 });
const ALL = [ds("id-qa1", "qa", 1, "qa.dataset.jsonl"), ds("id-qa2", "qa", 2, "mine.jsonl"), ds("id-m1", "math", 1, "problems.csv"), ds("id-m2", "math", 2, "problems.csv")];

describe("matchDatasetRef", () => {
  it("finds a dataset by name, by the stem of a file path, by id and by the file it was imported from", () => {
    expect(matchDatasetRef("qa", ALL)).toMatchObject({ value: "qa", dataset: { id: "id-qa2" } });
    expect(matchDatasetRef("examples/qa.dataset.jsonl", ALL)).toMatchObject({ value: "qa", dataset: { id: "id-qa2" } });
    expect(matchDatasetRef("id-m2", ALL)).toMatchObject({ value: "math", dataset: { id: "id-m2" } });
    // An older version named by id is pinned (selected by its id, not the name's newest).
    expect(matchDatasetRef("id-qa1", ALL)).toMatchObject({ value: "id-qa1", dataset: { version: 1 } });
    expect(matchDatasetRef("data/problems.csv", ALL)).toMatchObject({ value: "math", dataset: { id: "id-m2" } });
    expect(matchDatasetRef("C:\\data\\problems.csv", ALL)).toMatchObject({ value: "math" });
  });

  it("is undefined for nothing, blanks and unknown references", () => {
    expect(matchDatasetRef(undefined, ALL)).toBeUndefined();
    expect(matchDatasetRef("   ", ALL)).toBeUndefined();
    expect(matchDatasetRef("examples/jury.dataset.jsonl", ALL)).toBeUndefined();
    expect(matchDatasetRef("qa", [])).toBeUndefined();
  });

  it("tells an example file from another path, and names the import after the stem", () => {
    expect(looksLikeExampleFile("examples/qa.dataset.jsonl")).toBe(true);
    expect(looksLikeExampleFile("qa.dataset.csv")).toBe(true);
    expect(looksLikeExampleFile("../examples/qa.dataset.jsonl")).toBe(false);
    expect(looksLikeExampleFile("data/reviews.csv")).toBe(false);
    expect(importNameFor("examples/qa.dataset.jsonl")).toBe("qa");
    expect(importNameFor("data/reviews.csv")).toBe("reviews");
  });
});

describe("nearestPoint", () => {
  const pts: ScreenPoint[] = [
    { index: 3, x: 100, y: 50, front: false },
    { index: 1, x: 100, y: 50, front: true },
    { index: 2, x: 140, y: 50, front: false },
    { index: 0, x: 10, y: 10, front: true },
  ];

  it("picks the nearest point in screen space, wherever the click is", () => {
    expect(nearestPoint(pts, 135, 60)).toBe(2);
    expect(nearestPoint(pts, 0, 0)).toBe(0);
    expect(nearestPoint(pts, 500, 500)).toBe(2);
    expect(nearestPoint([], 1, 1)).toBeUndefined();
  });

  it("of coincident points picks the front one first, then cycles through them on repeated clicks", () => {
    expect(nearestPoint(pts, 101, 51)).toBe(1);
    expect(nearestPoint(pts, 101, 51, 1)).toBe(3);
    expect(nearestPoint(pts, 101, 51, 3)).toBe(1);
    // A selection elsewhere does not change the first pick.
    expect(nearestPoint(pts, 101, 51, 2)).toBe(1);
  });

  it("draws rejected, then evaluated, then front points, the selected one last", () => {
    const plot = [
      { index: 0, rejected: false },
      { index: 1, rejected: true },
      { index: 2, rejected: false },
      { index: 3, rejected: false },
    ];
    expect(drawOrder(plot, new Set([0, 3]), null).map((p) => p.index)).toEqual([1, 2, 0, 3]);
    expect(drawOrder(plot, new Set([0, 3]), 2).map((p) => p.index)).toEqual([1, 0, 3, 2]);
  });
});

describe("suggestReason", () => {
  const cand = (index: number, metrics: Record<string, number>): CandidateLike => ({
    id: index + 1,
    index,
    generation: 0,
    parentIds: [],
    status: "evaluated",
    split: "validation",
    params: {},
    metrics,
    tokens: metrics.tokens ?? 0,
    costUsd: 0,
    latencyMs: null,
  });

  it("names the candidate, the run and each objective against the baseline", () => {
    const runId = "0f3c2b1a-aaaa-bbbb-cccc-1234567890ab";
    const text = suggestReason({ runId, candidate: cand(7, { grade: 0.9166, tokens: 52 }), baseline: cand(0, { grade: 0.4166, tokens: 40 }), objectives: [{ metric: "grade" }, { metric: "tokens" }] });
    expect(text).toBe("candidate #7 of optimization 567890ab: grade 0.917 (baseline 0.417), tokens 52 (baseline 40) on validation");
  });

  it("leaves out the baseline for the baseline itself and metrics the candidate lacks", () => {
    const base = cand(0, { grade: 0.5 });
    expect(suggestReason({ runId: "r1", candidate: base, baseline: base, objectives: [{ metric: "grade" }, { metric: "latency" }] })).toBe("candidate #0 of optimization r1: grade 0.5 on validation");
    expect(suggestReason({ runId: "r1", candidate: cand(2, {}), objectives: [{ metric: "nope" }] })).toBe("candidate #2 of optimization r1");
  });
});
