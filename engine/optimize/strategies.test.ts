import { describe, expect, it } from "vitest";
import { createSearchStrategy, isSearchStrategyId, SEARCH_STRATEGY_IDS } from "./strategies.js";
import type { Objective, Point, SearchSpace } from "./types.js";

const space: SearchSpace = [
  { kind: "float", name: "temperature", low: 0, high: 1.5 },
  { kind: "int", name: "maxTokens", low: 64, high: 512, step: 64 },
  { kind: "categorical", name: "model", choices: ["mini", "large"] },
];
const objectives: Objective[] = [
  { name: "grade", direction: "max" },
  { name: "tokens", direction: "min" },
];
const f = (p: Point) => [1 - Math.abs(Number(p.temperature) - 0.7) + (p.model === "large" ? 0.2 : 0), Number(p.maxTokens)];

describe("createSearchStrategy", () => {
  it.each(SEARCH_STRATEGY_IDS)("%s: deterministic, in-bounds, and survives a mixed multi-objective run", (id) => {
    const drive = () => {
      const s = createSearchStrategy(id, { space, objectives, seed: 11, populationSize: 6, nStartup: 4 });
      expect(s.id).toBe(id);
      const asked: Point[] = [];
      for (let i = 0; i < 6; i++) {
        const pts = s.ask(3);
        asked.push(...pts);
        s.tell(pts.map((point, k) => ({ point, values: f(point), feasible: k !== 1 })));
      }
      return asked;
    };
    const asked = drive();
    expect(drive()).toEqual(asked);
    expect(asked.length).toBeGreaterThan(0);
    for (const p of asked) {
      expect(p.temperature as number).toBeGreaterThanOrEqual(0);
      expect(p.temperature as number).toBeLessThanOrEqual(1.5);
      expect((p.maxTokens as number) % 64).toBe(0);
      expect(["mini", "large"]).toContain(p.model);
    }
  });

  it("rejects unknown ids and empty objective lists", () => {
    expect(isSearchStrategyId("tpe")).toBe(true);
    expect(isSearchStrategyId("cmaes")).toBe(false);
    expect(() => createSearchStrategy("cmaes" as never, { space, objectives, seed: 1 })).toThrow(/unknown search strategy/);
    expect(() => createSearchStrategy("random", { space, objectives: [], seed: 1 })).toThrow(/objective/);
  });
});
