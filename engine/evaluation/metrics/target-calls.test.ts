import { describe, expect, it } from "vitest";
import type { MetricInput } from "../types.js";
import { cost } from "./cost.js";
import { latency } from "./latency.js";
import { tokens } from "./tokens.js";
import { budgetScore } from "./target-calls.js";

const call = (model: string, latencyMs: number, promptTokens: number, completionTokens: number) => ({
  text: "x",
  model,
  latencyMs,
  usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
});
const input = (extra: Partial<MetricInput>): MetricInput => ({ actual: "", caseSensitive: false, target: "a", ...extra });

describe("latency, tokens and cost metrics", () => {
  it("score 1 at or under the limit and limit / value above it", () => {
    expect(budgetScore(100, 100)).toBe(1);
    expect(budgetScore(200, 100)).toBe(0.5);
    expect(budgetScore(400, 100)).toBe(0.25);
  });

  it("sum over the calls of a mapped target, skipping failed items", async () => {
    const nodes = { a: [call("sim-small", 100, 10, 5), null, call("sim-small", 300, 20, 5)] };
    const t = await tokens.score(input({ budget: { maxTokens: 20 } }), { nodes });
    expect(t).toMatchObject({ value: 40, score: 0.5 });
    expect(t.feedback).toBe('used 40 tokens (30 prompt + 10 completion) in node "a": over the 20 tokens limit by 100%');
    const l = await latency.score(input({ budget: { maxLatencyMs: 1000 } }), { nodes });
    expect(l).toMatchObject({ value: 400, score: 1, feedback: 'latency 400 ms over 2 calls (node "a"): within the 1000 ms limit' });
  });

  it("price the target with the table, or config.price, and say when the model is unknown", async () => {
    const nodes = { a: call("gpt-4o-mini-2024-07-18", 0, 1000, 1000) };
    const c = await cost.score(input({ budget: { maxCostUsd: 0.0005 } }), { nodes });
    expect(c.value).toBeCloseTo(0.00075, 12);
    expect(c.score).toBeCloseTo(0.6667, 4);
    expect(c.feedback).toBe('cost $0.00075 (node "a", gpt-4o-mini-2024-07-18): over the $0.0005 limit by 50%');
    const local = { a: call("llama3.1", 0, 1000, 1000) };
    const unknown = await cost.score(input({ budget: { maxCostUsd: 0.01 } }), { nodes: local });
    expect(unknown).toEqual({ score: 0, feedback: 'cost unknown: no price for model "llama3.1" in the price table; set config.price to price it' });
    const free = await cost.score(input({ budget: { maxCostUsd: 0.01 }, price: { inputPer1k: 0, outputPer1k: 0 } }), { nodes: local });
    expect(free).toMatchObject({ score: 1, value: 0 });
  });

  it("score 0 when the target produced no output", async () => {
    const r = await tokens.score(input({ budget: { maxTokens: 5 } }), { nodes: {} });
    expect(r).toEqual({ score: 0, feedback: 'nothing to measure: target node "a" produced no output in this run' });
  });
});
