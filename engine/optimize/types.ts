/** One searchable dimension. Categorical values are compared by identity. */
export type Dimension =
  | { kind: "float"; name: string; low: number; high: number; log?: boolean }
  | { kind: "int"; name: string; low: number; high: number; step?: number }
  | { kind: "categorical"; name: string; choices: ReadonlyArray<string | number | boolean> };

export type SearchSpace = readonly Dimension[];

/** A point of a search space: dimension name → value. */
export type Point = Record<string, number | string | boolean>;

export type Direction = "max" | "min";

/** An objective: what to optimise and in which direction. */
export interface Objective {
  name: string;
  direction: Direction;
}

/** A finished evaluation of a point: one value per objective, in objective order. */
export interface Observation {
  point: Point;
  values: number[];
  /** False when a constraint was violated (such points never dominate feasible ones). */
  feasible?: boolean;
}

export interface StrategyOptions {
  space: SearchSpace;
  objectives: readonly Objective[];
  seed: number;
  /** Strategy-specific knobs (population size, startup trials, …). */
  [option: string]: unknown;
}

/**
 * A search strategy with an ask/tell interface. Deterministic: the same seed and the same
 * sequence of tells give the same asks, which is what makes resuming by replay possible.
 */
export interface SearchStrategy {
  readonly id: string;
  /** Proposes up to `n` points to evaluate next (fewer, or none, when the strategy is exhausted). */
  ask(n: number): Point[];
  /** Reports evaluated points (any order, any subset of what was asked). */
  tell(observations: readonly Observation[]): void;
  /** The evaluated points a proposed point was bred from (evolutionary strategies; lineage only). */
  parentsOf?(point: Point): Point[];
}
