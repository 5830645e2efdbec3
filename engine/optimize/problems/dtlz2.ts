// DTLZ2 (Deb, Thiele, Laumanns, Zitzler 2002): the front is the unit sphere's positive orthant.
import type { BenchmarkProblem } from "./problem.js";
import { floatSpace, toPoint, vector } from "./problem.js";

/**
 * DTLZ2 with `m` objectives and `m - 1 + k` variables (3 objectives, 12 variables by default).
 * True hypervolume at reference (1, …, 1) is 1 − (unit-ball orthant volume); for m = 3 that is 1 − π/6 ≈ 0.47640.
 */
export function dtlz2(m = 3, k = 10): BenchmarkProblem {
  const n = m - 1 + k;
  // Volume of the positive orthant of the unit m-ball: π^(m/2) / Γ(m/2 + 1) / 2^m.
  const orthant = Math.PI ** (m / 2) / gammaHalfInt(m / 2 + 1) / 2 ** m;
  return {
    id: m === 3 ? "dtlz2" : `dtlz2-${m}`,
    space: floatSpace(n, 0, 1),
    objectives: Array.from({ length: m }, (_, i) => ({ name: `f${i + 1}`, direction: "min" as const })),
    evaluate(point) {
      const x = vector(point, n);
      const g = x.slice(m - 1).reduce((s, v) => s + (v - 0.5) ** 2, 0);
      return Array.from({ length: m }, (_, i) => {
        let f = 1 + g;
        for (let j = 0; j < m - 1 - i; j++) f *= Math.cos((x[j] * Math.PI) / 2);
        if (i > 0) f *= Math.sin((x[m - 1 - i] * Math.PI) / 2);
        return f;
      });
    },
    reference: new Array<number>(m).fill(1),
    trueHypervolume: 1 - orthant,
    // A lattice over the first m-1 variables with the distance variables at 0.5 (g = 0).
    paretoSet(count) {
      const side = Math.max(2, Math.ceil(count ** (1 / (m - 1))));
      return Array.from({ length: count }, (_, idx) => {
        const pos = Array.from({ length: m - 1 }, (_, j) => (Math.floor(idx / side ** j) % side) / (side - 1));
        return toPoint([...pos, ...new Array<number>(k).fill(0.5)]);
      });
    },
  };
}

/** Γ at integers and half-integers (all the ball-volume formula needs). */
function gammaHalfInt(z: number): number {
  if (z === 0.5) return Math.sqrt(Math.PI);
  if (z === 1) return 1;
  return (z - 1) * gammaHalfInt(z - 1);
}
