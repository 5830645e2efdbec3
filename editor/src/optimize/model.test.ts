import { describe, expect, it } from "vitest";
import {
  ancestry,
  bestSoFar,
  formatNumber,
  lineageLayout,
  linearScale,
  metricValue,
  niceTicks,
  paddedExtent,
  paretoFront2D,
  plotPoints,
  sortCandidates,
  summarizeParams,
  testFigure,
  validationCandidates,
  type CandidateLike,
  type PlotPoint,
} from "./model.js";

function cand(index: number, over: Partial<CandidateLike> = {}): CandidateLike {
  return {
    id: index + 100,
    index,
    generation: 0,
    parentIds: [],
    status: "evaluated",
    split: "validation",
    params: { answer: { model: "sim-small", temperature: 0, maxTokens: 256, fewShot: [], systemPrompt: "Be brief.", prompt: "{{ inputs.q }}" } },
    metrics: { grade: 0.5, tokens: 40, latency: 120, cost: 0 },
    objectives: { grade: 0.5, tokens: 40 },
    tokens: 400,
    costUsd: 0,
    latencyMs: null,
    ...over,
  };
}

describe("scales and axes", () => {
  it("maps a domain onto a range and back (inverted y too)", () => {
    const x = linearScale([0, 10], [40, 240]);
    expect(x(0)).toBe(40);
    expect(x(5)).toBe(140);
    expect(x(10)).toBe(240);
    expect(x.invert(140)).toBe(5);
    const y = linearScale([0, 1], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(1)).toBe(0);
    expect(y(0.25)).toBe(150);
  });

  it("maps a zero-width domain to the middle of the range", () => {
    expect(linearScale([3, 3], [0, 100])(3)).toBe(50);
  });

  it("makes nice ticks of 1/2/5 steps inside the extent", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 23, 5)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(37, 142, 4)).toEqual([40, 60, 80, 100, 120, 140]);
    expect(niceTicks(-0.04, 0.93, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });

  it("pads extents, and widens a single value", () => {
    expect(paddedExtent([0, 10], 0.1)).toEqual([-1, 11]);
    expect(paddedExtent([5])).toEqual([4.5, 5.5]);
    expect(paddedExtent([0])).toEqual([-1, 1]);
    expect(paddedExtent([])).toEqual([0, 1]);
  });

  it("formats numbers for ticks and cells", () => {
    expect(formatNumber(undefined)).toBe("—");
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(0.91666)).toBe("0.917");
    expect(formatNumber(42.123)).toBe("42.12");
    expect(formatNumber(1234.5)).toBe("1235");
    expect(formatNumber(25_000)).toBe("25.0k");
  });
});

describe("candidate values", () => {
  it("reads objectives first, then metrics; unscored candidates have none", () => {
    const c = cand(1, { objectives: { grade: 0.8 }, metrics: { grade: 0.7, latency: 90 } });
    expect(metricValue(c, "grade")).toBe(0.8);
    expect(metricValue(c, "latency")).toBe(90);
    expect(metricValue(cand(2, { objectives: null, metrics: null }), "grade")).toBeUndefined();
  });

  it("shows a test re-score cut short as not scored (with why), never as a value", () => {
    const cut = cand(3, { split: "test", status: "failed", rejectReason: "budget exhausted (6000 of 6000 tokens spent): 2 of 9 examples scored", metrics: { grade: 0, n: 2, errors: 7 } });
    expect(testFigure(cut, "grade")).toEqual({ notScored: "budget exhausted (6000 of 6000 tokens spent): 2 of 9 examples scored" });
    expect(testFigure(cand(3, { split: "test" }), "grade")).toEqual({ value: 0.5 });
    expect(testFigure(undefined, "grade")).toBeUndefined();
  });

  it("keeps the validation split in index order", () => {
    const all = [cand(2), cand(0), cand(1, { split: "test" }), cand(1)];
    expect(validationCandidates(all).map((c) => c.index)).toEqual([0, 1, 2]);
  });

  it("tracks the best score so far, ignoring rejected candidates", () => {
    const cs = [
      cand(0, { objectives: { grade: 0.4 } }),
      cand(1, { objectives: { grade: 0.9 }, status: "rejected" }),
      cand(2, { objectives: { grade: 0.6 } }),
      cand(3, { objectives: { grade: 0.5 } }),
    ];
    expect(bestSoFar(cs, "grade", "max").map((p) => [p.index, p.best, p.bestIndex])).toEqual([
      [0, 0.4, 0],
      [1, 0.4, 0],
      [2, 0.6, 2],
      [3, 0.6, 2],
    ]);
    expect(bestSoFar(cs, "grade", "min").at(-1)?.best).toBe(0.4);
    expect(bestSoFar(cs, "grade", "max")[1].value).toBeUndefined();
  });
});

describe("Pareto front of the plot", () => {
  const pt = (index: number, x: number, y: number, rejected = false): PlotPoint => ({ index, x, y, rejected });

  it("keeps the non-dominated points (quality max, cost min)", () => {
    const pts = [pt(0, 50, 0.4), pt(1, 30, 0.4), pt(2, 60, 0.9), pt(3, 40, 0.7), pt(4, 45, 0.6), pt(5, 70, 0.9)];
    // 0 is dominated by 1 (cheaper, equal); 4 by 3; 5 by 2.
    expect([...paretoFront2D(pts)].sort()).toEqual([1, 2, 3]);
  });

  it("never puts a rejected point on the front, and keeps the first of equal points", () => {
    const pts = [pt(0, 10, 1, true), pt(1, 20, 0.5), pt(2, 20, 0.5)];
    expect([...paretoFront2D(pts)]).toEqual([1]);
  });

  it("honours a minimized quality axis", () => {
    const pts = [pt(0, 10, 3), pt(1, 20, 1), pt(2, 30, 2)];
    expect([...paretoFront2D(pts, "min")].sort()).toEqual([0, 1]);
  });

  it("plots candidates that have both values, rejected ones flagged", () => {
    const cs = [cand(0), cand(1, { status: "rejected" }), cand(2, { metrics: null, objectives: null, status: "rejected" })];
    expect(plotPoints(cs, "grade", "tokens")).toEqual([
      { index: 0, x: 40, y: 0.5, rejected: false },
      { index: 1, x: 40, y: 0.5, rejected: true },
    ]);
  });
});

describe("lineage", () => {
  const cs = [
    cand(0),
    cand(1, { generation: 1, parentIds: [0] }),
    cand(2, { generation: 1, parentIds: [0] }),
    cand(3, { generation: 2, parentIds: [1, 2] }),
    cand(4, { generation: 2, parentIds: [2, 99] }),
  ];

  it("lays out one column per generation, index order down each column", () => {
    const l = lineageLayout(cs, { colWidth: 100, rowHeight: 20, padX: 10, padY: 10 });
    const at = Object.fromEntries(l.nodes.map((n) => [n.index, [n.x, n.y]]));
    expect(at).toEqual({ 0: [10, 10], 1: [110, 10], 2: [110, 30], 3: [210, 10], 4: [210, 30] });
    expect(l.generations).toEqual([0, 1, 2]);
    expect(l.width).toBe(220);
    expect(l.height).toBe(40);
    // Unknown parents (99) are ignored.
    expect(l.edges).toEqual([
      { from: 0, to: 1 },
      { from: 0, to: 2 },
      { from: 1, to: 3 },
      { from: 2, to: 3 },
      { from: 2, to: 4 },
    ]);
  });

  it("compacts sparse generation numbers into adjacent columns", () => {
    const l = lineageLayout([cand(0), cand(1, { generation: 5, parentIds: [0] })], { colWidth: 50, padX: 0 });
    expect(l.nodes.map((n) => n.x)).toEqual([0, 50]);
  });

  it("finds a candidate's ancestry", () => {
    expect([...ancestry(cs, 3)].sort()).toEqual([0, 1, 2, 3]);
    expect([...ancestry(cs, 4)].sort()).toEqual([0, 2, 4, 99]);
    expect(ancestry(cs, null).size).toBe(0);
  });
});

describe("table and parameters", () => {
  it("sorts by a column with missing values last and ties by index", () => {
    const cs = [cand(0, { objectives: { grade: 0.5 } }), cand(1, { objectives: { grade: 0.9 } }), cand(2, { objectives: null, metrics: null }), cand(3, { objectives: { grade: 0.5 } })];
    expect(sortCandidates(cs, "obj:grade", "desc").map((c) => c.index)).toEqual([1, 0, 3, 2]);
    expect(sortCandidates(cs, "obj:grade", "asc").map((c) => c.index)).toEqual([0, 3, 1, 2]);
    expect(sortCandidates(cs, "index", "desc").map((c) => c.index)).toEqual([3, 2, 1, 0]);
  });

  it("summarizes parameter bundles", () => {
    const [s] = summarizeParams({ answer: { model: "sim-large", temperature: 0.3, maxTokens: 128, fewShot: [{}, {}], systemPrompt: "x", prompt: "y" } });
    expect(s).toMatchObject({ nodeId: "answer", model: "sim-large", temperature: 0.3, maxTokens: 128, demos: 2, systemPrompt: "x", prompt: "y" });
  });
});
