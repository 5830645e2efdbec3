import { describe, expect, it } from "vitest";
import { metricsText } from "./metrics-text.js";

describe("metricsText (the metrics column of flowtune params)", () => {
  it("shows the optimizer's per-split metrics that --json has, test first, scores before tokens", () => {
    // The shape ParameterService.createVersion stores for a front member of an optimization.
    const validation = { n: 12, errors: 0, totalTokens: 2100, totalCostUsd: 0.0003, tokens: 177.25, latency: 900, cost: 0.00002, passRate: 0.5833, p50LatencyMs: 880, p95LatencyMs: 990, grade: 0.5833 };
    const test = { ...validation, grade: 0.9167, tokens: 175.2 };
    expect(metricsText({ validation, test })).toBe("test grade=0.917 tokens=175 · val grade=0.583 tokens=177");
  });

  it("says a front member was not scored on test instead of showing nothing", () => {
    expect(metricsText({ validation: { grade: 0.5, tokens: 40 }, testStatus: "not scored (budget exhausted)" })).toBe("val grade=0.5 tokens=40 · test not scored (budget exhausted)");
  });

  it("uses the pass rate when there is no evaluation score, keeps flat metrics as they are, '-' for none", () => {
    expect(metricsText({ validation: { passRate: 0.25, tokens: 12, n: 4 } })).toBe("val passRate=0.25 tokens=12");
    expect(metricsText({ accuracy: 0.9, costUsd: 0.0012 })).toBe("accuracy=0.9 costUsd=0.0012");
    expect(metricsText({})).toBe("-");
    expect(metricsText(undefined)).toBe("-");
    expect(metricsText({ validation: { grade: Number.NaN } })).toBe("-");
  });
});
