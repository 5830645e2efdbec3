// Rosenbrock's valley: a curved, badly conditioned minimum of 0 at (1, …, 1).
import type { BenchmarkProblem } from "./problem.js";
import { floatSpace, toPoint, vector } from "./problem.js";

/** The `n`-D Rosenbrock function (minimise) on [−2.048, 2.048]^n; optimum 0 at (1, …, 1). */
export function rosenbrock(n = 5): BenchmarkProblem {
  return {
    id: `rosenbrock-${n}d`,
    space: floatSpace(n, -2.048, 2.048),
    objectives: [{ name: "f", direction: "min" }],
    evaluate(point) {
      const x = vector(point, n);
      let f = 0;
      for (let i = 0; i < n - 1; i++) f += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
      return [f];
    },
    optimum: { value: 0, points: [toPoint(new Array<number>(n).fill(1))] },
  };
}
