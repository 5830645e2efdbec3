/** One example's measurements; any field may be missing (a failed run has no score). */
export interface ExampleMeasurement {
  score?: number;
  passed?: boolean;
  latencyMs?: number;
  tokens?: number;
  costUsd?: number;
}

/** Dataset-level aggregates of per-example measurements. */
export interface MetricAggregate {
  /** Examples aggregated. */
  n: number;
  /** Examples that had a score. */
  scored: number;
  /** Mean score over all n examples; a missing score counts as 0. */
  meanScore: number;
  /** Share of all n examples with passed === true. */
  passRate: number;
  /** Nearest-rank percentiles over the examples that report a latency (0 when none do). */
  p50LatencyMs: number;
  p95LatencyMs: number;
  totalTokens: number;
  totalCostUsd: number;
}

/**
 * Aggregates per-example measurements. A missing score counts as 0 and a missing `passed` as not passed,
 * so a configuration cannot raise its mean by failing on hard examples; `scored` says how many had one.
 */
export function aggregateMetrics(perExample: readonly ExampleMeasurement[]): MetricAggregate {
  const n = perExample.length;
  const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  const latencies = perExample.map((e) => e.latencyMs).filter(num).sort((a, b) => a - b);
  const scores = perExample.map((e) => e.score).filter(num);
  return {
    n,
    scored: scores.length,
    meanScore: n ? scores.reduce((a, b) => a + b, 0) / n : 0,
    passRate: n ? perExample.filter((e) => e.passed === true).length / n : 0,
    p50LatencyMs: percentile(latencies, 0.5),
    p95LatencyMs: percentile(latencies, 0.95),
    totalTokens: perExample.reduce((s, e) => s + (num(e.tokens) ? e.tokens : 0), 0),
    totalCostUsd: perExample.reduce((s, e) => s + (num(e.costUsd) ? e.costUsd : 0), 0),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
