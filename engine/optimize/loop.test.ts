import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJsonl } from "../dataset/parse.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider } from "../providers/sim/index.js";
import type { Provider } from "../providers/types.js";
import { runOptimization } from "./loop.js";
import { createMemoryOptimizationStore } from "./store.js";

const graph = JSON.parse(readFileSync(new URL("../../examples/qa.flow.json", import.meta.url), "utf8"));
const rows = parseJsonl(readFileSync(new URL("../../examples/qa.dataset.jsonl", import.meta.url), "utf8"));
const providers = () => createProviderRegistry([createSimProvider({ latencyScale: 0 })]);
const base = { targets: ["answer"], objectives: [{ metric: "grade", direction: "max" as const }, { metric: "tokens", direction: "min" as const }], seed: 1, concurrency: 4 };

describe("runOptimization", () => {
  it("evaluates the baseline first, persists every candidate, and beats the baseline on the test split", async () => {
    const store = createMemoryOptimizationStore();
    const r = await runOptimization({ graph, rows, providers: providers(), store, config: { ...base, strategy: "random", limits: { maxCandidates: 10 } } });
    expect(r.candidates[0]).toMatchObject({ index: 0, origin: "baseline", status: "evaluated" });
    expect(r.candidates).toHaveLength(10);
    const stored = store.runs.get(r.runId)!;
    expect(stored.status).toBe("completed");
    expect(stored.candidates.filter((c) => c.split === "validation").map((c) => c.index)).toEqual([...Array(10).keys()]);
    expect([r.baseline.testStatus, r.best.testStatus]).toEqual(["scored", "scored"]);
    expect(r.best.test!.grade).toBeGreaterThan(r.baseline.test!.grade);
    expect(r.pareto.length).toBeGreaterThan(0);
    // What is reported is exactly what was scored.
    const bestRec = r.candidates.find((c) => c.index === r.best.index)!;
    expect(r.best.params).toEqual(bestRec.params);
  });

  it("is deterministic for a seed", async () => {
    const cfg = { ...base, strategy: "tpe" as const, limits: { maxCandidates: 8 } };
    const a = await runOptimization({ graph, rows, providers: providers(), store: createMemoryOptimizationStore(), config: cfg });
    const b = await runOptimization({ graph, rows, providers: providers(), store: createMemoryOptimizationStore(), config: cfg });
    expect(b.candidates.map((c) => [c.paramsChecksum, c.objectives])).toEqual(a.candidates.map((c) => [c.paramsChecksum, c.objectives]));
    expect(b.best).toEqual(a.best);
  });

  it("resumes a killed run without re-evaluating stored candidates", async () => {
    const cfg = { ...base, strategy: "nsga2" as const, limits: { maxCandidates: 12 } };
    const full = await runOptimization({ graph, rows, providers: providers(), store: createMemoryOptimizationStore(), config: cfg });
    const store = createMemoryOptimizationStore();
    const ctl = new AbortController();
    await expect(
      runOptimization({ graph, rows, providers: providers(), store, config: cfg, signal: ctl.signal, onProgress: (p) => p.candidates >= 5 && ctl.abort() }),
    ).rejects.toThrow(/cancelled/);
    const runId = [...store.runs.keys()][0];
    expect(store.runs.get(runId)!.status).toBe("cancelled");
    // Nothing half-evaluated was stored: only whole candidates.
    expect(store.runs.get(runId)!.candidates.every((c) => c.status === "evaluated" || c.status === "rejected")).toBe(true);
    let calls = 0;
    const sim = createSimProvider({ latencyScale: 0 });
    const counting: Provider = { id: "sim", complete: (req, o) => (calls++, sim.complete(req, o)) };
    const resumed = await runOptimization({ graph, rows, providers: createProviderRegistry([counting]), store, config: cfg, resumeRunId: runId });
    expect(resumed.candidates.map((c) => c.paramsChecksum)).toEqual(full.candidates.map((c) => c.paramsChecksum));
    expect(resumed.best).toEqual(full.best);
    // NSGA-II offspring name the evaluated candidates they were bred from (the lineage), across a resume too.
    const bred = full.candidates.filter((c) => c.parentIds.length > 0);
    expect(bred.length).toBeGreaterThan(0);
    for (const c of bred) {
      for (const p of c.parentIds) {
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(c.index);
      }
    }
    expect(resumed.candidates.map((c) => c.parentIds)).toEqual(full.candidates.map((c) => c.parentIds));
    const validation = store.runs.get(runId)!.candidates.filter((c) => c.split === "validation");
    expect(new Set(validation.map((c) => c.index)).size).toBe(validation.length);
    expect(validation).toHaveLength(12);
    // Fewer model calls than a fresh run: the stored candidates were not evaluated again.
    expect(calls).toBeLessThan(full.llmCalls);
  });

  it("rejects a candidate whose template does not render, without running it", async () => {
    const r = await runOptimization({
      graph,
      rows,
      providers: providers(),
      store: createMemoryOptimizationStore(),
      config: { ...base, strategy: "grid", searchSpace: { systemPrompt: false, maxDemos: 0, promptTemplates: ["{{ inputs.question "] }, limits: { maxCandidates: 3 } },
    });
    const bad = r.candidates.find((c) => c.params.answer.prompt === "{{ inputs.question ");
    expect(bad).toMatchObject({ status: "rejected", perExample: [] });
    expect(bad!.rejectReason).toMatch(/does not render: template syntax error/);
  });

  it("stops at the token budget", async () => {
    const r = await runOptimization({ graph, rows, providers: providers(), store: createMemoryOptimizationStore(), config: { ...base, strategy: "random", limits: { maxCandidates: 50, budgetTokens: 2000 } } });
    expect(r.stopReason).toMatch(/tokens/);
    expect(r.candidates.length).toBeLessThan(50);
  });

  it("names an objective that is neither an evaluation node nor a measure", async () => {
    await expect(
      runOptimization({ graph, rows, providers: providers(), store: createMemoryOptimizationStore(), config: { ...base, objectives: [{ metric: "gradez", direction: "max" }], strategy: "random" } }),
    ).rejects.toThrow(/objective "gradez" is neither an evaluation node of the graph \(grade\)/);
  });
});

describe("constraints and the regression guard", () => {
  it("rejects candidates that violate a constraint and never reports them as best", async () => {
    const r = await runOptimization({
      graph,
      rows,
      providers: providers(),
      store: createMemoryOptimizationStore(),
      config: { ...base, strategy: "random", constraints: [{ metric: "tokens", op: "<=", value: 80 }], limits: { maxCandidates: 12 } },
    });
    const violating = r.candidates.filter((c) => c.perExample.length && c.metrics.tokens > 80);
    expect(violating.length).toBeGreaterThan(0);
    for (const c of violating) expect(c).toMatchObject({ status: "rejected", rejectReason: "violates a constraint" });
    expect(r.best.validation.tokens).toBeLessThanOrEqual(80);
    for (const p of r.pareto) expect(p.validation.tokens).toBeLessThanOrEqual(80);
  });

  it("rejects a candidate that fails examples the baseline passes", async () => {
    const r = await runOptimization({
      graph,
      rows,
      providers: providers(),
      store: createMemoryOptimizationStore(),
      // A prompt that drops the question: everything the baseline passed now fails.
      config: { ...base, strategy: "grid", searchSpace: { systemPrompt: false, maxDemos: 0, promptTemplates: ["Reply with the word banana."] }, limits: { maxCandidates: 3 } },
    });
    const broken = r.candidates.find((c) => c.params.answer.prompt.includes("banana"))!;
    expect(broken).toMatchObject({ status: "rejected" });
    expect(broken.rejectReason).toMatch(/regressed on the control set: passes 0 of \d+ examples the baseline passes/);
  });
});
