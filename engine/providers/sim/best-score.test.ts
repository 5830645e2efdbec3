import { describe, expect, it } from "vitest";
import { measureSimAccuracy, simEvalItem } from "./evaluate.js";
import { createSimProvider, generateMapRows, generateTaskRows, simBestScore, simBestScoreDetails, SIM_MODELS } from "./index.js";
import type { SimPromptRecipe } from "./reference-prompts.js";

describe("simBestScore", () => {
  it("bounds every prompt and model tried, at any temperature", async () => {
    const sim = createSimProvider({ latencyScale: 0 });
    const rows = generateTaskRows("sentiment", 40, 13);
    const items = rows.map((r) => simEvalItem("sentiment", r));
    const demos = generateTaskRows("sentiment", 6, 50).map((r) => ({ input: r.review, output: r.expected }));
    const recipes: SimPromptRecipe[] = [
      {},
      { format: true },
      { instruction: true, format: true, demos },
      { instruction: true, format: true, hint: true, demos, stepByStep: true, selfCheck: true },
    ];
    for (const m of SIM_MODELS) {
      const ceiling = simBestScore("sentiment", rows, { model: m.id });
      expect(ceiling).toBeLessThanOrEqual(simBestScore("sentiment", rows));
      for (const recipe of recipes) {
        for (const temperature of [0, 1]) {
          const a = await measureSimAccuracy(sim, "sentiment", items, recipe, { model: m.id, temperature, seed: 4 });
          expect(a.extracted).toBeLessThanOrEqual(ceiling);
        }
      }
    }
  });

  it("reports per-model scores, the expectation and the ensemble ceiling", () => {
    const d = simBestScoreDetails("arithmetic", generateTaskRows("arithmetic", 50, 3));
    expect(d.items).toBe(50);
    expect(d.unsolvable).toBe(0);
    expect(d.score).toBe(Math.max(...Object.values(d.perModel)));
    expect(d.ensemble).toBeGreaterThanOrEqual(d.score);
    expect(d.expected).toBeGreaterThan(0.8);
  });

  it("accepts strings and map rows; the world seed changes the draws", () => {
    const map = generateMapRows(10, 1);
    const flat = map.flatMap((r) => r.reviews);
    expect(simBestScoreDetails("sentiment", map).items).toBe(flat.length);
    expect(simBestScore("sentiment", map)).toBe(simBestScore("sentiment", flat));
    const rows = generateTaskRows("intent", 80, 2);
    const scores = [0, 1, 2, 3].map((seed) => simBestScore("intent", rows, { model: "sim-small", seed }));
    expect(new Set(scores).size).toBeGreaterThan(1);
  });
});
