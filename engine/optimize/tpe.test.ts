import { describe, expect, it } from "vitest";
import { branin } from "./problems/branin.js";
import { createRandomSearch } from "./random.js";
import { createTpe, defaultGamma, defaultWeights } from "./tpe.js";
import type { Objective, Observation, Point, SearchSpace, SearchStrategy } from "./types.js";

const mixed: SearchSpace = [
  { kind: "float", name: "x", low: -2, high: 2 },
  { kind: "float", name: "lr", low: 1e-4, high: 1, log: true },
  { kind: "int", name: "k", low: 0, high: 20, step: 4 },
  { kind: "categorical", name: "model", choices: ["small", "medium", "large"] },
];
const minimize: Objective[] = [{ name: "loss", direction: "min" }];
// Best at x = 0.5, lr = 1e-2, k = 8, model = "medium".
const loss = (p: Point) => (Number(p.x) - 0.5) ** 2 + Math.log10(Number(p.lr) / 1e-2) ** 2 + (Number(p.k) - 8) ** 2 / 16 + (p.model === "medium" ? 0 : 1);

function run(s: SearchStrategy, f: (p: Point) => number[], evals: number, batch = 1): Observation[] {
  const all: Observation[] = [];
  while (all.length < evals) {
    const obs = s.ask(batch).map((point) => ({ point, values: f(point) }));
    s.tell(obs);
    all.push(...obs);
  }
  return all;
}

describe("TPE", () => {
  it("is deterministic for a seed and tell sequence", () => {
    const a = run(createTpe({ space: mixed, objectives: minimize, seed: 3 }), (p) => [loss(p)], 30);
    const b = run(createTpe({ space: mixed, objectives: minimize, seed: 3 }), (p) => [loss(p)], 30);
    expect(b).toEqual(a);
  });

  it("keeps every proposal inside the space's types and bounds", () => {
    const all = run(createTpe({ space: mixed, objectives: minimize, seed: 1, nStartup: 5 }), (p) => [loss(p)], 40, 4);
    for (const { point } of all) {
      expect(Math.abs(point.x as number)).toBeLessThanOrEqual(2);
      expect(point.lr as number).toBeGreaterThanOrEqual(1e-4);
      expect(point.lr as number).toBeLessThanOrEqual(1);
      expect([0, 4, 8, 12, 16, 20]).toContain(point.k);
      expect(["small", "medium", "large"]).toContain(point.model);
    }
  });

  it("learns the good categorical and int values", () => {
    const all = run(createTpe({ space: mixed, objectives: minimize, seed: 2 }), (p) => [loss(p)], 80);
    const late = all.slice(40);
    expect(late.filter((o) => o.point.model === "medium").length).toBeGreaterThan(25);
    expect(late.filter((o) => o.point.k === 8).length).toBeGreaterThan(15);
  });

  it("beats random search on Branin with a small budget (mean over seeds)", () => {
    const p = branin();
    const best = (s: SearchStrategy) => Math.min(...run(s, p.evaluate, 60).map((o) => o.values[0]));
    let tpe = 0;
    let rnd = 0;
    for (let seed = 0; seed < 5; seed++) {
      tpe += best(createTpe({ space: p.space, objectives: p.objectives, seed }));
      rnd += best(createRandomSearch({ space: p.space, objectives: p.objectives, seed }));
    }
    expect(tpe).toBeLessThan(rnd);
    expect(tpe / 5).toBeLessThan(1);
  });

  it("maximises when asked to", () => {
    const all = run(createTpe({ space: mixed, objectives: [{ name: "score", direction: "max" }], seed: 4 }), (p) => [-loss(p)], 60);
    const firstTen = Math.max(...all.slice(0, 10).map((o) => o.values[0]));
    expect(Math.max(...all.slice(10).map((o) => o.values[0]))).toBeGreaterThan(firstTen);
  });

  it("steers away from infeasible regions even when failures report attractive values", () => {
    // Evaluations with x > 0.3 fail and report 0 (better than any real value); the feasible optimum is 1 at x = -0.5.
    const f = (p: Point): Observation => {
      const x = Number(p.x);
      return x > 0.3 ? { point: p, values: [0], feasible: false } : { point: p, values: [(x + 0.5) ** 2 + 1] };
    };
    const s = createTpe({ space: [{ kind: "float", name: "x", low: -1, high: 1 }], objectives: minimize, seed: 5 });
    const all: Observation[] = [];
    for (let i = 0; i < 60; i++) {
      const obs = s.ask(1).map(f);
      s.tell(obs);
      all.push(...obs);
    }
    expect(all.slice(30).filter((o) => o.feasible !== false).length).toBeGreaterThan(25);
    expect(Math.min(...all.filter((o) => o.feasible !== false).map((o) => o.values[0]))).toBeLessThan(1.01);
  });

  it("handles several objectives", () => {
    const objectives: Objective[] = [
      { name: "quality", direction: "max" },
      { name: "cost", direction: "min" },
    ];
    const f = (p: Point) => [-loss(p), Number(p.k)];
    const all = run(createTpe({ space: mixed, objectives, seed: 6 }), f, 40, 5);
    expect(all).toHaveLength(40);
  });

  it("spreads a batch with the constant liar and resumes by replaying tells", () => {
    const live = createTpe({ space: mixed, objectives: minimize, seed: 8 });
    const told = run(live, (p) => [loss(p)], 20);
    const batch = live.ask(4);
    expect(new Set(batch.map((p) => JSON.stringify(p))).size).toBe(4);
    const resumed = createTpe({ space: mixed, objectives: minimize, seed: 8 });
    resumed.tell(told);
    expect(resumed.ask(4)).toEqual(batch);
  });

  it("uses Optuna's default γ and weights", () => {
    expect([1, 10, 11, 100, 1000].map(defaultGamma)).toEqual([1, 1, 2, 10, 25]);
    expect(defaultWeights(3)).toEqual([1, 1, 1]);
    const w = defaultWeights(50);
    expect(w).toHaveLength(50);
    expect(w[0]).toBeCloseTo(1 / 50);
    expect(w.slice(25).every((v) => v === 1)).toBe(true);
  });

  it("validates its options", () => {
    expect(() => createTpe({ space: mixed, objectives: minimize, seed: 1, nCandidates: 0 })).toThrow(/nCandidates/);
    expect(() => createTpe({ space: mixed, objectives: minimize, seed: 1, nStartup: "10" as unknown as number })).toThrow(/nStartup/);
  });
});
