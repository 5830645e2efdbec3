import { createRng } from "./rng.js";

/**
 * Deterministic train/validation/test split of row positions from a seed and fractions; every
 * split is non-empty when there are at least 3 rows (train may be empty when its fraction is 0).
 */
export function splitRows(rows: readonly unknown[], seed: number, fractions: { train: number; validation: number; test: number }): { train: number[]; validation: number[]; test: number[] } {
  const order = createRng(seed).shuffle(rows.map((_, i) => i));
  const total = fractions.train + fractions.validation + fractions.test;
  const n = order.length;
  let nTest = Math.max(1, Math.round((n * fractions.test) / total));
  let nVal = Math.max(1, Math.round((n * fractions.validation) / total));
  if (nTest + nVal > n) [nTest, nVal] = [Math.max(1, Math.floor(n / 2)), Math.max(1, n - Math.max(1, Math.floor(n / 2)))];
  const test = order.slice(0, nTest).sort((a, b) => a - b);
  const validation = order.slice(nTest, nTest + nVal).sort((a, b) => a - b);
  const train = order.slice(nTest + nVal).sort((a, b) => a - b);
  return { train, validation, test };
}
