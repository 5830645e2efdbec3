import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OptimizeConfigSchema, parseGraph, type Graph } from "../../../engine/browser.js";
import { buildConfig, datasetNameOf, defaultForm, fieldOfPath, newestDatasets, objectiveChoices, prefillForm } from "./config-form.js";

const qa = parseGraph(JSON.parse(readFileSync(path.join(import.meta.dirname, "../../../examples/qa.flow.json"), "utf8"))) as Graph;
const withoutOptimizer: Graph = { ...qa, nodes: qa.nodes.filter((n) => n.kind !== "optimizer") };

describe("objective choices", () => {
  it("offers each evaluation node (max), then tokens/latency/cost (min)", () => {
    expect(objectiveChoices(qa).map((c) => [c.metric, c.direction])).toEqual([
      ["grade", "max"],
      ["tokens", "min"],
      ["latency", "min"],
      ["cost", "min"],
    ]);
  });
});

describe("form → config", () => {
  it("builds a valid config from the defaults (grade max + tokens min)", () => {
    const form = { ...defaultForm(withoutOptimizer, "answer"), dataset: "qa" };
    const { config, input, errors } = buildConfig(form, "answer");
    expect(errors).toEqual({});
    expect(input).toMatchObject({
      targets: ["answer"],
      strategy: "nsga2",
      objectives: [
        { metric: "grade", direction: "max" },
        { metric: "tokens", direction: "min" },
      ],
      searchSpace: { systemPrompt: true, temperature: [0, 1], maxDemos: 4, promptTemplates: [] },
      limits: { maxCandidates: 24 },
      concurrency: 4,
      seed: 1,
    });
    expect(OptimizeConfigSchema.parse(input)).toEqual(config);
  });

  it("maps every tuning checkbox to the search space", () => {
    const form = {
      ...defaultForm(withoutOptimizer, "answer"),
      dataset: "qa",
      instructions: "Answer with the number only.\n\nThink step by step.",
      tunePrompt: true,
      promptTemplates: "Q: {{ inputs.question }}\n---\nSolve: {{ inputs.question }}",
      tuneTemperature: true,
      temperatureMin: "0.2",
      temperatureMax: "0.8",
      tuneTopP: true,
      tuneMaxTokens: true,
      maxTokens: "64, 128",
      tuneModel: true,
      models: "sim-small, sim-large",
      tuneDemos: false,
      budgetTokens: "50000",
      budgetCostUsd: "0.5",
      maxTimeSec: "90",
    };
    const { input, errors } = buildConfig(form, "answer");
    expect(errors).toEqual({});
    expect(input?.searchSpace).toEqual({
      systemPrompt: true,
      instructions: ["Answer with the number only.", "Think step by step."],
      promptTemplates: ["Q: {{ inputs.question }}", "Solve: {{ inputs.question }}"],
      temperature: [0.2, 0.8],
      topP: [0.5, 1],
      maxTokens: [64, 128],
      models: ["sim-small", "sim-large"],
      maxDemos: 0,
    });
    expect(input?.limits).toEqual({ maxCandidates: 24, budgetTokens: 50000, budgetCostUsd: 0.5, maxTimeMs: 90000 });
  });

  it("reports field errors: dataset, objectives, numbers, ranges, schema bounds", () => {
    const base = defaultForm(withoutOptimizer, "answer");
    const form = {
      ...base,
      objectives: Object.fromEntries(Object.keys(base.objectives).map((k) => [k, false])),
      temperatureMin: "1.5",
      temperatureMax: "0.5",
      maxCandidates: "abc",
      concurrency: "100",
      tuneMaxTokens: true,
      maxTokens: "64, lots",
      tunePrompt: true,
      promptTemplates: "  ",
    };
    const { config, errors } = buildConfig(form, "answer");
    expect(config).toBeUndefined();
    expect(errors.dataset).toBeDefined();
    expect(errors.objectives).toBeDefined();
    expect(errors.temperature).toMatch(/above/);
    expect(errors.maxCandidates).toMatch(/not a number/);
    expect(errors.maxTokens).toBeDefined();
    expect(errors.promptTemplates).toBeDefined();
    // Only the schema knows concurrency's bound (64).
    expect(errors.concurrency).toBeDefined();
  });

  it("maps config paths (client or server issues) to form fields", () => {
    expect(fieldOfPath("config.limits.budgetTokens")).toBe("budgetTokens");
    expect(fieldOfPath("limits.maxTimeMs")).toBe("maxTimeSec");
    expect(fieldOfPath("searchSpace.temperature.1")).toBe("temperature");
    expect(fieldOfPath("objectives.0.metric")).toBe("objectives");
    expect(fieldOfPath("dataset")).toBe("dataset");
    expect(fieldOfPath("whatever")).toBe("form");
  });
});

describe("prefill from the graph's optimizer node", () => {
  it("takes strategy, objectives, limits, concurrency, seed and the dataset name from `tune`", () => {
    const form = prefillForm(qa, "answer", ["other", "qa"]);
    expect(form.dataset).toBe("qa");
    expect(form.strategy).toBe("nsga2");
    expect(form.order.slice(0, 2)).toEqual(["grade", "tokens"]);
    expect(form.objectives).toMatchObject({ grade: true, tokens: true, latency: false, cost: false });
    expect(form.maxCandidates).toBe("24");
    expect(form.budgetTokens).toBe("200000");
    expect(form.concurrency).toBe("4");
    expect(form.seed).toBe("1");
    const { input, errors } = buildConfig(form, "answer");
    expect(errors).toEqual({});
    expect(input?.limits).toMatchObject({ maxCandidates: 24, budgetTokens: 200000 });
  });

  it("keeps every limit of the node, the holdout reserve included (the limits the CLI and REST would run with)", () => {
    const limits = { maxCandidates: 12, maxTimeMs: 90_000, budgetTokens: 5000, budgetCostUsd: 0.5, holdoutReserve: 0.35 };
    const graph = { ...qa, nodes: qa.nodes.map((n) => (n.kind === "optimizer" ? { ...n, config: { ...n.config, limits } } : n)) } as Graph;
    const { config, errors } = buildConfig(prefillForm(graph, "answer", ["qa"]), "answer");
    expect(errors).toEqual({});
    expect(config?.limits).toEqual(limits);
  });

  it("falls back to the defaults (and the only dataset) without an optimizer node", () => {
    const form = prefillForm(withoutOptimizer, "answer", ["qa"]);
    expect(form.dataset).toBe("qa");
    expect(form.strategy).toBe("nsga2");
  });

  it("resolves a dataset file path to an imported name", () => {
    expect(datasetNameOf("examples/qa.dataset.jsonl", ["qa"])).toBe("qa");
    expect(datasetNameOf("data/reviews.csv", ["reviews"])).toBe("reviews");
    expect(datasetNameOf("qa", ["qa"])).toBe("qa");
    expect(datasetNameOf("examples/x.jsonl", ["qa"])).toBe("");
  });

  it("lists the newest version of each dataset name", () => {
    const all = [
      { name: "qa", version: 2, id: "b" },
      { name: "qa", version: 1, id: "a" },
      { name: "alpha", version: 1, id: "c" },
    ];
    expect(newestDatasets(all).map((d) => d.id)).toEqual(["c", "b"]);
  });
});
