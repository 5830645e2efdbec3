// The strategy registry: one id per search strategy, each created from the same options shape.
import { createGridSearch } from "./grid.js";
import { createNsga2 } from "./nsga2.js";
import { createRandomSearch } from "./random.js";
import { createTpe } from "./tpe.js";
import type { SearchStrategy, StrategyOptions } from "./types.js";

/** Ids of the numeric search strategies. */
export const SEARCH_STRATEGY_IDS = ["random", "grid", "tpe", "nsga2"] as const;

export type SearchStrategyId = (typeof SEARCH_STRATEGY_IDS)[number];

const factories: Record<SearchStrategyId, (opts: StrategyOptions) => SearchStrategy> = {
  random: createRandomSearch,
  grid: createGridSearch,
  tpe: createTpe,
  nsga2: createNsga2,
};

/** True when `id` names a registered strategy. */
export function isSearchStrategyId(id: string): id is SearchStrategyId {
  return (SEARCH_STRATEGY_IDS as readonly string[]).includes(id);
}

/**
 * Creates a search strategy by id. Strategy-specific knobs ride along in `opts`
 * (grid: pointsPerDimension; tpe: nStartup, nCandidates, …; nsga2: populationSize, …).
 */
export function createSearchStrategy(id: SearchStrategyId, opts: StrategyOptions): SearchStrategy {
  if (!isSearchStrategyId(id)) throw new Error(`unknown search strategy "${String(id)}"; expected one of ${SEARCH_STRATEGY_IDS.join(", ")}`);
  if (opts.objectives.length === 0) throw new Error("a search needs at least one objective");
  return factories[id](opts);
}
