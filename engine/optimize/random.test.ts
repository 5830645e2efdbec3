import { describe, expect, it } from "vitest";
import { createRandomSearch } from "./random.js";
import type { Objective, Point, SearchSpace } from "./types.js";

const space: SearchSpace = [
  { kind: "float", name: "x", low: -1, high: 1 },
  { kind: "float", name: "lr", low: 1e-5, high: 1e-1, log: true },
  { kind: "int", name: "n", low: 0, high: 10, step: 5 },
  { kind: "categorical", name: "c", choices: ["a", "b"] },
];
const objectives: Objective[] = [{ name: "f", direction: "min" }];
const f = (p: Point) => [Number(p.x) ** 2];

describe("random search", () => {
  it("is deterministic per seed", () => {
    const a = createRandomSearch({ space, objectives, seed: 5 }).ask(10);
    expect(createRandomSearch({ space, objectives, seed: 5 }).ask(10)).toEqual(a);
    expect(createRandomSearch({ space, objectives, seed: 6 }).ask(10)).not.toEqual(a);
  });

  it("respects types and bounds, log-uniformly on log dimensions", () => {
    const pts = createRandomSearch({ space, objectives, seed: 1 }).ask(3000);
    expect(pts.every((p) => Math.abs(p.x as number) <= 1)).toBe(true);
    expect(new Set(pts.map((p) => p.n))).toEqual(new Set([0, 5, 10]));
    expect(new Set(pts.map((p) => p.c))).toEqual(new Set(["a", "b"]));
    const lowDecades = pts.filter((p) => (p.lr as number) < 1e-3).length / pts.length;
    expect(lowDecades).toBeGreaterThan(0.45);
    expect(lowDecades).toBeLessThan(0.55);
  });

  it("resumes by replaying tells", () => {
    const live = createRandomSearch({ space, objectives, seed: 9 });
    const told = [];
    for (let i = 0; i < 3; i++) {
      const batch = live.ask(4).map((point) => ({ point, values: f(point) }));
      live.tell(batch);
      told.push(...batch);
    }
    const resumed = createRandomSearch({ space, objectives, seed: 9 });
    resumed.tell(told);
    expect(resumed.ask(5)).toEqual(live.ask(5));
  });
});
