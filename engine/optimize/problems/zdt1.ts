// ZDT1 (Zitzler, Deb, Thiele 2000): convex front f2 = 1 - sqrt(f1), 30 variables on [0, 1].
import type { BenchmarkProblem } from "./problem.js";
import { floatSpace, toPoint, twoMinObjectives, vector } from "./problem.js";

/** ZDT1 with `n` variables (30 by default); true hypervolume 2/3 at reference (1, 1). */
export function zdt1(n = 30): BenchmarkProblem {
  return {
    id: "zdt1",
    space: floatSpace(n, 0, 1),
    objectives: twoMinObjectives,
    evaluate(point) {
      const x = vector(point, n);
      const g = 1 + (9 * x.slice(1).reduce((s, v) => s + v, 0)) / (n - 1);
      return [x[0], g * (1 - Math.sqrt(x[0] / g))];
    },
    reference: [1, 1],
    trueHypervolume: 2 / 3,
    paretoSet: (k) => Array.from({ length: k }, (_, i) => toPoint([k === 1 ? 0 : i / (k - 1), ...new Array<number>(n - 1).fill(0)])),
  };
}
