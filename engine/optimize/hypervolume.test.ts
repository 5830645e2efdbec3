import { describe, expect, it } from "vitest";
import { hypervolume, observationHypervolume } from "./hypervolume.js";
import { createRng } from "./rng.js";

/** Inclusion–exclusion over all subsets: exact, exponential, fine for a handful of points. */
function bruteForce(points: number[][], ref: number[]): number {
  const inside = points.filter((p) => p.every((v, i) => v < ref[i]));
  let total = 0;
  for (let mask = 1; mask < 1 << inside.length; mask++) {
    const members = inside.filter((_, i) => mask & (1 << i));
    const corner = ref.map((_, d) => Math.max(...members.map((p) => p[d])));
    const vol = corner.reduce((v, c, d) => v * (ref[d] - c), 1);
    total += (members.length % 2 === 1 ? 1 : -1) * vol;
  }
  return total;
}

describe("hypervolume", () => {
  it("is exact on a hand-computed 2-D front", () => {
    // Rectangles 3·1 + 2·1 + 1·1 under the staircase (1,3) (2,2) (3,1) to (4,4).
    expect(hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4])).toBe(6);
    expect(hypervolume([[1, 3], [2, 2], [3, 1], [3, 3], [2, 2]], [4, 4])).toBe(6);
    expect(hypervolume([[5, 0]], [4, 4])).toBe(0);
    expect(hypervolume([], [1, 1])).toBe(0);
  });

  it("is exact on a hand-computed 3-D front", () => {
    // Boxes 4 + 2 + 4, pairwise overlaps 1 + 2 + 2, triple overlap 1: 6.
    expect(hypervolume([[0, 0, 1], [1, 1, 0], [0, 1, 0]], [2, 2, 2])).toBe(6);
    expect(hypervolume([[0, 0, 0]], [1, 1, 1])).toBe(1);
  });

  it("matches inclusion–exclusion on random 2-, 3- and 4-D sets", () => {
    const rng = createRng(11);
    for (const d of [2, 3, 4]) {
      for (let trial = 0; trial < 20; trial++) {
        const points = Array.from({ length: 6 }, () => Array.from({ length: d }, () => rng.next()));
        const ref = new Array<number>(d).fill(1.1);
        expect(hypervolume(points, ref)).toBeCloseTo(bruteForce(points, ref), 10);
      }
    }
  });

  it("handles ties and duplicates (integer coordinates)", () => {
    const rng = createRng(5);
    for (const d of [2, 3, 4]) {
      for (let trial = 0; trial < 20; trial++) {
        const points = Array.from({ length: 8 }, () => Array.from({ length: d }, () => rng.int(4)));
        const ref = new Array<number>(d).fill(4);
        expect(hypervolume(points, ref)).toBeCloseTo(bruteForce(points, ref), 10);
      }
    }
  });

  it("converts maximised objectives and skips infeasible observations", () => {
    const objectives = [
      { name: "quality", direction: "max" as const },
      { name: "cost", direction: "min" as const },
    ];
    const list = [
      { point: {}, values: [0.8, 1] },
      { point: {}, values: [0.5, 0.5] },
      { point: {}, values: [1, 0], feasible: false },
    ];
    // Minimisation form (-0.8, 1), (-0.5, 0.5) against (0, 2): 0.8·1 + 0.5·0.5.
    expect(observationHypervolume(list, objectives, [0, 2])).toBeCloseTo(1.05);
  });

  it("rejects mismatched dimensions", () => {
    expect(() => hypervolume([[1, 2, 3]], [4, 4])).toThrow();
  });
});
