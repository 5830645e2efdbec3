import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { runBatch } from "../batch/batch.js";
import { parseJsonl } from "../dataset/parse.js";
import { parseGraph } from "../graph/validate.js";
import { configureLimits } from "../limits.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider } from "../providers/sim/index.js";
import type { GraphInput } from "../schema/graph.js";
import { closeTemplateWorkers } from "../template/render.js";
import { RenderWorkerPool } from "../template/worker-pool.js";
import { runOptimization } from "./loop.js";
import { createMemoryOptimizationStore } from "./store.js";

const rows = parseJsonl(readFileSync(new URL("../../examples/qa.dataset.jsonl", import.meta.url), "utf8")).slice(0, 12);
const providers = () => createProviderRegistry([createSimProvider({ latencyScale: 0 })]);

// Every template has a tag, so each render goes to the render workers (plain `{{ … }}` renders inline, with no owner).
const graph = parseGraph({
  version: 1,
  id: "qa-owned",
  name: "qa",
  nodes: [
    { id: "in", kind: "input", config: { fields: [{ name: "question" }, { name: "expected", required: false, default: "" }] } },
    {
      id: "answer",
      kind: "ai",
      config: { model: "sim-small", systemPrompt: "{% if true %}Answer with only the final number.{% endif %}", prompt: "{% if inputs.question %}{{ inputs.question }}{% endif %}" },
    },
    { id: "grade", kind: "evaluation", config: { metric: "exact_match", actual: "{% if true %}{{ nodes.answer.text }}{% endif %}", expected: "{% if true %}{{ inputs.expected }}{% endif %}" } },
    { id: "shape", kind: "evaluation", config: { metric: "regex", actual: "{{ nodes.answer.text }}", pattern: "\\d" } },
  ],
  edges: [
    { id: "e1", source: "in", target: "answer", kind: "pipeline" },
    { id: "e2", source: "answer", target: "grade", kind: "pipeline" },
    { id: "e3", source: "answer", target: "shape", kind: "pipeline" },
  ],
} as GraphInput);

function spyOwners() {
  const render = vi.spyOn(RenderWorkerPool.prototype, "render");
  const regex = vi.spyOn(RenderWorkerPool.prototype, "testRegex");
  return {
    renders: () => render.mock.calls.map(([req]) => req.owner),
    regexes: () => regex.mock.calls.map(([req]) => req.owner),
  };
}

afterEach(() => {
  configureLimits({});
  vi.restoreAllMocks();
});
afterAll(() => closeTemplateWorkers());

describe("render owners", () => {
  for (const strategy of ["reflective", "bootstrap_fewshot"] as const) {
    it(`an optimization (${strategy}) takes one owner's turn in the workers: its run id, for every render and regex check`, async () => {
      // Every regex match goes to a worker too.
      configureLimits({ regexWorkUnits: 1 });
      const owners = spyOwners();
      const r = await runOptimization({
        graph,
        rows,
        providers: providers(),
        store: createMemoryOptimizationStore(),
        config: { targets: ["answer"], objectives: [{ metric: "grade", direction: "max" }], strategy, seed: 3, concurrency: 4, limits: { maxCandidates: 4 } },
      });
      // Example runs, demos, the driver's own renders and the render checks of each candidate.
      expect(owners.renders().length).toBeGreaterThan(100);
      expect(new Set(owners.renders())).toEqual(new Set([r.runId]));
      expect(owners.regexes().length).toBeGreaterThan(10);
      expect(new Set(owners.regexes())).toEqual(new Set([r.runId]));
    }, 120_000);
  }

  it("a batch takes one owner's turn, not one per row, and another batch has its own", async () => {
    const owners = spyOwners();
    await runBatch({ graph, rows: rows.slice(0, 6), providers: providers(), concurrency: 3 });
    const first = new Set(owners.renders());
    await runBatch({ graph, rows: rows.slice(0, 6), providers: providers(), concurrency: 3 });
    const all = new Set(owners.renders());
    expect(first.size).toBe(1);
    expect([...first][0]).toMatch(/^batch:/);
    expect(all.size).toBe(2);
  });
});
