// The shape of a numeric benchmark problem: its space, objectives and what is known about its optimum.
import type { Objective, Point, SearchSpace } from "../types.js";

/** A numeric test problem with a known optimum (single objective) or a known true hypervolume (multi). */
export interface BenchmarkProblem {
  id: string;
  space: SearchSpace;
  objectives: readonly Objective[];
  /** Objective values of a point, in objective order. */
  evaluate(point: Point): number[];
  /** Single objective: the global optimum value and points attaining it. */
  optimum?: { value: number; points: Point[] };
  /** Multi-objective: the reference point and the hypervolume of the true Pareto front w.r.t. it. */
  reference?: number[];
  trueHypervolume?: number;
  /** Multi-objective: `n` points of the true Pareto set (decision space), for checks and plots. */
  paretoSet?(n: number): Point[];
}

/** A float space x1..xn on [low, high]. */
export function floatSpace(n: number, low: number, high: number): SearchSpace {
  return Array.from({ length: n }, (_, i) => ({ kind: "float" as const, name: `x${i + 1}`, low, high }));
}

/** The values x1..xn of a point as an array. */
export function vector(point: Point, n: number): number[] {
  const x = new Array<number>(n);
  for (let i = 0; i < n; i++) x[i] = Number(point[NAMES[i] ?? `x${i + 1}`]);
  return x;
}

// Precomputed names: benchmarks evaluate tens of thousands of points.
const NAMES = Array.from({ length: 64 }, (_, i) => `x${i + 1}`);

/** A point x1..xn from an array. */
export function toPoint(x: readonly number[]): Point {
  return Object.fromEntries(x.map((v, i) => [`x${i + 1}`, v]));
}

/** Two minimised objectives f1, f2. */
export const twoMinObjectives: readonly Objective[] = [
  { name: "f1", direction: "min" },
  { name: "f2", direction: "min" },
];
