import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parseGraph } from "../graph/validate.js";
import type { Graph } from "../schema/graph.js";
import type * as RenderModule from "../template/render.js";
import { closeTemplateWorkers } from "../template/render.js";
import { labelledDemos } from "./demos.js";

// Counts renders, so the test says how much work a hostile prompt costs without timing anything.
const renders = vi.hoisted(() => ({ count: 0 }));
vi.mock("../template/render.js", async (importOriginal) => {
  const real = await importOriginal<typeof RenderModule>();
  return { ...real, renderTemplate: (...args: Parameters<typeof real.renderTemplate>) => (renders.count++, real.renderTemplate(...args)) };
});

const qa = parseGraph(JSON.parse(readFileSync(path.join(import.meta.dirname, "../../examples/qa.flow.json"), "utf8")));
const rows = Array.from({ length: 12 }, (_, index) => ({ index, row: { question: `What is ${index} + 1?`, expected: String(index + 1) } }));

function withPrompt(graph: Graph, prompt: string): Graph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.kind === "ai" && n.id === "answer" ? { ...n, config: { ...n.config, prompt } } : n)) };
}

afterAll(() => closeTemplateWorkers());

describe("labelledDemos", () => {
  it("renders the prompt and the grader's expected answer for each row", async () => {
    const demos = await labelledDemos(qa, "answer", rows.slice(0, 3));
    expect(demos).toHaveLength(3);
    expect(demos[1].output).toBe("2");
    expect(demos[1].input).toContain("What is 1 + 1?");
  });

  it("stops at the first row whose prompt exceeds a resource limit instead of paying it for every row", async () => {
    renders.count = 0;
    const hostile = withPrompt(qa, "{% for i in (1..3000000) %}x{% endfor %}{{ inputs.question }}");
    expect(await labelledDemos(hostile, "answer", rows)).toEqual([]);
    expect(renders.count).toBe(1);
  });
});
