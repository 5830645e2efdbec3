import { describe, expect, it } from "vitest";
import { canonicalJson } from "../graph/checksum.js";
import { splitDataset, splitIndices, splitSizes } from "./split.js";

const rows = Array.from({ length: 100 }, (_, i) => ({ question: `What is ${i} + ${i}?`, expected: String(2 * i) }));
const asSets = (s: { train: object[]; validation: object[]; test: object[] }) => ({
  train: new Set(s.train.map((r) => canonicalJson(r))),
  validation: new Set(s.validation.map((r) => canonicalJson(r))),
  test: new Set(s.test.map((r) => canonicalJson(r))),
});

// A deterministic shuffle (Fisher–Yates with an LCG).
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe("splitDataset", () => {
  it("is deterministic for a seed and partitions the rows 60/20/20 by default", () => {
    const a = splitDataset(rows, { seed: 7 });
    expect(splitDataset(rows, { seed: 7 })).toEqual(a);
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([60, 20, 20]);
    const all = [...a.train, ...a.validation, ...a.test].map((r) => canonicalJson(r)).sort();
    expect(all).toEqual(rows.map((r) => canonicalJson(r)).sort());
  });

  it("puts each row in the same split whatever the file order (and key order)", () => {
    const base = asSets(splitDataset(rows, { seed: 3 }));
    for (const s of [1, 2, 3]) expect(asSets(splitDataset(shuffled(rows, s), { seed: 3 }))).toEqual(base);
    const reKeyed = rows.map((r) => ({ expected: r.expected, question: r.question }));
    expect(asSets(splitDataset(reKeyed, { seed: 3 }))).toEqual(base);
  });

  it("gives different splits for different seeds", () => {
    expect(asSets(splitDataset(rows, { seed: 1 }))).not.toEqual(asSets(splitDataset(rows, { seed: 2 })));
  });

  it("mixes rows instead of cutting the file into blocks", () => {
    const { train } = splitIndices(rows, { seed: 0 });
    expect(train.filter((i) => i < 50).length).toBeGreaterThan(20);
    expect(train.filter((i) => i >= 50).length).toBeGreaterThan(20);
  });

  it("honours custom fractions and keeps file order within a split", () => {
    const s = splitIndices(rows, { seed: 0, fractions: { train: 0.8, validation: 0.2, test: 0 } });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([80, 20, 0]);
    expect(s.train).toEqual([...s.train].sort((a, b) => a - b));
  });

  it("never leaves a split empty when n ≥ 3", () => {
    for (let n = 3; n <= 12; n++) {
      const s = splitDataset(rows.slice(0, n), { seed: n });
      expect(s.train.length * s.validation.length * s.test.length, `n=${n}`).toBeGreaterThan(0);
      expect(s.train.length + s.validation.length + s.test.length).toBe(n);
    }
    expect(splitSizes(3)).toEqual({ train: 1, validation: 1, test: 1 });
    expect(splitSizes(4)).toEqual({ train: 2, validation: 1, test: 1 });
    expect(splitSizes(5, { train: 0.9, validation: 0.05, test: 0.05 })).toEqual({ train: 3, validation: 1, test: 1 });
    expect(splitSizes(0)).toEqual({ train: 0, validation: 0, test: 0 });
  });

  it("refuses fractions that are negative or do not sum to 1", () => {
    expect(() => splitSizes(10, { train: 0.5, validation: 0.2, test: 0.2 })).toThrow(/sum to 1/);
    expect(() => splitSizes(10, { train: 1.2, validation: -0.2, test: 0 })).toThrow(/≥ 0/);
  });
});
