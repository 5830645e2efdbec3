import { FlowtuneError } from "../errors.js";
import { seededRowHash } from "./hash.js";
import type { DatasetRow } from "./parse.js";

/** Shares of the rows in each split; non-negative and summing to 1. */
export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

export const DEFAULT_SPLIT_FRACTIONS: Readonly<SplitFractions> = Object.freeze({ train: 0.6, validation: 0.2, test: 0.2 });

export interface SplitOptions {
  /** Different seeds give different (equally sized) splits. Default 0. */
  seed?: number | string;
  fractions?: SplitFractions;
}

/** Rows (or row indices) per split. */
export interface DatasetSplit<T> {
  train: T[];
  validation: T[];
  test: T[];
}

const NAMES = ["train", "validation", "test"] as const;

/**
 * Split sizes for n rows: largest-remainder rounding of n × fraction (ties go to train, then validation),
 * then, when n ≥ 3, every split with a positive fraction gets at least one row (taken from the largest).
 */
export function splitSizes(n: number, fractions: SplitFractions = DEFAULT_SPLIT_FRACTIONS): SplitFractions {
  checkFractions(fractions);
  const exact = NAMES.map((k) => n * fractions[k]);
  const sizes = exact.map(Math.floor);
  const byRemainder = [0, 1, 2].sort((a, b) => exact[b] - sizes[b] - (exact[a] - sizes[a]) || a - b);
  for (let left = n - sizes.reduce((a, b) => a + b, 0), i = 0; left > 0; left--, i++) sizes[byRemainder[i % 3]]++;
  if (n >= 3) {
    for (const i of [0, 1, 2]) {
      if (fractions[NAMES[i]] > 0 && sizes[i] === 0) {
        const largest = sizes.indexOf(Math.max(...sizes));
        sizes[largest]--;
        sizes[i]++;
      }
    }
  }
  return { train: sizes[0], validation: sizes[1], test: sizes[2] };
}

/**
 * Deterministic train/validation/test split, returned as row indices (ascending within each split).
 * Each row is hashed with the seed (SHA-256 of the seed and the row's canonical JSON); rows are ranked by
 * that hash and the ranking is cut at the split sizes. So the split depends only on the rows' contents and
 * the seed, never on file order: shuffling the file puts every row in the same split. Adding or removing
 * rows can move rows that sit near a cut. Identical rows hash alike and are ordered by position.
 */
export function splitIndices(rows: readonly DatasetRow[], opts: SplitOptions = {}): DatasetSplit<number> {
  const seed = opts.seed ?? 0;
  const sizes = splitSizes(rows.length, opts.fractions ?? DEFAULT_SPLIT_FRACTIONS);
  const keys = rows.map((r) => seededRowHash(r, seed));
  const ranked = rows.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
  const cut1 = sizes.train;
  const cut2 = sizes.train + sizes.validation;
  const asc = (xs: number[]) => xs.sort((a, b) => a - b);
  return { train: asc(ranked.slice(0, cut1)), validation: asc(ranked.slice(cut1, cut2)), test: asc(ranked.slice(cut2)) };
}

/** Deterministic train/validation/test split of dataset rows (see splitIndices); rows keep their file order within a split. */
export function splitDataset<T extends DatasetRow>(rows: readonly T[], opts: SplitOptions = {}): DatasetSplit<T> {
  const idx = splitIndices(rows, opts);
  return { train: idx.train.map((i) => rows[i]), validation: idx.validation.map((i) => rows[i]), test: idx.test.map((i) => rows[i]) };
}

function checkFractions(f: SplitFractions): void {
  const values = NAMES.map((k) => f[k]);
  const sum = values.reduce((a, b) => a + b, 0);
  if (values.some((v) => !Number.isFinite(v) || v < 0) || Math.abs(sum - 1) > 1e-6) {
    throw new FlowtuneError("INPUT_INVALID", `split fractions must be ≥ 0 and sum to 1 (got train ${f.train}, validation ${f.validation}, test ${f.test})`);
  }
}
