/**
 * How `flowtune optimize` builds its configuration: every field of an optimizer node is applied
 * (flags override it, with a note naming each override), objectives default to the optimizer
 * node's or the evaluation nodes', and every bad value is a usage error naming its flag — never
 * a ZodError.
 */
import { describe, expect, it } from "vitest";
import { parseGraph, type Graph } from "../engine/index.js";
import { UsageError } from "./errors.js";
import { resolveOptimizeFlags, type OptimizeFlags } from "./commands/optimize-config.js";

const TUNE = {
  targets: ["answer"],
  strategy: "nsga2",
  objectives: [
    { metric: "grade", direction: "max" },
    { metric: "tokens", direction: "min" },
  ],
  constraints: [{ metric: "tokens", op: "<=", value: 150 }],
  searchSpace: { instructions: ["Answer with the number only.", "Think step by step."], temperature: [0, 0.8], maxDemos: 2, promptTemplates: ["Q: {{ inputs.question }}"] },
  limits: { maxCandidates: 9, maxTimeMs: 120_000, budgetTokens: 50_000, holdoutReserve: 0.3 },
  concurrency: 3,
  seed: 7,
  split: { train: 0.5, validation: 0.25, test: 0.25 },
  regressionTolerance: 0.05,
  reflection: { minibatch: 5, provider: "sim", model: "sim-medium" },
  dataset: "examples/qa.dataset.jsonl",
};

function graph(opts: { evaluation?: boolean; optimizer?: Record<string, unknown> | null } = {}): Graph {
  const nodes: unknown[] = [
    { id: "in", kind: "input", config: { fields: [{ name: "question" }, { name: "expected", required: false, default: "" }] } },
    { id: "answer", kind: "ai", config: { provider: "sim", model: "sim-small", prompt: "{{ inputs.question }}" } },
    { id: "out", kind: "output", config: { fields: { answer: "{{ nodes.answer.text }}" } } },
  ];
  const edges: unknown[] = [
    { id: "e1", source: "in", target: "answer", kind: "pipeline" },
    { id: "e2", source: "answer", target: "out", kind: "pipeline" },
  ];
  if (opts.evaluation !== false) {
    nodes.push({ id: "grade", kind: "evaluation", config: { metric: "exact_match", actual: "{{ nodes.answer.text }}", expected: "{{ inputs.expected }}" } });
    edges.push({ id: "e3", source: "answer", target: "grade", kind: "pipeline" });
  }
  if (opts.optimizer !== null) nodes.push({ id: "tune", kind: "optimizer", config: opts.optimizer ?? TUNE });
  return parseGraph({ version: 1, id: "g", name: "g", nodes, edges });
}

const resolve = (g: Graph, flags: OptimizeFlags) => resolveOptimizeFlags(g, flags);

/** The error a call throws (undefined when it does not throw). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("flowtune optimize configuration", () => {
  it("--optimizer applies every field of the node's config: search space, constraints, limits, split, tolerance, reflection", () => {
    const { config, dataset, notes } = resolve(graph(), { optimizer: "tune" });
    const { dataset: _d, ...expected } = TUNE;
    expect(config).toMatchObject(expected);
    expect(config.searchSpace).toMatchObject(TUNE.searchSpace);
    expect(config.limits).toEqual(TUNE.limits);
    expect(dataset).toBe("examples/qa.dataset.jsonl");
    expect(notes).toEqual([]);
  });

  it("flags given override the node, each override is named; a flag equal to the node's value is silent", () => {
    const { config, dataset, notes } = resolve(graph(), { optimizer: "tune", strategy: "random", maxCandidates: "4", seed: "7", objective: ["grade:max"], dataset: "qa", budgetCost: "0.5" });
    expect(config).toMatchObject({ strategy: "random", seed: 7, objectives: [{ metric: "grade", direction: "max" }] });
    // Limits not overridden keep the node's values.
    expect(config.limits).toEqual({ ...TUNE.limits, maxCandidates: 4, budgetCostUsd: 0.5 });
    expect(config.constraints).toEqual(TUNE.constraints);
    expect(config.split).toEqual(TUNE.split);
    expect(dataset).toBe("qa");
    expect(notes).toEqual([
      `--strategy random overrides optimizer node "tune"'s nsga2`,
      `--objective grade:max overrides optimizer node "tune"'s grade:max, tokens:min`,
      `--dataset qa overrides optimizer node "tune"'s examples/qa.dataset.jsonl`,
      `--max-candidates 4 overrides optimizer node "tune"'s 9`,
    ]);
    // The node itself is not changed by the overrides.
    expect(resolve(graph(), { optimizer: "tune" }).config.strategy).toBe("nsga2");
  });

  it("without --objective: the optimizer node's objectives for these targets, else the evaluation nodes, else a usage error", () => {
    const fromNode = resolve(graph(), { node: ["answer"] });
    expect(fromNode.config.objectives).toEqual(TUNE.objectives);
    expect(fromNode.config.strategy).toBe("tpe");
    // Only the objectives come from the node when --optimizer is not given.
    expect(fromNode.config.constraints).toEqual([]);
    expect(fromNode.notes.join("\n")).toMatch(/objectives grade:max, tokens:min \(from optimizer node "tune"/);

    const fromEvaluations = resolve(graph({ optimizer: null }), { node: ["answer"] });
    expect(fromEvaluations.config.objectives).toEqual([{ metric: "grade", direction: "max" }]);
    expect(fromEvaluations.notes.join("\n")).toMatch(/the graph's evaluation nodes/);

    const none = thrown(() => resolve(graph({ optimizer: null, evaluation: false }), { node: ["answer"] }));
    expect(none).toBeInstanceOf(UsageError);
    expect((none as Error).message).toMatch(/--objective METRIC:max\|min is required: "g" has no evaluation node/);
  });

  it("every bad value is a usage error naming its flag, never a ZodError", () => {
    const cases: Array<[OptimizeFlags, RegExp]> = [
      [{}, /--node ID \(or --optimizer ID\) is required \(optimizer nodes of "g": tune\)/],
      [{ optimizer: "nope" }, /--optimizer: "nope" is not an optimizer node of "g" \(its optimizer nodes: tune\)/],
      [{ node: ["answer"], strategy: "magic" }, /--strategy must be one of/],
      [{ node: ["answer"], maxCandidates: "0" }, /--max-candidates must be an integer ≥ 1/],
      [{ node: ["answer"], maxCandidates: "20000" }, /--max-candidates: Too big/],
      [{ node: ["answer"], concurrency: "2.5" }, /--concurrency must be an integer/],
      [{ node: ["answer"], budgetCost: "abc" }, /--budget-cost must be a positive number/],
      [{ node: ["answer"], objective: ["grade"] }, /--objective "grade" must look like METRIC:max or METRIC:min/],
      [{ node: ["answer"], objective: ["nope:max"] }, /--objective: objective "nope" is neither an evaluation node/],
      [{ node: ["grade"] }, /--node: optimizer target "grade" is an evaluation node/],
    ];
    for (const [flags, message] of cases) {
      const err = thrown(() => resolve(graph(), flags));
      expect(err, JSON.stringify(flags)).toBeInstanceOf(UsageError);
      expect((err as Error).message, JSON.stringify(flags)).toMatch(message);
    }
  });
});
