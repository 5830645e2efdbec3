// ZDT3 (Zitzler, Deb, Thiele 2000): a front of five disconnected pieces; f2 goes negative.
import type { BenchmarkProblem } from "./problem.js";
import { floatSpace, toPoint, twoMinObjectives, vector } from "./problem.js";

/** ZDT3 with `n` variables (30 by default); true hypervolume ≈ 1.04443 at reference (1, 1). */
export function zdt3(n = 30): BenchmarkProblem {
  return {
    id: "zdt3",
    space: floatSpace(n, 0, 1),
    objectives: twoMinObjectives,
    evaluate(point) {
      const x = vector(point, n);
      const g = 1 + (9 * x.slice(1).reduce((s, v) => s + v, 0)) / (n - 1);
      const r = x[0] / g;
      return [x[0], g * (1 - Math.sqrt(r) - r * Math.sin(10 * Math.PI * x[0]))];
    },
    reference: [1, 1],
    trueHypervolume: 1.04443,
    // Dominated stretches of x1 in [0, 1] are part of this set; filter with paretoFront for the true front.
    paretoSet: (k) => Array.from({ length: k }, (_, i) => toPoint([k === 1 ? 0 : i / (k - 1), ...new Array<number>(n - 1).fill(0)])),
  };
}
