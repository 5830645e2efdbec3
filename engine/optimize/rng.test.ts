import { describe, expect, it } from "vitest";
import { createRng, deriveSeed } from "./rng.js";

describe("createRng", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const draw = (seed: number) => {
      const r = createRng(seed);
      return Array.from({ length: 8 }, () => r.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(0.5)).not.toEqual(draw(0.25));
    expect(draw(-1)).not.toEqual(draw(1));
  });

  it("draws uniforms in [0, 1) and integers in range", () => {
    const r = createRng(7);
    const counts = new Array<number>(5).fill(0);
    let inRange = true;
    for (let i = 0; i < 20_000; i++) {
      const u = r.next();
      inRange &&= u >= 0 && u < 1;
      counts[r.int(5)]++;
    }
    expect(inRange).toBe(true);
    for (const c of counts) expect(Math.abs(c - 4000)).toBeLessThan(300);
    expect(() => r.int(0)).toThrow();
  });

  it("samples normals with the requested mean and spread", () => {
    const r = createRng(3);
    const xs = Array.from({ length: 20_000 }, () => r.normal(2, 3));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.abs(sd - 3)).toBeLessThan(0.1);
  });

  it("shuffles into a permutation and picks members", () => {
    const r = createRng(1);
    const xs = r.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...xs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(xs).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(["a", "b"]).toContain(r.pick(["a", "b"]));
  });
});

describe("deriveSeed", () => {
  it("gives independent, reproducible streams per salt", () => {
    expect(deriveSeed(1, 0)).toBe(deriveSeed(1, 0));
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => deriveSeed(1, i)));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 1));
  });
});
