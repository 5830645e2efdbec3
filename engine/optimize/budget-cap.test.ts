/**
 * The cap is a promise, end to end: the sim's real token counts, 32 examples in flight, and the
 * stored spend never exceeds the cap; the search never eats into the holdout reserve. (Before
 * admission control, calls started while the cap was not yet reached all landed: 3,362 of 3,000
 * at concurrency 4, 4,086 at 32, and the search ran past cap − reserve.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJsonl } from "../dataset/parse.js";
import { splitIndices } from "../dataset/split.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider } from "../providers/sim/index.js";
import type { Provider } from "../providers/types.js";
import { checkConfig, runOptimization } from "./loop.js";
import { OptimizeConfigSchema, type OptimizeConfigInput } from "./config.js";
import { createMemoryOptimizationStore } from "./store.js";
import { parseGraph } from "../graph/validate.js";

const graph = JSON.parse(readFileSync(new URL("../../examples/qa.flow.json", import.meta.url), "utf8"));
const rows = parseJsonl(readFileSync(new URL("../../examples/qa.dataset.jsonl", import.meta.url), "utf8"));
const objectives = [{ metric: "grade", direction: "max" as const }];

/**
 * The sim with its real usage, each call taking 1–4 ms so that many overlap; it records what it
 * billed, and what it had billed when the first test-split question reached it (the search is
 * over by then: only the holdout re-scores test rows).
 */
function meteredSim(testQuestions: Set<string>) {
  const sim = createSimProvider({ latencyScale: 0 });
  const bill = { tokens: 0, costUsd: 0, calls: 0, beforeHoldout: undefined as number | undefined, overMaxTokens: 0 };
  const provider: Provider = {
    id: "sim",
    async complete(req, o) {
      if (bill.beforeHoldout === undefined && req.messages.some((m) => [...testQuestions].some((q) => m.content.includes(q)))) bill.beforeHoldout = bill.tokens;
      await new Promise((r) => setTimeout(r, 1 + (bill.calls % 4)));
      const res = await sim.complete(req, o);
      bill.calls++;
      bill.tokens += res.usage.totalTokens;
      bill.costUsd += res.costUsd ?? 0;
      if (req.maxTokens === undefined || res.usage.completionTokens > req.maxTokens) bill.overMaxTokens++;
      return res;
    },
  };
  return { bill, providers: createProviderRegistry([provider]) };
}

function testQuestions(seed: number): Set<string> {
  const split = splitIndices(rows, { seed, fractions: { train: 0.4, validation: 0.3, test: 0.3 } });
  return new Set(split.test.map((i) => rows[i].question as string));
}

describe("a token cap of 3,000 with 32 calls in flight", () => {
  const CAP = 3000;
  const RESERVE = 0.2;
  const cases = [
    ["random", 3],
    ["random", 5],
    ["random", 7],
    ["reflective", 3],
    ["reflective", 5],
    ["bootstrap_fewshot", 3],
    ["bootstrap_fewshot", 5],
  ] as const;

  it.each(cases)("%s, seed %i: stored spend ≤ the cap; the search stays within cap − reserve; the stop reason says what did not fit", async (strategy, seed) => {
    const meter = meteredSim(testQuestions(seed));
    const mem = createMemoryOptimizationStore();
    const config: OptimizeConfigInput = { targets: ["answer"], strategy, objectives, seed, concurrency: 32, limits: { maxCandidates: 50, budgetTokens: CAP } };
    const r = await runOptimization({ graph, rows, providers: meter.providers, store: mem, config });
    const stored = mem.runs.get(r.runId)!;
    expect(stored.spend.tokens).toBeLessThanOrEqual(CAP);
    // Everything the provider billed is recorded (no kill here), and the summary is what is stored.
    expect(stored.spend.tokens).toBe(meter.bill.tokens);
    expect(r.tokensSpent).toBe(stored.spend.tokens);
    // Every call carried a maxTokens, and the sim kept to it.
    expect(meter.bill.overMaxTokens).toBe(0);
    expect(meter.bill.beforeHoldout ?? meter.bill.tokens).toBeLessThanOrEqual(Math.floor(CAP * (1 - RESERVE)));
    expect(r).toMatchObject({ status: "completed", budgetExhausted: true });
    expect(r.stopReason).toMatch(/^budget exhausted \(\d+ of 3000 tokens spent; 600 kept for the test re-scoring\): the next call could need (\d+) tokens, (\d+) remain$/);
    const [, need, remain] = /could need (\d+) tokens, (\d+) remain/.exec(r.stopReason!)!.map(Number);
    expect(need).toBeGreaterThan(remain);
    // A test re-score the reserve could not pay for says so; it is never a 0.
    for (const p of [r.baseline, r.best]) expect(p.testStatus).toBe(p.test === null ? "not scored (budget exhausted)" : "scored");
  });

  it("a cap smaller than one call spends nothing and says why", async () => {
    const meter = meteredSim(new Set());
    const r = await runOptimization({ graph, rows, providers: meter.providers, store: createMemoryOptimizationStore(), config: { targets: ["answer"], strategy: "random", objectives, concurrency: 32, limits: { budgetTokens: 100 } } });
    expect(meter.bill.calls).toBe(0);
    expect(r).toMatchObject({ status: "completed", budgetExhausted: true, tokensSpent: 0 });
    expect(r.stopReason).toMatch(/^budget exhausted \(0 of 100 tokens spent; 20 kept for the test re-scoring\): the next call could need \d{3} tokens, 80 remain$/);
    expect(r.candidates[0]).toMatchObject({ status: "failed" });
    expect(r.baseline.testStatus).toBe("not scored (budget exhausted)");
  });
});

describe("a cost cap", () => {
  it("holds with 32 calls in flight (sim prices)", async () => {
    const meter = meteredSim(new Set());
    const cap = 0.0005;
    const mem = createMemoryOptimizationStore();
    const r = await runOptimization({ graph, rows, providers: meter.providers, store: mem, config: { targets: ["answer"], strategy: "random", objectives, seed: 5, concurrency: 32, limits: { maxCandidates: 50, budgetCostUsd: cap } } });
    expect(r.budgetExhausted).toBe(true);
    expect(r.stopReason).toMatch(/^budget exhausted \(\$[\d.]+ of \$0\.0005 spent; \$0\.0001 kept for the test re-scoring\): the next call could cost \$[\d.]+, \$[\d.]+ remain$/);
    expect(mem.runs.get(r.runId)!.spend.costUsd).toBeLessThanOrEqual(cap + 1e-12);
    expect(mem.runs.get(r.runId)!.spend.costUsd).toBeCloseTo(meter.bill.costUsd, 12);
  });

  it("is refused before the start when a model has no known price", () => {
    const g = parseGraph({ ...graph, nodes: graph.nodes.map((n: { id: string; config: object }) => (n.id === "answer" ? { ...n, config: { ...n.config, model: "llama3.1:8b" } } : n)) });
    const config = OptimizeConfigSchema.parse({ targets: ["answer"], strategy: "reflective", objectives, limits: { budgetCostUsd: 1 } });
    expect(() => checkConfig(g, config)).toThrow(/the cost cap of \$1 cannot be held: no price is known for "llama3\.1:8b" \(node "answer"\)/);
    expect(() => checkConfig(g, { ...config, limits: { ...config.limits, budgetCostUsd: undefined, budgetTokens: 1000 } })).not.toThrow();
    try {
      checkConfig(g, config);
    } catch (err) {
      expect(err).toMatchObject({ code: "INPUT_INVALID", location: { field: "limits.budgetCostUsd" } });
    }
  });
});
