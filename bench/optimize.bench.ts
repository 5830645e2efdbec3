// Optimizer benchmark (`npm run bench:optimize`): the numeric core on standard problems, then
// every strategy on examples/qa.flow.json with the sim provider. Prints tables and writes
// bench/results/optimize.json.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createMemoryOptimizationStore, createProviderRegistry, OPTIMIZER_STRATEGIES, parseJsonl, runOptimization } from "../engine/index.js";
import { createSimProvider, simBestScore } from "../engine/providers/sim/index.js";
import { splitIndices } from "../engine/dataset/split.js";
import { runNumericBenchmarks } from "./optimize-numeric.js";

async function llmBenchmarks() {
  const graph = JSON.parse(readFileSync("examples/qa.flow.json", "utf8"));
  const rows = parseJsonl(readFileSync("examples/qa.dataset.jsonl", "utf8"));
  const seed = 1;
  const split = splitIndices(rows, { seed, fractions: { train: 0.4, validation: 0.3, test: 0.3 } });
  const testRows = split.test.map((i) => rows[i]) as Array<{ question: string; expected: string }>;
  // The sim's best achievable correctness on the test split with the node's model.
  const ceiling = simBestScore("arithmetic", testRows as never, { model: "sim-small" });
  const out = [];
  for (const strategy of OPTIMIZER_STRATEGIES) {
    const started = performance.now();
    const r = await runOptimization({
      graph,
      rows,
      providers: createProviderRegistry([createSimProvider({ latencyScale: 0 })]),
      store: createMemoryOptimizationStore(),
      config: { targets: ["answer"], strategy, objectives: [{ metric: "grade", direction: "max" }, { metric: "tokens", direction: "min" }], seed, limits: { maxCandidates: 24 } },
    });
    const base = r.baseline.test.grade;
    const best = r.best.test.grade;
    out.push({
      strategy,
      candidates: r.candidates.length,
      baselineTest: base,
      bestTest: best,
      ceiling,
      headroomClosed: ceiling > base ? (best - base) / (ceiling - base) : 0,
      llmCalls: r.llmCalls,
      tokens: r.tokensSpent,
      wallMs: performance.now() - started,
    });
  }
  return out;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function printTable(headers: string[], rows: string[][]) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(w[i])).join("  ");
  console.log(line(headers));
  console.log(line(w.map((n) => "-".repeat(n))));
  for (const r of rows) console.log(line(r));
}

const numeric = await runNumericBenchmarks();
const llm = await llmBenchmarks();
console.log("\nStrategies on examples/qa.flow.json (sim provider, seed 1, 24 candidates; test split)");
printTable(
  ["strategy", "baseline", "optimized", "sim ceiling", "headroom closed", "LLM calls", "tokens", "wall"],
  llm.map((r) => [r.strategy, pct(r.baselineTest), pct(r.bestTest), pct(r.ceiling), pct(r.headroomClosed), String(r.llmCalls), String(r.tokens), `${(r.wallMs / 1000).toFixed(1)} s`]),
);
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/optimize.json", `${JSON.stringify({ numeric, llm }, null, 2)}\n`);
console.log("\nwrote bench/results/optimize.json");
