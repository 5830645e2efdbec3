// Random search: uniform sampling (log-uniform on log dimensions), one seeded stream per proposal.
import { createRng, deriveSeed } from "./rng.js";
import { samplePoint, validateSpace } from "./space.js";
import type { Observation, Point, SearchStrategy, StrategyOptions } from "./types.js";

/**
 * Creates a random-search strategy. Proposal i is drawn from its own stream derived from (seed, i),
 * and telling k observations moves the counter to at least k, so replaying tells resumes the sequence.
 */
export function createRandomSearch(opts: StrategyOptions): SearchStrategy {
  validateSpace(opts.space);
  let issued = 0;
  let told = 0;
  return {
    id: "random",
    ask(n: number): Point[] {
      const out: Point[] = [];
      for (let k = 0; k < n; k++) out.push(samplePoint(opts.space, createRng(deriveSeed(opts.seed, issued++))));
      return out;
    },
    tell(observations: readonly Observation[]): void {
      told += observations.length;
      issued = Math.max(issued, told);
    },
  };
}
