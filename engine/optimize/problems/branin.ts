// Branin–Hoo: 2-D, three global minima of 0.397887 on x1 ∈ [-5, 10], x2 ∈ [0, 15].
import type { BenchmarkProblem } from "./problem.js";

const a = 1;
const b = 5.1 / (4 * Math.PI ** 2);
const c = 5 / Math.PI;
const r = 6;
const s = 10;
const t = 1 / (8 * Math.PI);

/** The Branin function (minimise); optimum 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475). */
export function branin(): BenchmarkProblem {
  return {
    id: "branin",
    space: [
      { kind: "float", name: "x1", low: -5, high: 10 },
      { kind: "float", name: "x2", low: 0, high: 15 },
    ],
    objectives: [{ name: "f", direction: "min" }],
    evaluate(point) {
      const x1 = Number(point.x1);
      const x2 = Number(point.x2);
      return [a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * Math.cos(x1) + s];
    },
    optimum: {
      value: 0.397887,
      points: [
        { x1: -Math.PI, x2: 12.275 },
        { x1: Math.PI, x2: 2.275 },
        { x1: 3 * Math.PI, x2: 2.475 },
      ],
    },
  };
}
