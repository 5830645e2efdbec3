// The numeric benchmark problems, by id.
import { branin } from "./branin.js";
import { dtlz2 } from "./dtlz2.js";
import type { BenchmarkProblem } from "./problem.js";
import { rosenbrock } from "./rosenbrock.js";
import { zdt1 } from "./zdt1.js";
import { zdt2 } from "./zdt2.js";
import { zdt3 } from "./zdt3.js";

export type { BenchmarkProblem } from "./problem.js";
export { branin, dtlz2, rosenbrock, zdt1, zdt2, zdt3 };

/** Every problem in its default configuration, keyed by id. */
export function allProblems(): Record<string, BenchmarkProblem> {
  const list = [zdt1(), zdt2(), zdt3(), dtlz2(), branin(), rosenbrock()];
  return Object.fromEntries(list.map((p) => [p.id, p]));
}
