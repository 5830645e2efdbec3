import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatIssue } from "../errors.js";
import { runGraph } from "../executor/run.js";
import { validateGraph } from "../graph/validate.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider, getSimModel, simCostUsd } from "../providers/sim/index.js";
import type { GraphInput } from "../schema/graph.js";

const providers = createProviderRegistry([createSimProvider({ latencyScale: 0 })]);
const Q = "Sam has 12 apples. He buys 5 more and gives away 3. How many apples does Sam have now?";

/** input → ai "answer" → evaluation "grade" → output "out". */
function flow(config: Record<string, unknown>, model = "sim-large"): GraphInput {
  return {
    version: 1,
    id: "t",
    name: "t",
    nodes: [
      { id: "in", kind: "input", config: { fields: [{ name: "question" }, { name: "expected", required: false, default: "" }] } },
      { id: "answer", kind: "ai", config: { model, systemPrompt: "Solve the math word problem. Answer with only the final number.", prompt: "{{ inputs.question }}" } },
      { id: "grade", kind: "evaluation", config },
      { id: "out", kind: "output", config: {} },
    ],
    edges: [
      { id: "e1", source: "in", target: "answer", kind: "pipeline" },
      { id: "e2", source: "answer", target: "grade", kind: "pipeline" },
      { id: "e3", source: "grade", target: "out", kind: "pipeline" },
    ],
  } as GraphInput;
}

const issues = (config: Record<string, unknown>) => {
  const r = validateGraph(flow(config));
  return r.ok ? [] : r.issues.map(formatIssue);
};

async function grade(config: Record<string, unknown>, model = "sim-large", question = Q) {
  const r = await runGraph({ graph: flow(config, model), inputs: { question, expected: "14" }, providers });
  expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
  return { out: r.nodes.grade.output as { score: number; passed: boolean; feedback: string; value?: number }, run: r };
}

describe("evaluation node validation", () => {
  it("accepts every example graph unchanged", () => {
    const dir = new URL("../../examples/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith(".flow.json"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const r = validateGraph(JSON.parse(readFileSync(new URL(f, dir), "utf8")));
      expect(r.ok ? [] : r.issues.map(formatIssue), f).toEqual([]);
    }
  });

  it("names each missing per-metric field", () => {
    expect(issues({ metric: "llm_judge", actual: "{{ nodes.answer.text }}" })).toEqual(['node "grade" field config.rubric: metric llm_judge needs a rubric']);
    expect(issues({ metric: "exact_match", actual: "{{ nodes.answer.text }}" })).toEqual([
      'node "grade" field config.expected: metric exact_match needs expected (a template giving the reference value)',
    ]);
    expect(issues({ metric: "contains", expected: "14" })).toEqual([
      'node "grade" field config.actual: metric contains needs actual (a template giving the value to score, e.g. {{ nodes.answer.text }})',
    ]);
    expect(issues({ metric: "regex", actual: "x" })).toEqual(['node "grade" field config.pattern: metric regex needs a pattern (a regular expression)']);
    expect(issues({ metric: "json_schema", actual: "x" })).toEqual(['node "grade" field config.schema: metric json_schema needs a schema (a JSON Schema object)']);
    expect(issues({ metric: "numeric", actual: "x" })).toHaveLength(1);
    expect(issues({ metric: "tokens" })).toEqual([
      'node "grade" field config.target: metric tokens needs a target (the id of an upstream ai node)',
      'node "grade" field config.budget.maxTokens: metric tokens needs budget.maxTokens (the token limit)',
    ]);
    expect(issues({ metric: "latency", target: "answer", budget: { maxTokens: 10 } })).toEqual([
      'node "grade" field config.budget.maxLatencyMs: metric latency needs budget.maxLatencyMs (the latency limit in ms)',
    ]);
    expect(issues({ metric: "cost", target: "answer" })).toEqual(['node "grade" field config.budget.maxCostUsd: metric cost needs budget.maxCostUsd (the cost limit in USD)']);
  });

  it("checks that target names an upstream ai node", () => {
    const budget = { maxTokens: 100 };
    expect(issues({ metric: "tokens", target: "answer", budget })).toEqual([]);
    expect(issues({ metric: "tokens", target: "nope", budget })).toEqual(['node "grade" field config.target: target "nope": there is no node "nope"']);
    expect(issues({ metric: "tokens", target: "in", budget })).toEqual(['node "grade" field config.target: target "in" is a node of kind input; metric tokens measures an ai node']);
    const g = flow({ metric: "tokens", target: "late", budget }) as { nodes: unknown[]; edges: unknown[] };
    g.nodes.push({ id: "late", kind: "ai", config: { model: "sim-small", prompt: "{{ nodes.grade.score }}" } });
    g.edges.push({ id: "e4", source: "grade", target: "late", kind: "pipeline" });
    const r = validateGraph(g);
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual(['node "grade" field config.target: target "late" is not upstream of "grade", so its output is not available']);
  });

  it("checks schemas, regular expressions, templates and numeric fields", () => {
    expect(issues({ metric: "json_schema", actual: "x", schema: { type: "object", properties: { a: { $ref: "#/x" }, b: { pattern: "(" } } } })).toEqual([
      expect.stringMatching(/^node "grade" field config.schema.properties.a.\$ref: unsupported JSON Schema keyword "\$ref"/),
      expect.stringMatching(/^node "grade" field config.schema.properties.b.pattern: invalid regular expression/),
    ]);
    expect(issues({ metric: "regex", actual: "x", pattern: "(" })[0]).toMatch(/config.pattern: invalid regular expression/);
    expect(issues({ metric: "llm_judge", actual: "x", rubric: "{{ inputs.rubrik }}" })[0]).toMatch(/config.rubric: "inputs.rubrik": the input node declares no field "rubrik"/);
    expect(issues({ metric: "numeric", actual: "x", expected: "1", tolerance: { relative: -1 } })[0]).toMatch(/^node "grade" field config.tolerance.relative:/);
    expect(issues({ metric: "tokens", target: "answer", budget: { maxTokens: 1.5 } })[0]).toMatch(/^node "grade" field config.budget.maxTokens:/);
    expect(issues({ metric: "nope", actual: "x" })[0]).toMatch(/^node "grade" field config.metric:/);
  });
});

describe("evaluation node runs", () => {
  it("scores text metrics and outputs score, passed, feedback, value", async () => {
    const { out } = await grade({ metric: "numeric", actual: "{{ nodes.answer.text }}", expected: "{{ inputs.expected }}" });
    expect(out).toMatchObject({ score: 1, passed: true, value: 14, metric: "numeric", actual: "14", expected: "14" });
  });

  it("runs an LLM judge with the sim provider and adds the judge's tokens to the run", async () => {
    const rubric = "The answer must be the correct final number and nothing else.";
    const { out, run } = await grade({ metric: "llm_judge", actual: "{{ nodes.answer.text }}", expected: "{{ inputs.expected }}", rubric });
    expect(out.score).toBe(1);
    expect(out.feedback.length).toBeGreaterThan(0);
    const answerUsage = (run.nodes.answer.output as { usage: { promptTokens: number; completionTokens: number; totalTokens: number } }).usage;
    // The judge's own call is part of the run's usage and cost.
    expect(run.usage.totalTokens).toBeGreaterThan(answerUsage.totalTokens);
    expect(run.costUsd).toBeGreaterThan(simCostUsd(getSimModel("sim-large")!, answerUsage.promptTokens, answerUsage.completionTokens));
    const wrong = await grade({ metric: "llm_judge", actual: "{{ nodes.answer.text }} plus 3", expected: "17", rubric, judge: { model: "sim-large" } });
    expect(wrong.out.score).toBe(0);
    expect(wrong.out.feedback).toMatch(/expected "17"/);
  });

  it("measures the target's tokens, latency and cost against a budget", async () => {
    const tokens = await grade({ metric: "tokens", target: "answer", budget: { maxTokens: 10_000 } });
    const usage = (tokens.run.nodes.answer.output as { usage: { promptTokens: number; completionTokens: number; totalTokens: number } }).usage;
    expect(tokens.out).toMatchObject({ score: 1, passed: true, value: usage.totalTokens });
    expect(tokens.out.feedback).toBe(
      `used ${usage.totalTokens} tokens (${usage.promptTokens} prompt + ${usage.completionTokens} completion) in node "answer": within the 10000 tokens limit`,
    );
    const half = Math.round(usage.totalTokens / 2);
    const over = await grade({ metric: "tokens", target: "answer", budget: { maxTokens: half } });
    expect(over.out.score).toBeCloseTo(half / usage.totalTokens, 4);
    expect(over.out.passed).toBe(false);
    expect(over.out.feedback).toMatch(/over the \d+ tokens limit by \d+(\.\d)?%/);

    const latency = await grade({ metric: "latency", target: "answer", budget: { maxLatencyMs: 100 } });
    const ms = (latency.run.nodes.answer.output as { latencyMs: number }).latencyMs;
    expect(latency.out.value).toBe(ms);
    expect(latency.out.score).toBeCloseTo(100 / ms, 4);
    expect(latency.out.feedback).toContain(`latency ${ms} ms (node "answer"): over the 100 ms limit`);

    const cost = await grade({ metric: "cost", target: "answer", budget: { maxCostUsd: 1 } });
    const expected = simCostUsd(getSimModel("sim-large")!, usage.promptTokens, usage.completionTokens);
    expect(cost.out.value).toBeCloseTo(expected, 12);
    expect(cost.out.score).toBe(1);
    expect(cost.out.feedback).toMatch(/^cost \$0\.000\d+ \(node "answer", sim-large\): within the \$1\.0000 limit$/);
  });
});
