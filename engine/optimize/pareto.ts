// Pareto machinery: feasibility-aware dominance with min/max directions, fast non-dominated sort
// (Deb et al. 2002), crowding distance and the Pareto front of a set of observations.
import type { Objective, Observation } from "./types.js";

/** A feasible observation has `feasible !== false` and finite values (NaN/∞ count as a violation). */
export function isFeasible(o: Observation): boolean {
  return o.feasible !== false && o.values.every(Number.isFinite);
}

/** Converts values to minimisation form (maximised objectives negated); non-finite values become +∞. */
export function toMinimization(values: readonly number[], objectives: readonly Objective[]): number[] {
  if (values.length !== objectives.length) {
    throw new Error(`observation has ${values.length} values for ${objectives.length} objectives`);
  }
  return objectives.map((o, i) => {
    const v = values[i];
    if (!Number.isFinite(v)) return Infinity;
    return o.direction === "max" ? -v : v;
  });
}

/** True when minimisation vector `a` dominates `b`: no worse everywhere, strictly better somewhere. */
export function dominatesMin(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/**
 * True when observation `a` dominates `b`. A feasible observation dominates every infeasible one;
 * an infeasible one never dominates a feasible one; two infeasible ones compare by their values.
 */
export function dominates(a: Observation, b: Observation, objectives: readonly Objective[]): boolean {
  const fa = isFeasible(a);
  const fb = isFeasible(b);
  if (fa !== fb) return fa;
  return dominatesMin(toMinimization(a.values, objectives), toMinimization(b.values, objectives));
}

/**
 * Fast non-dominated sort on minimisation vectors with feasibility flags (default all feasible).
 * Returns the fronts as arrays of indices, best front first.
 */
export function nonDominatedSortMin(vectors: readonly (readonly number[])[], feasible?: readonly boolean[]): number[][] {
  const n = vectors.length;
  const beats = (i: number, j: number): boolean => {
    const fi = feasible ? feasible[i] : true;
    const fj = feasible ? feasible[j] : true;
    if (fi !== fj) return fi;
    return dominatesMin(vectors[i], vectors[j]);
  };
  const dominated: number[][] = Array.from({ length: n }, () => []);
  const count = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (beats(i, j)) {
        dominated[i].push(j);
        count[j]++;
      } else if (beats(j, i)) {
        dominated[j].push(i);
        count[i]++;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (count[i] === 0) current.push(i);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominated[i]) if (--count[j] === 0) next.push(j);
    }
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/** Non-dominated sort of observations (directions and feasibility applied): fronts of indices, best first. */
export function nonDominatedSort(observations: readonly Observation[], objectives: readonly Objective[]): number[][] {
  return nonDominatedSortMin(
    observations.map((o) => toMinimization(o.values, objectives)),
    observations.map(isFeasible),
  );
}

/**
 * Crowding distance of each member of one front (Deb et al.): the sum over objectives of the
 * normalised gap between its neighbours; boundary members get +∞. Direction-independent.
 */
export function crowdingDistance(front: readonly (readonly number[])[]): number[] {
  const n = front.length;
  const dist = new Array<number>(n).fill(0);
  if (n === 0) return dist;
  const m = front[0].length;
  for (let k = 0; k < m; k++) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => front[a][k] - front[b][k] || a - b);
    const lo = front[order[0]][k];
    const hi = front[order[n - 1]][k];
    dist[order[0]] = Infinity;
    dist[order[n - 1]] = Infinity;
    // A flat objective (or non-finite extremes) carries no spacing information.
    if (!(hi > lo) || !Number.isFinite(hi - lo)) continue;
    for (let r = 1; r < n - 1; r++) dist[order[r]] += (front[order[r + 1]][k] - front[order[r - 1]][k]) / (hi - lo);
  }
  return dist;
}

/**
 * The feasible non-dominated observations (empty when none is feasible), in input order.
 * Duplicated value vectors are all kept, since equal vectors do not dominate each other.
 * O(n log n + n·|front|): fine for tens of thousands of observations.
 */
export function paretoFront(observations: readonly Observation[], objectives: readonly Objective[]): Observation[] {
  const feasible = observations.filter(isFeasible);
  const vectors = feasible.map((o) => toMinimization(o.values, objectives));
  return firstFront(vectors).map((i) => feasible[i]);
}

/**
 * Indices (ascending) of the non-dominated minimisation vectors. After a lexicographic sort a vector can
 * only be dominated by an earlier one, and by transitivity checking the kept ones suffices.
 */
export function firstFront(vectors: readonly (readonly number[])[]): number[] {
  const order = vectors.map((_, i) => i).sort((a, b) => lexCompare(vectors[a], vectors[b]) || a - b);
  const kept: number[] = [];
  if (vectors.length > 0 && vectors[0].length === 2) {
    // 2-D sweep: kept second coordinates strictly decrease (duplicates aside).
    for (const i of order) {
      const last = kept.length > 0 ? vectors[kept[kept.length - 1]] : undefined;
      const [a, b] = vectors[i];
      if (!last || b < last[1] || (b === last[1] && a === last[0])) kept.push(i);
    }
  } else {
    for (const i of order) if (!kept.some((k) => dominatesMin(vectors[k], vectors[i]))) kept.push(i);
  }
  return kept.sort((a, b) => a - b);
}

function lexCompare(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k];
  return 0;
}

/**
 * Orders indices best-first: by front, then by crowding distance (most isolated first), then by index.
 * This is NSGA-II's crowded-comparison order, also used for TPE's good/bad split.
 */
export function crowdedOrder(vectors: readonly (readonly number[])[], feasible?: readonly boolean[]): number[] {
  const order: number[] = [];
  for (const front of nonDominatedSortMin(vectors, feasible)) {
    const cd = crowdingDistance(front.map((i) => vectors[i].map((v) => (Number.isFinite(v) ? v : Number.MAX_VALUE))));
    const ranked = front.map((idx, k) => ({ idx, cd: cd[k] })).sort((a, b) => b.cd - a.cd || a.idx - b.idx);
    for (const r of ranked) order.push(r.idx);
  }
  return order;
}
