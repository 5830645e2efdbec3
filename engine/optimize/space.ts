// Search-space helpers: validation, sampling, grid values and the unit-cube encoding every
// strategy works in (log dimensions in log space, ints snapped to their steps, categoricals by index).
import type { Dimension, Point, SearchSpace } from "./types.js";
import type { Rng } from "./rng.js";

type Value = Point[string];
type IntDimension = Extract<Dimension, { kind: "int" }>;

/** Throws a descriptive error when the space cannot be searched (bad bounds, empty choices, duplicate names). */
export function validateSpace(space: SearchSpace): void {
  if (space.length === 0) throw new Error("search space has no dimensions");
  const names = new Set<string>();
  for (const d of space) {
    if (!d.name) throw new Error("every dimension needs a name");
    if (names.has(d.name)) throw new Error(`duplicate dimension name "${d.name}"`);
    names.add(d.name);
    if (d.kind === "categorical") {
      if (d.choices.length === 0) throw new Error(`categorical "${d.name}" has no choices`);
      if (new Set(d.choices).size !== d.choices.length) throw new Error(`categorical "${d.name}" has duplicate choices`);
      continue;
    }
    if (!Number.isFinite(d.low) || !Number.isFinite(d.high) || d.low > d.high) {
      throw new Error(`dimension "${d.name}" needs finite bounds with low <= high, got [${d.low}, ${d.high}]`);
    }
    if (d.kind === "float" && d.log && d.low <= 0) throw new Error(`log dimension "${d.name}" needs low > 0`);
    if (d.kind === "int") {
      const step = d.step ?? 1;
      if (!Number.isInteger(d.low) || !Number.isInteger(d.high)) throw new Error(`int dimension "${d.name}" needs integer bounds`);
      if (!Number.isInteger(step) || step < 1) throw new Error(`int dimension "${d.name}" needs a positive integer step`);
    }
  }
}

/** Number of step intervals of an int dimension (values are low + i·step for i in 0..intervals). */
export function intIntervals(d: IntDimension): number {
  return Math.floor((d.high - d.low) / (d.step ?? 1));
}

/** Width of one int step in unit-cube coordinates (1 when the dimension has a single value). */
export function unitStep(d: IntDimension): number {
  const n = intIntervals(d);
  return n === 0 ? 1 : 1 / n;
}

/** Samples one value: uniform, log-uniform where `log`, uniform over int steps, uniform over choices. */
export function sampleValue(d: Dimension, rng: Rng): Value {
  switch (d.kind) {
    case "categorical":
      return rng.pick(d.choices);
    case "int":
      return d.low + rng.int(intIntervals(d) + 1) * (d.step ?? 1);
    case "float":
      return decodeValue(d, rng.next());
  }
}

/** Samples a point uniformly from the space. */
export function samplePoint(space: SearchSpace, rng: Rng): Point {
  const p: Point = {};
  for (const d of space) p[d.name] = sampleValue(d, rng);
  return p;
}

/** Index of a categorical value among its choices; throws when it is not one of them. */
export function choiceIndex(d: Extract<Dimension, { kind: "categorical" }>, value: Value): number {
  const i = d.choices.indexOf(value);
  if (i < 0) throw new Error(`value ${JSON.stringify(value)} is not a choice of "${d.name}"`);
  return i;
}

/** Maps a value to [0, 1] (categoricals to the centre of their cell). Throws on values outside the dimension. */
export function encodeValue(d: Dimension, value: Value): number {
  if (d.kind === "categorical") return (choiceIndex(d, value) + 0.5) / d.choices.length;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`dimension "${d.name}" needs a finite number, got ${JSON.stringify(value)}`);
  if (d.high === d.low) return 0;
  const u =
    d.kind === "float" && d.log
      ? (Math.log(value) - Math.log(d.low)) / (Math.log(d.high) - Math.log(d.low))
      : (value - d.low) / (d.kind === "int" ? intIntervals(d) * (d.step ?? 1) || 1 : d.high - d.low);
  return clamp01(u);
}

/** Maps a unit-cube coordinate back to a value of the dimension (clamped, snapped to int steps). */
export function decodeValue(d: Dimension, u: number): Value {
  const x = clamp01(u);
  switch (d.kind) {
    case "categorical":
      return d.choices[Math.min(d.choices.length - 1, Math.floor(x * d.choices.length))];
    case "int": {
      const n = intIntervals(d);
      return d.low + Math.round(x * n) * (d.step ?? 1);
    }
    case "float": {
      const v = d.log ? Math.exp(Math.log(d.low) + x * (Math.log(d.high) - Math.log(d.low))) : d.low + x * (d.high - d.low);
      // Rounding in exp/log may step a hair outside the bounds.
      return Math.min(d.high, Math.max(d.low, v));
    }
  }
}

/** Encodes a point to unit-cube coordinates in space order. */
export function encodePoint(space: SearchSpace, point: Point): number[] {
  return space.map((d) => {
    if (!(d.name in point)) throw new Error(`point has no value for dimension "${d.name}"`);
    return encodeValue(d, point[d.name]);
  });
}

/** Decodes unit-cube coordinates (space order) to a point. */
export function decodePoint(space: SearchSpace, u: readonly number[]): Point {
  const p: Point = {};
  space.forEach((d, i) => (p[d.name] = decodeValue(d, u[i])));
  return p;
}

/**
 * The values a grid visits on one dimension: `pointsPerDimension` evenly spaced values for floats
 * (log-spaced where `log`), the same for ints but snapped to steps and deduplicated, every choice for categoricals.
 */
export function gridValues(d: Dimension, pointsPerDimension: number): Value[] {
  if (d.kind === "categorical") return [...d.choices];
  if (d.low === d.high) return [d.low];
  if (d.kind === "int" && intIntervals(d) + 1 <= pointsPerDimension) {
    return Array.from({ length: intIntervals(d) + 1 }, (_, i) => d.low + i * (d.step ?? 1));
  }
  const n = Math.max(1, Math.floor(pointsPerDimension));
  const us = n === 1 ? [0.5] : Array.from({ length: n }, (_, i) => i / (n - 1));
  return [...new Set(us.map((u) => decodeValue(d, u)))];
}

/** A canonical string for a point (space order), used to recognise points already asked or told. */
export function pointKey(space: SearchSpace, point: Point): string {
  return JSON.stringify(space.map((d) => point[d.name] ?? null));
}

function clamp01(u: number): number {
  return u < 0 ? 0 : u > 1 ? 1 : u;
}
