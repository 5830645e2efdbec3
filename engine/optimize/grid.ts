// Grid search: the full factorial grid visited in a seeded random order (a lazy Fisher–Yates over
// BigInt indices), so a truncated budget still spreads over the whole space and nothing repeats.
import { numberOption } from "./options.js";
import { createRng, type Rng } from "./rng.js";
import { gridValues, pointKey, validateSpace } from "./space.js";
import type { Observation, Point, SearchStrategy, StrategyOptions } from "./types.js";

/** Options of the grid strategy. */
export interface GridOptions extends StrategyOptions {
  /** Values per float dimension (and per int dimension with more steps than this); default 5. */
  pointsPerDimension?: number;
}

/**
 * Creates a grid-search strategy. Points already told (e.g. replayed on resume) are skipped;
 * `ask` returns fewer points once the grid is exhausted.
 */
export function createGridSearch(opts: GridOptions): SearchStrategy {
  validateSpace(opts.space);
  const per = numberOption(opts, "pointsPerDimension", 5, { integer: true, min: 1 });
  const axes = opts.space.map((d) => gridValues(d, per));
  const total = axes.reduce((n, a) => n * BigInt(a.length), 1n);
  const rng = createRng(opts.seed);
  // Lazy Fisher–Yates: swapped[i] holds the index now at position i when it moved.
  const swapped = new Map<bigint, bigint>();
  let position = 0n;
  const seen = new Set<string>();

  const nextIndex = (): bigint => {
    const j = position + randomBelow(rng, total - position);
    const atJ = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(position) ?? position);
    swapped.delete(position);
    position++;
    return atJ;
  };
  const pointAt = (index: bigint): Point => {
    const p: Point = {};
    let rest = index;
    opts.space.forEach((d, i) => {
      const len = BigInt(axes[i].length);
      p[d.name] = axes[i][Number(rest % len)];
      rest /= len;
    });
    return p;
  };

  return {
    id: "grid",
    ask(n: number): Point[] {
      const out: Point[] = [];
      while (out.length < n && position < total) {
        const p = pointAt(nextIndex());
        const key = pointKey(opts.space, p);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(p);
      }
      return out;
    },
    tell(observations: readonly Observation[]): void {
      for (const o of observations) seen.add(pointKey(opts.space, o.point));
    },
  };
}

/** Uniform BigInt in [0, n) by rejection over whole 32-bit words. */
function randomBelow(rng: Rng, n: bigint): bigint {
  if (n <= 1n) return 0n;
  let words = 0;
  for (let m = n - 1n; m > 0n; m >>= 32n) words++;
  const span = 1n << BigInt(32 * words);
  const limit = span - (span % n);
  for (;;) {
    let r = 0n;
    for (let w = 0; w < words; w++) r = (r << 32n) | BigInt(rng.uint32());
    if (r < limit) return r % n;
  }
}
