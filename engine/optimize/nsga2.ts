// NSGA-II (Deb et al. 2002) behind ask/tell: generation g's offspring come from a stream derived
// from (seed, g); once `populationSize` observations of a generation are told, elitist (μ+λ)
// survival by non-dominated sort + crowding picks the parents of the next one.
import { numberOption } from "./options.js";
import { crowdingDistance, isFeasible, nonDominatedSortMin, toMinimization } from "./pareto.js";
import { createRng, deriveSeed, type Rng } from "./rng.js";
import { decodePoint, encodePoint, pointKey, samplePoint, validateSpace } from "./space.js";
import type { Observation, Point, SearchStrategy, StrategyOptions } from "./types.js";
import { polynomialMutation, sbxCrossover, type GeneKind } from "./variation.js";

/** Consecutive duplicate children discarded before a duplicate is accepted (the space may be exhausted). */
const MAX_RETRIES = 16;

/** Options of the NSGA-II strategy. */
export interface Nsga2Options extends StrategyOptions {
  /** Population size μ (and offspring per generation λ); default 100. */
  populationSize?: number;
  /** Probability that a parent pair is crossed; default 0.9. */
  crossoverProbability?: number;
  /** SBX distribution index; default 20. */
  crossoverEta?: number;
  /** Polynomial-mutation distribution index; default 20. */
  mutationEta?: number;
  /** Per-gene mutation probability; default 1/(number of dimensions). */
  mutationProbability?: number;
}

/** NSGA-II as a search strategy, exposing its current parent population for reporting. */
export interface Nsga2Strategy extends SearchStrategy {
  /** Generation being collected (0 = the random initial population). */
  readonly generation: number;
  /** The current parents (the survivors of the last completed generation). */
  population(): Observation[];
}

interface Member {
  obs: Observation;
  genes: number[];
  min: number[];
  feasible: boolean;
  rank: number;
  crowding: number;
}

/**
 * Creates an NSGA-II strategy. `ask(n)` always returns n points: once a generation's λ offspring are
 * handed out, further asks breed extras from the same parents (they cover failed evaluations, or
 * count toward the next generation). Tells are counted toward the current generation in arrival order,
 * so replaying stored tells rebuilds the same state.
 */
export function createNsga2(opts: Nsga2Options): Nsga2Strategy {
  validateSpace(opts.space);
  const { space, objectives, seed } = opts;
  const size = numberOption(opts, "populationSize", 100, { integer: true, min: 2 });
  const pc = numberOption(opts, "crossoverProbability", 0.9, { min: 0, max: 1 });
  const etaC = numberOption(opts, "crossoverEta", 20, { min: 0 });
  const etaM = numberOption(opts, "mutationEta", 20, { min: 0 });
  const pm = numberOption(opts, "mutationProbability", 1 / space.length, { min: 0, max: 1 });
  const genes: GeneKind[] = space.map((d) => (d.kind === "categorical" ? { kind: "categorical", k: d.choices.length } : { kind: "numeric" }));

  let generation = 0;
  let parents: Member[] = [];
  let collected: Member[] = [];
  let rng: Rng = createRng(deriveSeed(seed, 0));
  let offspring: Point[] = [];
  let handed = 0;

  // Points evaluated in completed generations plus this generation's offspring: duplicates are re-bred
  // (up to MAX_RETRIES times) so small discrete spaces do not burn evaluations on repeats. Only state
  // fixed at the generation's start is consulted, so a replay breeds the same offspring.
  const history = new Set<string>();
  const offspringKeys = new Set<string>();
  // Offspring key → the two parents' points (for the candidates' lineage; not used in the search).
  const bredFrom = new Map<string, Point[]>();
  let retries = 0;
  const offer = (p: Point, from: Point[] = []): void => {
    const key = pointKey(space, p);
    if ((history.has(key) || offspringKeys.has(key)) && retries < MAX_RETRIES) {
      retries++;
      return;
    }
    retries = 0;
    offspringKeys.add(key);
    if (from.length && !bredFrom.has(key)) bredFrom.set(key, from);
    offspring.push(p);
  };
  const breed = (): void => {
    if (generation === 0) return offer(samplePoint(space, rng));
    const pa = tournament(parents, rng);
    const pb = tournament(parents, rng);
    const [a, b] = [pa.genes, pb.genes];
    const [c1, c2] = rng.next() < pc ? sbxCrossover(a, b, genes, etaC, rng) : [[...a], [...b]];
    const from = pa === pb ? [pa.obs.point] : [pa.obs.point, pb.obs.point];
    offer(decodePoint(space, polynomialMutation(c1, genes, etaM, pm, rng)), from);
    offer(decodePoint(space, polynomialMutation(c2, genes, etaM, pm, rng)), from);
  };

  const advance = (): void => {
    for (const m of collected) history.add(pointKey(space, m.obs.point));
    parents = survive([...parents, ...collected], size);
    collected = [];
    offspringKeys.clear();
    retries = 0;
    generation++;
    rng = createRng(deriveSeed(seed, generation));
    offspring = [];
    handed = 0;
  };

  return {
    id: "nsga2",
    get generation() {
      return generation;
    },
    population: () => parents.map((m) => m.obs),
    parentsOf: (point: Point) => bredFrom.get(pointKey(space, point)) ?? [],
    ask(n: number): Point[] {
      // After a replay, the offspring already evaluated in this generation are skipped.
      handed = Math.max(handed, collected.length);
      while (offspring.length < handed + n) breed();
      const out = offspring.slice(handed, handed + n);
      handed += out.length;
      return out;
    },
    tell(observations: readonly Observation[]): void {
      for (const obs of observations) {
        const min = toMinimization(obs.values, objectives);
        collected.push({ obs, genes: encodePoint(space, obs.point), min, feasible: isFeasible(obs), rank: 0, crowding: 0 });
        if (collected.length >= size) advance();
      }
    },
  };
}

/**
 * Elitist survival: whole fronts while they fit, then the most isolated members of the next front.
 * Survivors keep the rank and crowding distance computed on the merged pool (as in Deb's NSGA-II).
 */
function survive(pool: Member[], size: number): Member[] {
  const fronts = nonDominatedSortMin(
    pool.map((m) => m.min),
    pool.map((m) => m.feasible),
  );
  const chosen: Member[] = [];
  for (let rank = 0; rank < fronts.length && chosen.length < size; rank++) {
    const front = fronts[rank];
    const cd = crowdingDistance(front.map((i) => pool[i].min.map((v) => (Number.isFinite(v) ? v : Number.MAX_VALUE))));
    const ranked = front.map((idx, k) => ({ member: pool[idx], idx, cd: cd[k] })).sort((a, b) => b.cd - a.cd || a.idx - b.idx);
    for (const r of ranked.slice(0, size - chosen.length)) {
      r.member.rank = rank;
      r.member.crowding = r.cd;
      chosen.push(r.member);
    }
  }
  return chosen;
}

/** Binary tournament: lower rank wins, then larger crowding distance, then the first drawn. */
function tournament(pop: readonly Member[], rng: Rng): Member {
  const a = pop[rng.int(pop.length)];
  const b = pop[rng.int(pop.length)];
  if (a.rank !== b.rank) return a.rank < b.rank ? a : b;
  return b.crowding > a.crowding ? b : a;
}
