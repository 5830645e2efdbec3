import { describe, expect, it } from "vitest";
import { crowdedOrder, crowdingDistance, dominates, isFeasible, nonDominatedSort, nonDominatedSortMin, paretoFront, toMinimization } from "./pareto.js";
import type { Objective, Observation } from "./types.js";

const minMin: Objective[] = [
  { name: "f1", direction: "min" },
  { name: "f2", direction: "min" },
];
const qualityCost: Objective[] = [
  { name: "quality", direction: "max" },
  { name: "cost", direction: "min" },
];
const obs = (values: number[], feasible?: boolean): Observation => ({ point: { v: values.join(",") }, values, feasible });

describe("dominance", () => {
  it("applies directions", () => {
    expect(dominates(obs([0.9, 10]), obs([0.7, 12]), qualityCost)).toBe(true);
    expect(dominates(obs([0.9, 10]), obs([0.8, 5]), qualityCost)).toBe(false);
    expect(dominates(obs([0.8, 5]), obs([0.9, 10]), qualityCost)).toBe(false);
    expect(dominates(obs([0.8, 5]), obs([0.8, 5]), qualityCost)).toBe(false);
    expect(toMinimization([0.9, 10], qualityCost)).toEqual([-0.9, 10]);
  });

  it("never lets an infeasible observation beat a feasible one", () => {
    const bad = obs([1, 0], false);
    const good = obs([0, 100]);
    expect(dominates(bad, good, qualityCost)).toBe(false);
    expect(dominates(good, bad, qualityCost)).toBe(true);
    expect(isFeasible(obs([Number.NaN, 1]))).toBe(false);
    expect(dominates(obs([0.5, 1], false), obs([0.4, 2], false), qualityCost)).toBe(true);
  });
});

describe("nonDominatedSort", () => {
  it("ranks a hand example into fronts", () => {
    // A(1,5) B(2,3) C(4,1) are mutually non-dominated; D(3,4) is beaten by B; E(5,5) by A and D.
    const values = [
      [1, 5],
      [2, 3],
      [4, 1],
      [3, 4],
      [5, 5],
    ];
    expect(nonDominatedSortMin(values)).toEqual([[0, 1, 2], [3], [4]]);
  });

  it("puts infeasible observations behind every feasible one", () => {
    const list = [obs([0.9, 50]), obs([1, 1], false), obs([0.5, 5])];
    expect(nonDominatedSort(list, qualityCost)).toEqual([[0, 2], [1]]);
  });
});

describe("crowdingDistance", () => {
  it("gives boundaries infinity and sums normalised neighbour gaps", () => {
    expect(crowdingDistance([[1, 5], [2, 3], [4, 1]])).toEqual([Infinity, 2, Infinity]);
    const cd = crowdingDistance([[0, 4], [1, 2], [2, 1.5], [4, 0]]);
    expect(cd[0]).toBe(Infinity);
    expect(cd[3]).toBe(Infinity);
    expect(cd[1]).toBeCloseTo(0.5 + 0.625);
    expect(cd[2]).toBeCloseTo(0.75 + 0.5);
  });

  it("orders by front, then most isolated first", () => {
    expect(crowdedOrder([[0, 4], [1, 2], [2, 1.5], [4, 0], [5, 5]])).toEqual([0, 3, 2, 1, 4]);
  });
});

describe("paretoFront", () => {
  it("returns the feasible non-dominated observations", () => {
    const a = obs([0.9, 10]);
    const b = obs([0.8, 5]);
    const c = obs([0.7, 12]);
    const d = obs([1, 1], false);
    expect(paretoFront([a, b, c, d], qualityCost)).toEqual([a, b]);
    expect(paretoFront([d], qualityCost)).toEqual([]);
    expect(paretoFront([obs([1, 1]), obs([1, 1])], minMin)).toHaveLength(2);
  });
});
