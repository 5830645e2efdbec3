import { describe, expect, it } from "vitest";
import { createGridSearch } from "./grid.js";
import { pointKey } from "./space.js";
import type { Objective, SearchSpace } from "./types.js";

const space: SearchSpace = [
  { kind: "float", name: "t", low: 0, high: 1 },
  { kind: "int", name: "k", low: 1, high: 3 },
  { kind: "categorical", name: "m", choices: ["a", "b"] },
];
const objectives: Objective[] = [{ name: "f", direction: "max" }];

describe("grid search", () => {
  it("covers the full factorial grid once, then reports exhaustion", () => {
    const g = createGridSearch({ space, objectives, seed: 1 });
    const pts = [...g.ask(7), ...g.ask(100)];
    expect(pts).toHaveLength(5 * 3 * 2);
    expect(new Set(pts.map((p) => pointKey(space, p))).size).toBe(30);
    expect(new Set(pts.map((p) => p.t))).toEqual(new Set([0, 0.25, 0.5, 0.75, 1]));
    expect(g.ask(3)).toEqual([]);
  });

  it("enumerates in a seeded shuffled order", () => {
    const order = (seed: number) => createGridSearch({ space, objectives, seed }).ask(30).map((p) => pointKey(space, p));
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
    // The first few points already spread across the first axis (not a lexicographic sweep).
    const first = createGridSearch({ space, objectives, seed: 3 }).ask(6);
    expect(new Set(first.map((p) => p.t)).size).toBeGreaterThan(2);
  });

  it("honours pointsPerDimension and handles huge grids lazily", () => {
    // t and k (3 values > 2) get two values each, m keeps both choices.
    expect(createGridSearch({ space, objectives, seed: 1, pointsPerDimension: 2 }).ask(100)).toHaveLength(2 * 2 * 2);
    const big: SearchSpace = Array.from({ length: 40 }, (_, i) => ({ kind: "float" as const, name: `x${i}`, low: 0, high: 1 }));
    const pts = createGridSearch({ space: big, objectives, seed: 1 }).ask(50);
    expect(new Set(pts.map((p) => pointKey(big, p))).size).toBe(50);
    expect(() => createGridSearch({ space, objectives, seed: 1, pointsPerDimension: 0 })).toThrow(/pointsPerDimension/);
  });

  it("skips points already told when resumed", () => {
    const live = createGridSearch({ space, objectives, seed: 4 });
    const first = live.ask(10);
    const resumed = createGridSearch({ space, objectives, seed: 4 });
    resumed.tell(first.map((point) => ({ point, values: [1] })));
    const rest = resumed.ask(100);
    expect(rest).toHaveLength(20);
    expect(rest).toEqual(live.ask(100));
  });
});
