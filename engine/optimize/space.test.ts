import { describe, expect, it } from "vitest";
import { createRng } from "./rng.js";
import { decodePoint, encodePoint, gridValues, pointKey, samplePoint, validateSpace } from "./space.js";
import type { SearchSpace } from "./types.js";

const mixed: SearchSpace = [
  { kind: "float", name: "temperature", low: 0, high: 2 },
  { kind: "float", name: "lr", low: 1e-4, high: 1, log: true },
  { kind: "int", name: "k", low: 1, high: 9, step: 2 },
  { kind: "categorical", name: "model", choices: ["small", "large", 3, true] },
];

describe("validateSpace", () => {
  it("rejects unusable dimensions", () => {
    expect(() => validateSpace([])).toThrow(/no dimensions/);
    expect(() => validateSpace([{ kind: "float", name: "a", low: 1, high: 0 }])).toThrow(/low <= high/);
    expect(() => validateSpace([{ kind: "float", name: "a", low: 0, high: 1, log: true }])).toThrow(/low > 0/);
    expect(() => validateSpace([{ kind: "int", name: "a", low: 0, high: 5, step: 0 }])).toThrow(/step/);
    expect(() => validateSpace([{ kind: "int", name: "a", low: 0.5, high: 5 }])).toThrow(/integer/);
    expect(() => validateSpace([{ kind: "categorical", name: "a", choices: [] }])).toThrow(/no choices/);
    expect(() => validateSpace([{ kind: "categorical", name: "a", choices: ["x"] }, { kind: "categorical", name: "a", choices: ["y"] }])).toThrow(/duplicate/);
    expect(() => validateSpace(mixed)).not.toThrow();
  });
});

describe("samplePoint", () => {
  it("respects bounds, steps and choices", () => {
    const rng = createRng(1);
    const pts = Array.from({ length: 2000 }, () => samplePoint(mixed, rng));
    const t = pts.map((p) => p.temperature as number);
    const lr = pts.map((p) => p.lr as number);
    expect(Math.min(...t) >= 0 && Math.max(...t) <= 2).toBe(true);
    expect(Math.min(...lr) >= 1e-4 && Math.max(...lr) <= 1).toBe(true);
    expect(new Set(pts.map((p) => p.k))).toEqual(new Set([1, 3, 5, 7, 9]));
    expect(new Set(pts.map((p) => p.model))).toEqual(new Set(["small", "large", 3, true]));
  });

  it("samples log dimensions log-uniformly", () => {
    const rng = createRng(2);
    const lrs = Array.from({ length: 4000 }, () => samplePoint(mixed, rng).lr as number);
    // Each decade of [1e-4, 1] holds about a quarter of the samples.
    const below = lrs.filter((v) => v < 1e-3).length / lrs.length;
    expect(below).toBeGreaterThan(0.2);
    expect(below).toBeLessThan(0.3);
  });
});

describe("unit-cube encoding", () => {
  it("round-trips points and maps into [0, 1]", () => {
    const rng = createRng(3);
    for (let i = 0; i < 200; i++) {
      const p = samplePoint(mixed, rng);
      const u = encodePoint(mixed, p);
      for (const v of u) expect(v >= 0 && v <= 1).toBe(true);
      const back = decodePoint(mixed, u);
      expect(back.k).toBe(p.k);
      expect(back.model).toBe(p.model);
      expect(back.temperature as number).toBeCloseTo(p.temperature as number, 12);
      expect(back.lr as number).toBeCloseTo(p.lr as number, 12);
    }
  });

  it("snaps ints to steps, clamps out-of-range coordinates and rejects foreign values", () => {
    expect(decodePoint(mixed, [-1, 2, 0.3, 0.99])).toEqual({ temperature: 0, lr: 1, k: 3, model: true });
    expect(() => encodePoint(mixed, { temperature: 1, lr: 0.1, k: 3, model: "huge" })).toThrow(/not a choice/);
    expect(() => encodePoint(mixed, { temperature: 1, lr: 0.1, k: 3 })).toThrow(/no value/);
  });
});

describe("gridValues", () => {
  it("spreads floats (log-spaced where log), keeps all small int ranges and every choice", () => {
    expect(gridValues(mixed[0], 5)).toEqual([0, 0.5, 1, 1.5, 2]);
    const lr = gridValues(mixed[1], 5) as number[];
    expect(lr[0]).toBeCloseTo(1e-4);
    expect(lr[2]).toBeCloseTo(1e-2);
    expect(gridValues(mixed[2], 5)).toEqual([1, 3, 5, 7, 9]);
    expect(gridValues({ kind: "int", name: "n", low: 0, high: 100 }, 3)).toEqual([0, 50, 100]);
    expect(gridValues(mixed[3], 2)).toEqual(["small", "large", 3, true]);
  });
});

describe("pointKey", () => {
  it("ignores key order and extra keys", () => {
    const a = pointKey(mixed, { temperature: 1, lr: 0.1, k: 3, model: "small" });
    expect(pointKey(mixed, { model: "small", k: 3, lr: 0.1, temperature: 1, extra: 1 })).toBe(a);
  });
});
