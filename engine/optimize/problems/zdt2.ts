// ZDT2 (Zitzler, Deb, Thiele 2000): concave front f2 = 1 - f1², 30 variables on [0, 1].
import type { BenchmarkProblem } from "./problem.js";
import { floatSpace, toPoint, twoMinObjectives, vector } from "./problem.js";

/** ZDT2 with `n` variables (30 by default); true hypervolume 1/3 at reference (1, 1). */
export function zdt2(n = 30): BenchmarkProblem {
  return {
    id: "zdt2",
    space: floatSpace(n, 0, 1),
    objectives: twoMinObjectives,
    evaluate(point) {
      const x = vector(point, n);
      const g = 1 + (9 * x.slice(1).reduce((s, v) => s + v, 0)) / (n - 1);
      return [x[0], g * (1 - (x[0] / g) ** 2)];
    },
    reference: [1, 1],
    trueHypervolume: 1 / 3,
    paretoSet: (k) => Array.from({ length: k }, (_, i) => toPoint([k === 1 ? 0 : i / (k - 1), ...new Array<number>(n - 1).fill(0)])),
  };
}
