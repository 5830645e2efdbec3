import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { formatIssue } from "../errors.js";
import { configureLimits, DEFAULT_LIMITS } from "../limits.js";
import { MAX_GRAPH_EDGES, MAX_GRAPH_NODES, TEMPLATE_MAX, type GraphInput } from "../schema/graph.js";
import { validateGraph, validateGraphCooperatively } from "./validate.js";

afterEach(() => configureLimits({}));

// The attacker's prompt (issue 9, H9 finding 2): 49 KB of references and tags.
const UNIT = "{{ inputs.question | upcase }}{% if inputs.expected %}x{% endif %}";
const prompt = (i: number, chars = 49_000) => UNIT.repeat(Math.floor(chars / UNIT.length)) + String(i);

function graph(aiNodes: number, promptOf: (i: number) => string = prompt, extraEdges = 0): GraphInput {
  return {
    version: 1,
    id: "big",
    name: "big",
    nodes: [
      { id: "in", kind: "input", config: { fields: [{ name: "question" }, { name: "expected", required: false }] } },
      ...Array.from({ length: aiNodes }, (_, i) => ({ id: `a${i}`, kind: "ai" as const, config: { model: "sim-small", prompt: promptOf(i) } })),
    ],
    edges: [
      ...Array.from({ length: aiNodes }, (_, i) => ({ id: `e${i}`, source: "in", target: `a${i}`, kind: "pipeline" as const })),
      ...Array.from({ length: extraEdges }, (_, i) => ({ id: `x${i}`, source: "in", target: "a0", kind: "broadcast" as const })),
    ],
  };
}

const issues = (raw: unknown) => {
  const r = validateGraph(raw);
  return r.ok ? [] : r.issues.map(formatIssue);
};

describe("graph size limits", () => {
  it("caps nodes and edges before parsing anything", () => {
    expect(MAX_GRAPH_NODES).toBe(2_000);
    expect(issues(graph(MAX_GRAPH_NODES, () => "{{ inputs.question }}"))).toEqual(["field nodes: the graph has 2,001 nodes, over the limit of 2,000"]);
    expect(issues(graph(MAX_GRAPH_NODES - 1, () => "{{ inputs.question }}"))).toEqual([]);
    expect(issues(graph(1, () => "x", MAX_GRAPH_EDGES))).toEqual(["field edges: the graph has 10,001 edges, over the limit of 10,000"]);
  });

  it("caps the template source of a whole graph (graphTemplateChars), without parsing the templates", () => {
    const over = Math.ceil(DEFAULT_LIMITS.graphTemplateChars / 49_000);
    // A syntax error in a template is not even found: over the total, no template is parsed.
    const g = graph(over, (i) => (i === 3 ? "{% if %}" + prompt(i).slice(8) : prompt(i)));
    expect(issues(g)).toEqual([expect.stringMatching(/^field nodes: the graph's templates total [0-9,]+ characters, over the limit of 2,000,000 \(graphTemplateChars\)$/)]);
    configureLimits({ graphTemplateChars: 130 });
    expect(issues(graph(2, () => "{{ inputs.question }}".repeat(3)))).toEqual([]);
    expect(issues(graph(3, () => "{{ inputs.question }}".repeat(3)))).toEqual([
      "field nodes: the graph's templates total 189 characters, over the limit of 130 (graphTemplateChars)",
    ]);
  });

  it("the schema's prompt cap and templateSourceChars are one number", () => {
    expect(TEMPLATE_MAX).toBe(DEFAULT_LIMITS.templateSourceChars);
    expect(issues(graph(1, () => "x".repeat(TEMPLATE_MAX)))).toEqual([]);
    expect(issues(graph(1, () => "x".repeat(TEMPLATE_MAX + 1)))).toEqual([expect.stringMatching(/^node "a0" field config.prompt: Too big/)]);
    expect(() => configureLimits({ templateSourceChars: TEMPLATE_MAX + 1 })).toThrow("limit templateSourceChars cannot exceed 50,000, the graph format's own cap (got 50,001)");
    configureLimits({ templateSourceChars: 1_000 });
    expect(issues(graph(1, () => "x".repeat(1_001)))).toEqual(['node "a0" field config.prompt: template is 1,001 characters, over the limit of 1,000 (templateSourceChars)']);
  });
});

describe("validating a large graph", () => {
  it("grows linearly with template length, not quadratically (10 prompts of 49 KB took 4.3 s)", () => {
    // A ratio of interleaved minimums, not a wall-clock bound: it holds on a loaded machine.
    const time = (chars: number) => {
      const g = graph(2, (i) => prompt(1_000 + i, chars));
      const started = performance.now();
      expect(issues(g)).toEqual([]);
      return performance.now() - started;
    };
    let small = Infinity;
    let large = Infinity;
    for (let i = 0; i < 5; i++) {
      small = Math.min(small, time(12_250));
      large = Math.min(large, time(49_000));
    }
    // 4× the characters: ~4× the time when linear, ~16× with liquidjs's quadratic positions (before).
    expect(large / small).toBeLessThan(8);
  });

  it("cooperatively: the same result, and the event loop keeps running between nodes", async () => {
    const g = graph(40, (i) => prompt(2_000 + i, 48_000)); // 1.9 M characters, just under graphTemplateChars
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const started = performance.now();
    const r = await validateGraphCooperatively(g);
    const elapsed = performance.now() - started;
    h.disable();
    clearInterval(timer);
    expect(r.ok).toBe(true);
    expect(ticks).toBeGreaterThan(5);
    // One step is one template (measured ≤ 60 ms of blocking): the longest stall is a small part of the whole.
    expect(h.max / 1e6).toBeLessThan(Math.max(100, elapsed / 4));
    const bad = graph(3, (i) => (i === 1 ? "{{ inputs.nope }}" : "{{ inputs.question }}"));
    expect(await validateGraphCooperatively(bad)).toEqual(validateGraph(bad));
  });
});
