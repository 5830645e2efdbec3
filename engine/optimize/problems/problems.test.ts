import { describe, expect, it } from "vitest";
import { hypervolume } from "../hypervolume.js";
import { paretoFront } from "../pareto.js";
import { validateSpace } from "../space.js";
import { allProblems, branin, dtlz2, rosenbrock, zdt1, zdt2, zdt3 } from "./index.js";

describe("benchmark problems", () => {
  it("have valid spaces and objectives matching their outputs", () => {
    for (const p of Object.values(allProblems())) {
      validateSpace(p.space);
      const mid = Object.fromEntries(p.space.map((d) => [d.name, d.kind === "float" ? (d.low + d.high) / 2 : 0]));
      expect(p.evaluate(mid)).toHaveLength(p.objectives.length);
    }
    expect(Object.keys(allProblems()).sort()).toEqual(["branin", "dtlz2", "rosenbrock-5d", "zdt1", "zdt2", "zdt3"]);
  });

  it("evaluate to their known optimum at the optimal points", () => {
    for (const p of [branin(), rosenbrock(2), rosenbrock(10)]) {
      for (const x of p.optimum!.points) expect(p.evaluate(x)[0]).toBeCloseTo(p.optimum!.value, 5);
    }
    expect(branin().evaluate({ x1: 0, x2: 0 })[0]).toBeCloseTo(55.6021, 3);
    expect(rosenbrock(2).evaluate({ x1: 0, x2: 0 })[0]).toBe(1);
  });

  it("have Pareto sets whose fronts reach the stated true hypervolume", () => {
    for (const [p, tol] of [
      [zdt1(3), 1e-4],
      [zdt2(3), 1e-4],
      [zdt3(3), 2e-4],
    ] as const) {
      // The front does not depend on the number of variables; 3 keeps the test fast.
      const obs = p.paretoSet!(10_001).map((point) => ({ point, values: p.evaluate(point) }));
      const front = paretoFront(obs, p.objectives).map((o) => o.values);
      expect(Math.abs(hypervolume(front, p.reference!) - p.trueHypervolume!)).toBeLessThan(tol);
    }
    expect(zdt1().evaluate(zdt1().paretoSet!(5)[2])).toEqual([0.5, 1 - Math.sqrt(0.5)]);
    expect(zdt3().evaluate(zdt3().paretoSet!(21)[17])[1]).toBeLessThan(0);
  });

  it("DTLZ2's optimal points lie on the unit sphere; its true hypervolume is 1 − π/6", () => {
    const p = dtlz2();
    expect(p.space).toHaveLength(12);
    expect(p.trueHypervolume).toBeCloseTo(1 - Math.PI / 6, 10);
    expect(p.trueHypervolume).toBeCloseTo(0.4764, 4);
    for (const x of p.paretoSet!(50)) expect(Math.hypot(...p.evaluate(x))).toBeCloseTo(1, 12);
    const off = { ...p.paretoSet!(1)[0], x12: 1 };
    expect(Math.hypot(...p.evaluate(off))).toBeCloseTo(1.25, 12);
  });
});
