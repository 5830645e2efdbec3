// Genetic variation on unit-cube genes (Deb's bounded SBX and polynomial mutation); categorical
// genes use uniform crossover and random reset instead.
import type { Rng } from "./rng.js";

/** Per-gene operator kind: numeric genes live in [0, 1]; categorical genes are cell centres of `k` choices. */
export type GeneKind = { kind: "numeric" } | { kind: "categorical"; k: number };

/** Simulated binary crossover (Deb & Agrawal 1995), bounded to [0, 1], with uniform crossover for categoricals. */
export function sbxCrossover(p1: readonly number[], p2: readonly number[], genes: readonly GeneKind[], eta: number, rng: Rng): [number[], number[]] {
  const c1 = [...p1];
  const c2 = [...p2];
  for (let i = 0; i < genes.length; i++) {
    // Each gene is crossed with probability 1/2, as in Deb's reference implementation.
    if (rng.next() > 0.5) continue;
    if (genes[i].kind === "categorical") {
      [c1[i], c2[i]] = [p2[i], p1[i]];
      continue;
    }
    if (Math.abs(p1[i] - p2[i]) <= 1e-14) continue;
    const y1 = Math.min(p1[i], p2[i]);
    const y2 = Math.max(p1[i], p2[i]);
    const u = rng.next();
    const a = clamp01(0.5 * (y1 + y2 - spreadFactor(1 + (2 * y1) / (y2 - y1), u, eta) * (y2 - y1)));
    const b = clamp01(0.5 * (y1 + y2 + spreadFactor(1 + (2 * (1 - y2)) / (y2 - y1), u, eta) * (y2 - y1)));
    if (rng.next() <= 0.5) [c1[i], c2[i]] = [b, a];
    else [c1[i], c2[i]] = [a, b];
  }
  return [c1, c2];
}

/** Polynomial mutation (Deb & Goyal 1996) with probability `prob` per gene; categoricals reset to a random choice. */
export function polynomialMutation(x: number[], genes: readonly GeneKind[], eta: number, prob: number, rng: Rng): number[] {
  for (let i = 0; i < genes.length; i++) {
    if (rng.next() >= prob) continue;
    const g = genes[i];
    if (g.kind === "categorical") {
      x[i] = (rng.int(g.k) + 0.5) / g.k;
      continue;
    }
    const y = x[i];
    const u = rng.next();
    const pow = 1 / (eta + 1);
    let dq: number;
    if (u < 0.5) {
      const v = 2 * u + (1 - 2 * u) * (1 - y) ** (eta + 1);
      dq = v ** pow - 1;
    } else {
      const v = 2 * (1 - u) + 2 * (u - 0.5) * y ** (eta + 1);
      dq = 1 - v ** pow;
    }
    x[i] = clamp01(y + dq);
  }
  return x;
}

/** SBX's βq for one side: the bounded spread factor drawn with the shared uniform `u`. */
function spreadFactor(beta: number, u: number, eta: number): number {
  const alpha = 2 - beta ** -(eta + 1);
  return u <= 1 / alpha ? (u * alpha) ** (1 / (eta + 1)) : (1 / (2 - u * alpha)) ** (1 / (eta + 1));
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
