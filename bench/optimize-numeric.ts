// Numeric optimizer benchmarks against the anchors: NSGA-II hypervolume on ZDT1/2/3 and DTLZ2,
// evaluations-to-target for TPE vs random on Branin, best-after-N on Rosenbrock.
import { observationHypervolume } from "../engine/optimize/hypervolume.js";
import { createNsga2 } from "../engine/optimize/nsga2.js";
import { paretoFront } from "../engine/optimize/pareto.js";
import { branin, dtlz2, rosenbrock, zdt1, zdt2, zdt3, type BenchmarkProblem } from "../engine/optimize/problems/index.js";
import { createRng } from "../engine/optimize/rng.js";
import { samplePoint } from "../engine/optimize/space.js";
import { createSearchStrategy, type SearchStrategyId } from "../engine/optimize/strategies.js";
import type { Observation, SearchStrategy } from "../engine/optimize/types.js";

/** NSGA-II on one multi-objective problem, over several seeds. */
export interface HypervolumeRow {
  problem: string;
  variables: number;
  objectives: number;
  populationSize: number;
  evaluations: number;
  reference: number[];
  trueHypervolume: number;
  seeds: number[];
  /** Hypervolume of the final population, per seed. */
  hypervolume: number[];
  /** hypervolume / trueHypervolume, per seed. */
  ratio: number[];
  ratioMedian: number;
  ratioMin: number;
  /** Median ratio of the non-dominated set of every evaluation (what a Pareto view shows). */
  archiveRatioMedian: number;
  /** Anchor ratio to meet, where one is stated (ZDT1: 0.975, i.e. 0.65 of 0.66667). */
  target?: number;
  pass?: boolean;
  wallMs: number;
}

/** Evaluations a strategy needs to get within `tolerance` of Branin's optimum, per seed. */
export interface BraninRow {
  strategy: "random" | "tpe";
  seeds: number[];
  /** Evaluations to target per seed; `cap` when never reached (censored). */
  evaluations: number[];
  reached: number;
  median: number;
  wallMs: number;
}

export interface BraninResult {
  optimum: number;
  tolerance: number;
  cap: number;
  rows: BraninRow[];
  /** Random search in theory: 1/p evaluations on average (p = share of the box within tolerance, by Monte Carlo). */
  randomExpectedMean: number;
  randomExpectedMedian: number;
  tpeBeatsRandom: boolean;
}

/** Best value found after a fixed number of evaluations, per seed. */
export interface RosenbrockRow {
  strategy: SearchStrategyId;
  options: Record<string, number>;
  best: number[];
  median: number;
  wallMs: number;
}

export interface RosenbrockResult {
  dimensions: number;
  evaluations: number;
  seeds: number[];
  rows: RosenbrockRow[];
}

/** Everything the numeric benchmark measured (JSON-serialisable). */
export interface NumericBenchResult {
  nsga2: HypervolumeRow[];
  branin: BraninResult;
  rosenbrock: RosenbrockResult;
  wallMs: number;
}

export interface NumericBenchOptions {
  /** Seeds for each NSGA-II problem; default 5. */
  nsga2Seeds?: number;
  /** Seeds for Branin and Rosenbrock; default 11 and 5. */
  braninSeeds?: number;
  rosenbrockSeeds?: number;
  /** Where the tables go; default console.log. Pass `() => {}` for silence. */
  log?: (line: string) => void;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const seedList = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
// Lets other work (and Ctrl-C) through between CPU-bound runs.
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs every numeric benchmark, prints the tables and returns the figures. */
export async function runNumericBenchmarks(opts: NumericBenchOptions = {}): Promise<NumericBenchResult> {
  const started = performance.now();
  const nsga2: HypervolumeRow[] = [];
  for (const [problem, target] of [
    [zdt1(), 0.975],
    [zdt2(), undefined],
    [zdt3(), undefined],
    [dtlz2(), undefined],
  ] as const) {
    nsga2.push(await hypervolumeRow(problem, seedList(opts.nsga2Seeds ?? 5), target));
  }
  const result: NumericBenchResult = {
    nsga2,
    branin: await braninRace(seedList(opts.braninSeeds ?? 11)),
    rosenbrock: await rosenbrockRace(seedList(opts.rosenbrockSeeds ?? 5)),
    wallMs: 0,
  };
  result.wallMs = performance.now() - started;
  for (const line of formatNumericTables(result)) (opts.log ?? console.log)(line);
  return result;
}

/** NSGA-II with the anchor's settings: population 100, 25,000 evaluations, SBX η 20 (p 0.9), PM η 20 (p 1/n). */
async function hypervolumeRow(problem: BenchmarkProblem, seeds: number[], target?: number): Promise<HypervolumeRow> {
  const t0 = performance.now();
  const populationSize = 100;
  const evaluations = 25_000;
  const hv: number[] = [];
  const archive: number[] = [];
  for (const seed of seeds) {
    const s = createNsga2({ space: problem.space, objectives: problem.objectives, seed, populationSize });
    const all: Observation[] = [];
    for (let n = 0; n < evaluations; n += populationSize) {
      const obs = s.ask(populationSize).map((point) => ({ point, values: problem.evaluate(point) }));
      s.tell(obs);
      all.push(...obs);
    }
    const front = paretoFront(all, problem.objectives);
    hv.push(observationHypervolume(s.population(), problem.objectives, problem.reference!));
    archive.push(observationHypervolume(front, problem.objectives, problem.reference!));
    await breathe();
  }
  const truth = problem.trueHypervolume!;
  const ratio = hv.map((v) => v / truth);
  return {
    problem: problem.id,
    variables: problem.space.length,
    objectives: problem.objectives.length,
    populationSize,
    evaluations,
    reference: problem.reference!,
    trueHypervolume: truth,
    seeds,
    hypervolume: hv,
    ratio,
    ratioMedian: median(ratio),
    ratioMin: Math.min(...ratio),
    archiveRatioMedian: median(archive) / truth,
    target,
    pass: target === undefined ? undefined : Math.min(...ratio) >= target,
    wallMs: performance.now() - t0,
  };
}

/** Evaluations until Branin is within 0.1 of 0.397887, one point at a time, capped at 1,000. */
async function braninRace(seeds: number[]): Promise<BraninResult> {
  const problem = branin();
  const optimum = problem.optimum!.value;
  const tolerance = 0.1;
  const cap = 1000;
  const rows: BraninRow[] = [];
  for (const strategy of ["random", "tpe"] as const) {
    const t0 = performance.now();
    const evaluations: number[] = [];
    let reached = 0;
    for (const seed of seeds) {
      const s = createSearchStrategy(strategy, { space: problem.space, objectives: problem.objectives, seed });
      let n = 0;
      let hit = false;
      while (n < cap && !hit) {
        const [point] = s.ask(1);
        const values = problem.evaluate(point);
        s.tell([{ point, values }]);
        n++;
        hit = values[0] <= optimum + tolerance;
      }
      evaluations.push(n);
      if (hit) reached++;
      await breathe();
    }
    rows.push({ strategy, seeds, evaluations, reached, median: median(evaluations), wallMs: performance.now() - t0 });
  }
  // Monte Carlo estimate of the share of the box within tolerance of the optimum.
  const rng = createRng(12345);
  const samples = 1_000_000;
  let hits = 0;
  for (let i = 0; i < samples; i++) if (problem.evaluate(samplePoint(problem.space, rng))[0] <= optimum + tolerance) hits++;
  const p = hits / samples;
  const [random, tpe] = rows;
  return { optimum, tolerance, cap, rows, randomExpectedMean: 1 / p, randomExpectedMedian: Math.log(2) / Math.log(1 / (1 - p)), tpeBeatsRandom: tpe.median < random.median };
}

/** Best Rosenbrock value after a fixed budget for random, TPE and single-objective NSGA-II. */
async function rosenbrockRace(seeds: number[]): Promise<RosenbrockResult> {
  const dimensions = 5;
  const evaluations = 300;
  const problem = rosenbrock(dimensions);
  const configs: Array<[SearchStrategyId, Record<string, number>, number]> = [
    ["random", {}, 1],
    ["tpe", {}, 1],
    // Small populations suit a 300-evaluation budget (15 generations).
    ["nsga2", { populationSize: 20 }, 20],
  ];
  const rows: RosenbrockRow[] = [];
  for (const [strategy, options, batch] of configs) {
    const t0 = performance.now();
    const best: number[] = [];
    for (const seed of seeds) {
      const s: SearchStrategy = createSearchStrategy(strategy, { space: problem.space, objectives: problem.objectives, seed, ...options });
      let value = Infinity;
      for (let n = 0; n < evaluations; n += batch) {
        const obs = s.ask(batch).map((point) => ({ point, values: problem.evaluate(point) }));
        for (const o of obs) value = Math.min(value, o.values[0]);
        s.tell(obs);
      }
      best.push(value);
      await breathe();
    }
    rows.push({ strategy, options, best, median: median(best), wallMs: performance.now() - t0 });
  }
  return { dimensions, evaluations, seeds, rows };
}

/** The benchmark's tables as printable lines. */
export function formatNumericTables(r: NumericBenchResult): string[] {
  const out: string[] = [];
  const f = (v: number, d = 4) => v.toFixed(d);
  out.push("", "NSGA-II hypervolume (pop 100, 25,000 evaluations, SBX η 20 p 0.9, PM η 20 p 1/n; final population)");
  out.push(
    ...table(
      ["problem", "vars", "seeds", "HV median", "true HV", "ratio median", "ratio min", "archive ratio", "target", "wall"],
      r.nsga2.map((h) => [
        `${h.problem} (ref ${h.reference.join(",")})`,
        String(h.variables),
        String(h.seeds.length),
        f(median(h.hypervolume)),
        f(h.trueHypervolume, 5),
        f(h.ratioMedian),
        f(h.ratioMin),
        f(h.archiveRatioMedian),
        h.target === undefined ? "-" : `>= ${h.target} ${h.pass ? "PASS" : "FAIL"}`,
        `${(h.wallMs / 1000).toFixed(1)} s`,
      ]),
    ),
  );
  const b = r.branin;
  out.push("", `Branin: evaluations to get within ${b.tolerance} of ${b.optimum} (cap ${b.cap}; anchor: random ~523)`);
  out.push(
    ...table(
      ["strategy", "seeds", "median", "reached", "per seed", "wall"],
      b.rows.map((row) => [row.strategy, String(row.seeds.length), String(row.median), `${row.reached}/${row.seeds.length}`, row.evaluations.join(" "), `${(row.wallMs / 1000).toFixed(1)} s`]),
    ),
  );
  out.push(`random in theory: mean ${b.randomExpectedMean.toFixed(0)}, median ${b.randomExpectedMedian.toFixed(0)} evaluations; TPE beats random: ${b.tpeBeatsRandom ? "yes" : "NO"}`);
  const ro = r.rosenbrock;
  out.push("", `Rosenbrock ${ro.dimensions}-D: best value after ${ro.evaluations} evaluations (optimum 0; ${ro.seeds.length} seeds)`);
  out.push(
    ...table(
      ["strategy", "median best", "per seed", "wall"],
      ro.rows.map((row) => [
        row.strategy + (Object.keys(row.options).length ? ` (${Object.entries(row.options).map(([k, v]) => `${k} ${v}`).join(", ")})` : ""),
        row.median.toPrecision(3),
        row.best.map((v) => v.toPrecision(3)).join(" "),
        `${(row.wallMs / 1000).toFixed(1)} s`,
      ]),
    ),
  );
  out.push("", `numeric benchmarks: ${(r.wallMs / 1000).toFixed(1)} s`);
  return out;
}

function table(headers: string[], rows: string[][]): string[] {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd();
  return [line(headers), line(w.map((n) => "-".repeat(n))), ...rows.map(line)];
}
