// Exact hypervolume of a minimisation front w.r.t. a reference point: a sweep in 2-D, a z-sweep over
// an incrementally maintained 2-D staircase in 3-D (O(n²)), HSO slicing (While et al.) above that.
import { isFeasible, toMinimization } from "./pareto.js";
import type { Objective, Observation } from "./types.js";

/**
 * Hypervolume dominated by `points` (minimisation) and bounded by `reference`. Points that do not
 * strictly dominate the reference in every coordinate contribute nothing; dominated points and
 * duplicates are harmless.
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const d = reference.length;
  if (d === 0) throw new Error("hypervolume needs a reference point with at least one coordinate");
  for (const p of points) if (p.length !== d) throw new Error(`point of dimension ${p.length} for a ${d}-D reference`);
  const inside = points.filter((p) => p.every((v, i) => v < reference[i]));
  return hso(inside, reference, d);
}

/** Hypervolume of observations' feasible values, with directions applied (the reference is in the objectives' own units). */
export function observationHypervolume(observations: readonly Observation[], objectives: readonly Objective[], reference: readonly number[]): number {
  const ref = toMinimization(reference, objectives);
  return hypervolume(observations.filter(isFeasible).map((o) => toMinimization(o.values, objectives)), ref);
}

/** Slices along the last of the first `d` coordinates; every point is inside the reference box. */
function hso(points: readonly (readonly number[])[], ref: readonly number[], d: number): number {
  if (points.length === 0) return 0;
  if (d === 1) return ref[0] - points.reduce((m, p) => Math.min(m, p[0]), Infinity);
  if (d === 2) return sweep2d(points, ref);
  if (d === 3) return sweep3d(points, ref);
  const k = d - 1;
  const sorted = [...points].sort((a, b) => a[k] - b[k]);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? sorted[i + 1][k] : ref[k];
    const depth = top - sorted[i][k];
    // Points sharing the next coordinate add a zero-thickness slab: skip the recursion.
    if (depth <= 0) continue;
    const slice = sorted.slice(0, i + 1);
    // The 2-D sweep ignores dominated points by itself; deeper recursions are pruned first.
    volume += depth * hso(k > 2 ? nondominated(slice, k) : slice, ref, k);
  }
  return volume;
}

/** 2-D sweep: sort by the first coordinate, add the rectangle each new lower second coordinate opens. */
function sweep2d(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let area = 0;
  let floor = ref[1];
  for (const p of sorted) {
    if (p[1] < floor) {
      area += (ref[0] - p[0]) * (floor - p[1]);
      floor = p[1];
    }
  }
  return area;
}

/** 3-D sweep: slabs between consecutive z values, each as deep as the staircase of the points below it. */
function sweep3d(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const sorted = [...points].sort((a, b) => a[2] - b[2]);
  // The staircase: x ascending, y strictly descending (the 2-D non-dominated set seen so far).
  const xs: number[] = [];
  const ys: number[] = [];
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const [x, y, z] = sorted[i];
    let pos = 0;
    let hi = xs.length;
    while (pos < hi) {
      const mid = (pos + hi) >> 1;
      if (xs[mid] <= x) pos = mid + 1;
      else hi = mid;
    }
    // The step just left of x has the lowest y among x' <= x: if it is no higher, the point adds nothing.
    if (!(pos > 0 && ys[pos - 1] <= y)) {
      // A step at the same x but higher y is dominated too.
      if (pos > 0 && xs[pos - 1] === x) pos--;
      let end = pos;
      while (end < xs.length && ys[end] >= y) end++;
      xs.splice(pos, end - pos, x);
      ys.splice(pos, end - pos, y);
    }
    const top = i + 1 < sorted.length ? sorted[i + 1][2] : ref[2];
    if (top > z) volume += (top - z) * staircaseArea(xs, ys, ref);
  }
  return volume;
}

function staircaseArea(xs: readonly number[], ys: readonly number[], ref: readonly number[]): number {
  let area = 0;
  let floor = ref[1];
  for (let i = 0; i < xs.length; i++) {
    area += (ref[0] - xs[i]) * (floor - ys[i]);
    floor = ys[i];
  }
  return area;
}

/** Keeps the points not weakly dominated by another in the first `d` coordinates (drops duplicates too). */
function nondominated(points: readonly (readonly number[])[], d: number): (readonly number[])[] {
  if (points.length < 8) return [...points];
  const keep: (readonly number[])[] = [];
  outer: for (let i = 0; i < points.length; i++) {
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      let weak = true;
      for (let c = 0; c < d && weak; c++) if (points[j][c] > points[i][c]) weak = false;
      // Equal points: keep only the first of them.
      if (weak && (j < i || !sameUpTo(points[i], points[j], d))) continue outer;
    }
    keep.push(points[i]);
  }
  return keep;
}

function sameUpTo(a: readonly number[], b: readonly number[], d: number): boolean {
  for (let c = 0; c < d; c++) if (a[c] !== b[c]) return false;
  return true;
}
