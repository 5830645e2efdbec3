// Tree-structured Parzen Estimator (Bergstra et al. 2011; defaults as in Optuna): after random
// start-up trials, split the observations into good (l) and bad (g) by a γ-quantile, fit a Parzen
// estimator to each, draw candidates from l and propose the one maximising l(x)/g(x).
import { booleanOption, numberOption } from "./options.js";
import { fitParzen, parzenLogDensity, sampleParzen } from "./parzen.js";
import { crowdedOrder, isFeasible, toMinimization } from "./pareto.js";
import { createRng, deriveSeed } from "./rng.js";
import { encodePoint, decodePoint, pointKey, samplePoint, validateSpace } from "./space.js";
import type { Observation, Point, SearchStrategy, StrategyOptions } from "./types.js";

/** Options of the TPE strategy. */
export interface TpeOptions extends StrategyOptions {
  /** Random trials before the model is used; default 10. */
  nStartup?: number;
  /** Candidates drawn from l(x) per proposal; default 24. */
  nCandidates?: number;
  /** Size of the good group for n observations; default Optuna's min(⌈0.1·n⌉, 25). */
  gamma?: (n: number) => number;
  /** Weight of the prior component; default 1. */
  priorWeight?: number;
  /** Joint kernels across dimensions (default true); false for Optuna's independent per-dimension TPE. */
  multivariate?: boolean;
  /** Treat asked-but-untold points as bad ("constant liar") so a batch spreads out; default true. */
  constantLiar?: boolean;
}

/** Optuna's default γ: the good group holds ⌈10 %⌉ of the observations, at most 25. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default weights in tell order: flat for the newest 25, a linear ramp from 1/n below that. */
export function defaultWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = Array.from({ length: n - 25 }, (_, i) => (n - 25 === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (n - 26)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

/**
 * Creates a TPE strategy. Infeasible observations always fall in the bad group; until one feasible
 * observation exists, proposals stay random. Multi-objective: observations are ranked by
 * non-dominated sort and, within the boundary front, by crowding distance (MOTPE-style split with
 * crowding in place of hypervolume contribution). Proposal i uses a stream derived from (seed, i).
 */
export function createTpe(opts: TpeOptions): SearchStrategy {
  validateSpace(opts.space);
  const { space, objectives, seed } = opts;
  const nStartup = numberOption(opts, "nStartup", 10, { integer: true, min: 0 });
  const nCandidates = numberOption(opts, "nCandidates", 24, { integer: true, min: 1 });
  if (opts.gamma !== undefined && typeof opts.gamma !== "function") throw new Error('option "gamma" must be a function n => size of the good group');
  const gamma = opts.gamma ?? defaultGamma;
  const parzen = { priorWeight: numberOption(opts, "priorWeight", 1, { min: 1e-9 }), multivariate: booleanOption(opts, "multivariate", true) };
  const constantLiar = booleanOption(opts, "constantLiar", true);
  const rows: number[][] = [];
  const minValues: number[][] = [];
  const feasible: boolean[] = [];
  const pending = new Map<string, number[]>();
  let issued = 0;

  const propose = (index: number): Point => {
    const rng = createRng(deriveSeed(seed, index));
    const n = rows.length;
    if (n < nStartup || !feasible.includes(true)) return samplePoint(space, rng);
    const order = objectives.length === 1 ? singleObjectiveOrder(minValues, feasible) : crowdedOrder(minValues, feasible);
    const nFeasible = feasible.filter(Boolean).length;
    const nGood = Math.max(1, Math.min(Math.floor(gamma(n)) || 1, nFeasible));
    const good = new Set(order.slice(0, nGood));
    // Each group in tell order, weighted by its own recency ramp (as Optuna does); liars come last.
    const goodRows = rows.filter((_, i) => good.has(i));
    const badRows = [...rows.filter((_, i) => !good.has(i)), ...(constantLiar ? pending.values() : [])];
    const l = fitParzen(space, goodRows, defaultWeights(goodRows.length), parzen);
    const g = fitParzen(space, badRows, defaultWeights(badRows.length), parzen);
    let best: number[] = [];
    let bestScore = -Infinity;
    for (let k = 0; k < nCandidates; k++) {
      const x = sampleParzen(l, rng);
      const score = parzenLogDensity(l, x) - parzenLogDensity(g, x);
      if (score > bestScore || best.length === 0) {
        best = x;
        bestScore = score;
      }
    }
    return decodePoint(space, best);
  };

  return {
    id: "tpe",
    ask(n: number): Point[] {
      const out: Point[] = [];
      for (let k = 0; k < n; k++) {
        const p = propose(issued++);
        pending.set(pointKey(space, p), encodePoint(space, p));
        out.push(p);
      }
      return out;
    },
    tell(observations: readonly Observation[]): void {
      for (const o of observations) {
        // Validate before mutating, so a malformed observation leaves the state untouched.
        const row = encodePoint(space, o.point);
        const min = toMinimization(o.values, objectives);
        pending.delete(pointKey(space, o.point));
        rows.push(row);
        minValues.push(min);
        feasible.push(isFeasible(o));
      }
      issued = Math.max(issued, rows.length);
    },
  };
}

/** Feasible first, then by value (ascending, minimisation form), ties by tell order. */
function singleObjectiveOrder(minValues: readonly number[][], feasible: readonly boolean[]): number[] {
  return minValues
    .map((_, i) => i)
    .sort((a, b) => Number(feasible[b]) - Number(feasible[a]) || minValues[a][0] - minValues[b][0] || a - b);
}
