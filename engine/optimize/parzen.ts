// A Parzen estimator over the unit cube for TPE: per-observation kernels (truncated Gaussians for
// numeric dimensions, smoothed one-hot for categoricals) plus one flat prior component.
import type { Rng } from "./rng.js";
import { intIntervals, unitStep } from "./space.js";
import type { SearchSpace } from "./types.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** How kernels are combined and sized. */
export interface ParzenOptions {
  /** Weight of the prior component (a wide Gaussian at the centre / uniform over choices). */
  priorWeight: number;
  /**
   * true: one shared component per sample across dimensions (multivariate TPE, Falkner et al. 2018);
   * false: independent mixtures per dimension (Optuna's default). Either way each kernel's bandwidth is
   * Optuna's neighbour gap, clipped to [1/min(100, n+1), 1] of the domain.
   */
  multivariate: boolean;
}

interface NumericDim {
  kind: "numeric";
  /** Domain in unit coordinates: [0, 1] for floats, widened by half a step for ints. */
  lo: number;
  hi: number;
  /** Unit step of an int dimension, 0 for floats. */
  step: number;
  mu: Float64Array;
  sigma: Float64Array;
  /** log of each kernel's mass inside [lo, hi]. */
  logZ: Float64Array;
  /** −log σ − log √(2π) − log Z: the constant part of each truncated kernel's log density. */
  logNorm: Float64Array;
}

interface CategoricalDim {
  kind: "categorical";
  k: number;
  /** Observed choice per component; -1 for the prior (uniform). */
  choice: Int32Array;
}

/** A fitted mixture. Component i < n is observation i; the last component is the prior. */
export interface ParzenEstimator {
  logWeights: Float64Array;
  dims: Array<NumericDim | CategoricalDim>;
  multivariate: boolean;
  priorWeight: number;
}

/**
 * Fits a Parzen estimator to encoded observations (unit-cube rows in space order) with per-observation weights.
 */
export function fitParzen(space: SearchSpace, rows: readonly (readonly number[])[], weights: readonly number[], opts: ParzenOptions): ParzenEstimator {
  const n = rows.length;
  let total = opts.priorWeight;
  for (const w of weights) total += w;
  const logWeights = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) logWeights[i] = Math.log(weights[i] / total);
  logWeights[n] = Math.log(opts.priorWeight / total);
  const minSigma = 1 / Math.min(100, n + 1);
  const dims = space.map((d, j): NumericDim | CategoricalDim => {
    if (d.kind === "categorical") {
      const k = d.choices.length;
      const choice = new Int32Array(n + 1).fill(-1);
      for (let i = 0; i < n; i++) choice[i] = Math.min(k - 1, Math.floor(rows[i][j] * k));
      return { kind: "categorical", k, choice };
    }
    const step = d.kind === "int" && intIntervals(d) > 0 ? unitStep(d) : 0;
    const lo = -step / 2;
    const hi = 1 + step / 2;
    const mu = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) mu[i] = rows[i][j];
    mu[n] = 0.5;
    const sigma = new Float64Array(n + 1);
    neighbourGaps(mu.subarray(0, n), lo, hi, sigma);
    for (let i = 0; i < n; i++) sigma[i] = Math.min(hi - lo, Math.max(minSigma * (hi - lo), sigma[i]));
    sigma[n] = hi - lo;
    const logZ = new Float64Array(n + 1);
    const logNorm = new Float64Array(n + 1);
    for (let i = 0; i <= n; i++) {
      logZ[i] = Math.log(Math.max(1e-300, normalCdf((hi - mu[i]) / sigma[i]) - normalCdf((lo - mu[i]) / sigma[i])));
      logNorm[i] = -Math.log(sigma[i]) - LOG_SQRT_2PI - logZ[i];
    }
    return { kind: "numeric", lo, hi, step, mu, sigma, logZ, logNorm };
  });
  return { logWeights, dims, multivariate: opts.multivariate, priorWeight: opts.priorWeight };
}

/** Draws one unit-cube point from the mixture. */
export function sampleParzen(est: ParzenEstimator, rng: Rng): number[] {
  const shared = est.multivariate ? pickComponent(est.logWeights, rng) : -1;
  return est.dims.map((d) => {
    const c = shared >= 0 ? shared : pickComponent(est.logWeights, rng);
    if (d.kind === "categorical") {
      const observed = d.choice[c];
      // Smoothed one-hot: with probability 1/(1+w) the observed choice, else uniform.
      const idx = observed >= 0 && rng.next() * (1 + est.priorWeight) < 1 ? observed : rng.int(d.k);
      return (idx + 0.5) / d.k;
    }
    const x = truncatedNormal(d.mu[c], d.sigma[c], d.lo, d.hi, rng);
    return d.step > 0 ? Math.min(1, Math.max(0, Math.round(x / d.step) * d.step)) : x;
  });
}

/** log density (log mass for discrete dimensions) of a unit-cube point under the mixture. */
export function parzenLogDensity(est: ParzenEstimator, x: readonly number[]): number {
  const m = est.logWeights.length;
  if (est.multivariate) {
    // Dimension-major so each inner loop walks one dimension's typed arrays.
    const terms = Float64Array.from(est.logWeights);
    for (let j = 0; j < est.dims.length; j++) {
      const d = est.dims[j];
      for (let c = 0; c < m; c++) terms[c] += kernelLog(est, d, c, x[j]);
    }
    return logSumExp(terms);
  }
  let total = 0;
  const terms = new Float64Array(m);
  for (let j = 0; j < est.dims.length; j++) {
    for (let c = 0; c < m; c++) terms[c] = est.logWeights[c] + kernelLog(est, est.dims[j], c, x[j]);
    total += logSumExp(terms);
  }
  return total;
}

/** Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

function kernelLog(est: ParzenEstimator, d: NumericDim | CategoricalDim, c: number, x: number): number {
  if (d.kind === "categorical") {
    const idx = Math.min(d.k - 1, Math.floor(x * d.k));
    const observed = d.choice[c];
    if (observed < 0) return -Math.log(d.k);
    return Math.log(((idx === observed ? 1 : 0) + est.priorWeight / d.k) / (1 + est.priorWeight));
  }
  const mu = d.mu[c];
  const s = d.sigma[c];
  if (d.step > 0) {
    // Mass of the int cell around x, so discrete values are compared fairly.
    const mass = normalCdf((x + d.step / 2 - mu) / s) - normalCdf((x - d.step / 2 - mu) / s);
    return Math.log(Math.max(mass, 1e-300)) - d.logZ[c];
  }
  const z = (x - mu) / s;
  return -0.5 * z * z + d.logNorm[c];
}

/** Optuna's univariate bandwidths: the larger gap to a sorted neighbour (domain ends as outer neighbours). */
function neighbourGaps(mu: Float64Array, lo: number, hi: number, out: Float64Array): void {
  const n = mu.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => mu[a] - mu[b]);
  // s = [lo, sorted mus…, hi]
  const s = new Float64Array(n + 2);
  s[0] = lo;
  s[n + 1] = hi;
  for (let r = 0; r < n; r++) s[r + 1] = mu[order[r]];
  for (let r = 0; r < n; r++) out[order[r]] = Math.max(s[r + 1] - s[r], s[r + 2] - s[r + 1]);
  // Ends use their inner gap only, so a point near the boundary is not made needlessly wide.
  if (n >= 2) {
    out[order[0]] = s[2] - s[1];
    out[order[n - 1]] = s[n] - s[n - 1];
  }
}

function pickComponent(logWeights: Float64Array, rng: Rng): number {
  let u = rng.next();
  for (let c = 0; c < logWeights.length; c++) {
    u -= Math.exp(logWeights[c]);
    if (u < 0) return c;
  }
  return logWeights.length - 1;
}

/** Rejection sampling of a normal truncated to [lo, hi]; falls back to clamping after 64 tries. */
function truncatedNormal(mu: number, sigma: number, lo: number, hi: number, rng: Rng): number {
  for (let i = 0; i < 64; i++) {
    const x = rng.normal(mu, sigma);
    if (x >= lo && x <= hi) return x;
  }
  return Math.min(hi, Math.max(lo, mu));
}

function logSumExp(xs: Float64Array): number {
  let max = -Infinity;
  for (const v of xs) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (const v of xs) s += Math.exp(v - max);
  return max + Math.log(s);
}
