import { describe, expect, it } from "vitest";
import { observationHypervolume } from "./hypervolume.js";
import { createNsga2 } from "./nsga2.js";
import { zdt1 } from "./problems/zdt1.js";
import type { Objective, Observation, Point, SearchSpace } from "./types.js";

const mixed: SearchSpace = [
  { kind: "float", name: "x", low: 0, high: 1 },
  { kind: "float", name: "lr", low: 1e-3, high: 1, log: true },
  { kind: "int", name: "k", low: 1, high: 5 },
  { kind: "categorical", name: "model", choices: ["a", "b", "c"] },
];
const objectives: Objective[] = [
  { name: "quality", direction: "max" },
  { name: "cost", direction: "min" },
];
const f = (p: Point) => [Number(p.x) + (p.model === "b" ? 0.5 : 0), Number(p.x) ** 2 + Number(p.k) / 5];

function generations(s: ReturnType<typeof createNsga2>, g: number, size: number, fn: (p: Point) => number[]): Observation[] {
  const all: Observation[] = [];
  for (let i = 0; i < g; i++) {
    const obs = s.ask(size).map((point) => ({ point, values: fn(point) }));
    s.tell(obs);
    all.push(...obs);
  }
  return all;
}

describe("NSGA-II", () => {
  it("is deterministic for a seed and tell sequence", () => {
    const a = generations(createNsga2({ space: mixed, objectives, seed: 2, populationSize: 10 }), 5, 10, f);
    const b = generations(createNsga2({ space: mixed, objectives, seed: 2, populationSize: 10 }), 5, 10, f);
    expect(b).toEqual(a);
  });

  it("respects types and bounds on a mixed space", () => {
    const all = generations(createNsga2({ space: mixed, objectives, seed: 1, populationSize: 12 }), 8, 12, f);
    for (const { point } of all) {
      expect(point.x as number).toBeGreaterThanOrEqual(0);
      expect(point.x as number).toBeLessThanOrEqual(1);
      expect(point.lr as number).toBeGreaterThanOrEqual(1e-3);
      expect(point.lr as number).toBeLessThanOrEqual(1);
      expect([1, 2, 3, 4, 5]).toContain(point.k);
      expect(["a", "b", "c"]).toContain(point.model);
    }
  });

  it("advances a generation once a population's worth of tells arrives", () => {
    const s = createNsga2({ space: mixed, objectives, seed: 1, populationSize: 6 });
    expect(s.generation).toBe(0);
    const pts = s.ask(4);
    s.tell(pts.map((point) => ({ point, values: f(point) })));
    expect(s.generation).toBe(0);
    // Handing out more than λ breeds extras rather than running dry.
    const more = s.ask(10);
    expect(more).toHaveLength(10);
    s.tell(more.slice(0, 2).map((point) => ({ point, values: f(point) })));
    expect(s.generation).toBe(1);
    expect(s.population()).toHaveLength(6);
  });

  it("reaches a good hypervolume on ZDT1 with a small budget", () => {
    const p = zdt1(10);
    const s = createNsga2({ space: p.space, objectives: p.objectives, seed: 1, populationSize: 40 });
    generations(s, 75, 40, p.evaluate);
    expect(observationHypervolume(s.population(), p.objectives, [1, 1])).toBeGreaterThan(0.62);
  });

  it("keeps feasible members over infeasible ones", () => {
    const s = createNsga2({ space: mixed, objectives, seed: 3, populationSize: 10 });
    for (let i = 0; i < 10; i++) {
      const obs = s.ask(10).map((point) => ({ point, values: f(point), feasible: point.model !== "b" }));
      s.tell(obs);
    }
    expect(s.population().every((o) => o.feasible !== false)).toBe(true);
  });

  it("optimises a single objective", () => {
    const s = createNsga2({ space: mixed, objectives: [{ name: "loss", direction: "min" }], seed: 4, populationSize: 10 });
    const all = generations(s, 20, 10, (p) => [(Number(p.x) - 0.3) ** 2 + (p.model === "c" ? 0 : 1)]);
    expect(Math.min(...all.slice(100).map((o) => o.values[0]))).toBeLessThan(1e-3);
  });

  it("resumes by replaying tells", () => {
    const live = createNsga2({ space: mixed, objectives, seed: 5, populationSize: 8 });
    const told = generations(live, 3, 5, f);
    const resumed = createNsga2({ space: mixed, objectives, seed: 5, populationSize: 8 });
    resumed.tell(told);
    expect(resumed.generation).toBe(live.generation);
    expect(resumed.ask(6)).toEqual(live.ask(6));
  });
});

describe("NSGA-II on a small discrete space", () => {
  it("re-breeds duplicates instead of spending evaluations on repeats", () => {
    const small: SearchSpace = [
      { kind: "int", name: "k", low: 1, high: 4 },
      { kind: "categorical", name: "model", choices: ["a", "b", "c"] },
    ];
    const s = createNsga2({ space: small, objectives: [{ name: "f", direction: "min" }], seed: 1, populationSize: 4 });
    const seen = generations(s, 3, 4, (p) => [Number(p.k) + (p.model === "b" ? 0 : 1)]).map((o) => JSON.stringify(o.point));
    // Without the re-breeding, this run repeats half of its 12 evaluations.
    expect(new Set(seen).size).toBeGreaterThanOrEqual(10);
    expect(new Set(seen.slice(0, 4)).size).toBe(4);
  });
});
