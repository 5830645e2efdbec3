import { describe, expect, it } from "vitest";
import { parseGraph } from "../graph/validate.js";
import { aiNode, graph, scriptedProvider } from "../executor/test-helpers.js";
import { percentile, runBatch } from "./batch.js";

describe("batch runs", () => {
  const g = parseGraph(
    graph(
      [aiNode("a", "slow-10", "{{ inputs.q }}"), { id: "grade", kind: "evaluation", config: { metric: "exact_match", actual: "{{ nodes.a.text }}", expected: "yes" } }],
      [["in", "a"], ["a", "grade"]],
    ),
  );

  it("runs every row with bounded concurrency and reports stats", async () => {
    const p = scriptedProvider();
    const progress: number[] = [];
    const { stats } = await runBatch({
      graph: g,
      rows: [{ q: "yes" }, { q: "no" }, { q: "yes" }, { q: "yes" }, {}],
      providers: p.registry,
      concurrency: 2,
      onProgress: (x) => progress.push(x.done),
    });
    expect(p.maxInFlight()).toBe(2);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(stats).toMatchObject({ runs: 5, succeeded: 4, failed: 1, totalTokens: 20 });
    expect(stats.scores.grade).toEqual({ mean: 0.75, passRate: 0.75, n: 4 });
    expect(stats.p95LatencyMs).toBeGreaterThanOrEqual(stats.meanLatencyMs);
  });

  it("computes nearest-rank percentiles", () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([], 0.95)).toBe(0);
  });
});
