// Optimizer benchmark (`npm run bench:optimize`): the numeric core on standard problems, then
// every strategy on examples/qa.flow.json with the sim provider. Prints tables and writes
// bench/results/optimize.json.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createMemoryOptimizationStore, createProviderRegistry, OPTIMIZER_STRATEGIES, parseJsonl, runOptimization } from "../engine/index.js";
import { createSimProvider, simBestScore } from "../engine/providers/sim/index.js";
import { splitIndices } from "../engine/dataset/split.js";
import { runNumericBenchmarks } from "./optimize-numeric.js";
import { printTable } from "./timing.js";

const SEEDS = [1, 2, 3];

interface SeedResult {
  seed: number;
  baselineTest: number;
  bestTest: number;
  ceiling: number;
  llmCalls: number;
  tokens: number;
  wallMs: number;
}

// Each strategy, averaged over seeds (each seed also draws its own train/validation/test split).
async function llmBenchmarks() {
  const graph = JSON.parse(readFileSync("examples/qa.flow.json", "utf8"));
  const rows = parseJsonl(readFileSync("examples/qa.dataset.jsonl", "utf8"));
  const out = [];
  for (const strategy of OPTIMIZER_STRATEGIES) {
    const per: SeedResult[] = [];
    for (const seed of SEEDS) {
      const split = splitIndices(rows, { seed, fractions: { train: 0.4, validation: 0.3, test: 0.3 } });
      // The sim's best achievable correctness on this test split with the node's model.
      const ceiling = simBestScore("arithmetic", split.test.map((i) => rows[i]) as never, { model: "sim-small" });
      const started = performance.now();
      const r = await runOptimization({
        graph,
        rows,
        providers: createProviderRegistry([createSimProvider({ latencyScale: 0 })]),
        store: createMemoryOptimizationStore(),
        config: { targets: ["answer"], strategy, objectives: [{ metric: "grade", direction: "max" }, { metric: "tokens", direction: "min" }], seed, limits: { maxCandidates: 24 } },
      });
      per.push({ seed, baselineTest: r.baseline.test?.grade ?? NaN, bestTest: r.best.test?.grade ?? NaN, ceiling, llmCalls: r.llmCalls, tokens: r.tokensSpent, wallMs: performance.now() - started });
    }
    const mean = (f: (x: SeedResult) => number) => per.reduce((s, x) => s + f(x), 0) / per.length;
    const base = mean((x) => x.baselineTest);
    const best = mean((x) => x.bestTest);
    const ceiling = mean((x) => x.ceiling);
    out.push({ strategy, seeds: SEEDS, baselineTest: base, bestTest: best, ceiling, headroomClosed: ceiling > base ? (best - base) / (ceiling - base) : 0, beatsBaselineOnEverySeed: per.every((x) => x.bestTest > x.baselineTest), llmCalls: mean((x) => x.llmCalls), tokens: mean((x) => x.tokens), wallMs: mean((x) => x.wallMs), perSeed: per });
  }
  return out;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

// FLOWTUNE_BENCH_LLM_ONLY=1 skips the (slower) numeric part.
const numeric = process.env.FLOWTUNE_BENCH_LLM_ONLY ? undefined : await runNumericBenchmarks();
const llm = await llmBenchmarks();
console.log(`\nStrategies on examples/qa.flow.json (sim provider, 24 candidates, test split; mean of seeds ${SEEDS.join(", ")})`);
printTable(
  ["strategy", "baseline", "optimized", "sim ceiling", "headroom closed", "beats baseline", "LLM calls", "tokens", "wall"],
  llm.map((r) => [r.strategy, pct(r.baselineTest), pct(r.bestTest), pct(r.ceiling), pct(r.headroomClosed), r.beatsBaselineOnEverySeed ? "every seed" : "not always", r.llmCalls.toFixed(0), r.tokens.toFixed(0), `${(r.wallMs / 1000).toFixed(1)} s`]),
);
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/optimize.json", `${JSON.stringify({ numeric, llm }, null, 2)}\n`);
console.log("\nwrote bench/results/optimize.json");
