import { describe, expect, it } from "vitest";
import { percentile as batchPercentile } from "../batch/batch.js";
import { aggregateMetrics, percentile } from "./aggregate.js";

describe("aggregateMetrics", () => {
  it("computes mean score, pass rate, nearest-rank latency percentiles and totals", () => {
    const latencies = [120, 80, 300, 100, 90, 110, 95, 105, 85, 1000];
    const agg = aggregateMetrics(
      latencies.map((latencyMs, i) => ({ score: i % 2 ? 1 : 0.5, passed: i % 2 === 1, latencyMs, tokens: 10 + i, costUsd: 0.001 })),
    );
    expect(agg).toEqual({
      n: 10,
      scored: 10,
      meanScore: 0.75,
      passRate: 0.5,
      p50LatencyMs: 100,
      p95LatencyMs: 1000,
      totalTokens: 145,
      totalCostUsd: expect.closeTo(0.01, 12),
    });
  });

  it("counts a missing score as 0 and a missing passed as failed; skips missing measurements", () => {
    const agg = aggregateMetrics([{ score: 1, passed: true, latencyMs: 10 }, { latencyMs: 30 }, {}, { score: 1, passed: true, tokens: 5 }]);
    expect(agg).toMatchObject({ n: 4, scored: 2, meanScore: 0.5, passRate: 0.5, p50LatencyMs: 10, p95LatencyMs: 30, totalTokens: 5, totalCostUsd: 0 });
  });

  it("is all zeros for no examples", () => {
    expect(aggregateMetrics([])).toEqual({ n: 0, scored: 0, meanScore: 0, passRate: 0, p50LatencyMs: 0, p95LatencyMs: 0, totalTokens: 0, totalCostUsd: 0 });
  });

  it("shares percentile with batch stats", () => {
    expect(batchPercentile).toBe(percentile);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
  });
});
