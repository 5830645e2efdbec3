import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { parseJsonl } from "../dataset/parse.js";
import { configureLimits } from "../limits.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider } from "../providers/sim/index.js";
import type { GraphInput } from "../schema/graph.js";
import { closeTemplateWorkers } from "../template/render.js";
import { baselineParams } from "./apply.js";
import { aggregateExamples, evaluateParams } from "./evaluate.js";
import { runOptimization } from "./loop.js";
import { createMemoryOptimizationStore } from "./store.js";

const rows = parseJsonl(readFileSync(new URL("../../examples/qa.dataset.jsonl", import.meta.url), "utf8")).slice(0, 6);
const providers = () => createProviderRegistry([createSimProvider({ latencyScale: 0 })]);

// input → ai "answer" → evaluation "grade" (regex on the answer).
const graph = {
  version: 1,
  id: "qa-regex",
  name: "qa",
  nodes: [
    { id: "in", kind: "input", config: { fields: [{ name: "question" }, { name: "expected", required: false, default: "" }] } },
    { id: "answer", kind: "ai", config: { model: "sim-large", systemPrompt: "Answer with only the final number.", prompt: "{{ inputs.question }}" } },
    { id: "grade", kind: "evaluation", config: { metric: "regex", actual: "{{ nodes.answer.text }}", pattern: "^\\d+$" } },
  ],
  edges: [
    { id: "e1", source: "in", target: "answer", kind: "pipeline" },
    { id: "e2", source: "answer", target: "grade", kind: "pipeline" },
  ],
} as GraphInput;

afterEach(() => configureLimits({}));
afterAll(() => closeTemplateWorkers());

describe("an evaluation node that cannot check its example", () => {
  const evaluate = () =>
    evaluateParams({ graph: graph as never, params: baselineParams(graph as never, ["answer"]), rows: rows.map((row, index) => ({ index, row })), providers: providers(), concurrency: 3 });

  it("leaves the example unscored (status error, naming the limit), never a score of 0", async () => {
    // Every answer is over both regex work limits, so the check cannot run.
    configureLimits({ regexWorkUnits: 2, regexWorkerWorkUnits: 3 });
    const results = await evaluate();
    expect(results).toHaveLength(rows.length);
    for (const r of results) {
      expect(r.status).toBe("error");
      expect(r.scores).toEqual({});
      expect(r.error).toMatch(/^evaluation node "grade" could not score this example: the answer could not be checked against \/\^\\d\+\$\/: .*\(regexWorkerWorkUnits\)$/);
    }
    const agg = aggregateExamples(results, [{ metric: "grade", direction: "max" }]);
    expect(agg).toMatchObject({ n: 0, errors: rows.length });
    expect(agg.grade).toBeUndefined();
  });

  it("scores the same examples when the check can run", async () => {
    const results = await evaluate();
    expect(results.every((r) => r.status === "scored" && typeof r.scores.grade === "number")).toBe(true);
  });

  it("makes the optimization record the candidate as failed with the reason, not as evaluated with 0", async () => {
    configureLimits({ regexWorkUnits: 2, regexWorkerWorkUnits: 3 });
    const r = await runOptimization({
      graph,
      rows,
      providers: providers(),
      store: createMemoryOptimizationStore(),
      config: { targets: ["answer"], objectives: [{ metric: "grade", direction: "max" }], strategy: "random", seed: 1, limits: { maxCandidates: 2 } },
    });
    const baseline = r.candidates[0];
    expect(baseline.status).toBe("failed");
    expect(baseline.rejectReason).toMatch(/regexWorkerWorkUnits/);
    expect(baseline.metrics.grade).toBeUndefined();
  });
});
