/**
 * A generated graph for performance checks (the command palette's "Load 500-node stress graph";
 * never saved): one input, then rows of AI → evaluation pairs in a grid, chained left to right,
 * ending in outputs. Valid for the schema.
 */
import type { Graph, GraphEdge, GraphNode } from "../../../engine/browser.js";

export function stressGraph(total = 500, columns = 25): Graph {
  const nodes: GraphNode[] = [
    { id: "in", kind: "input", position: { x: 0, y: 0 }, config: { fields: [{ name: "question", type: "string", required: true }] } },
  ];
  const edges: GraphEdge[] = [];
  const rows = Math.ceil((total - 1) / columns);
  let made = 1;
  for (let r = 0; r < rows && made < total; r++) {
    let prev = "in";
    for (let c = 0; c < columns && made < total; c++, made++) {
      const id = `n${r}_${c}`;
      const position = { x: 260 + c * 240, y: r * 150 };
      const last = c === columns - 1 || made === total - 1;
      const node: GraphNode = last
        ? { id, kind: "output", position, config: {} }
        : c % 2 === 0
          ? {
              id,
              kind: "ai",
              position,
              config: { provider: "sim", model: "sim-small", systemPrompt: "", prompt: "{{ inputs.question }}", temperature: 0, topP: 1, maxTokens: 64, fewShot: [], responseFormat: "text" },
            }
          : { id, kind: "evaluation", position, config: { metric: "contains", actual: "{{ input }}", expected: "{{ inputs.question }}", caseSensitive: false, trim: true, threshold: 1 } };
      nodes.push(node);
      edges.push({ id: `e_${prev}_${id}`, source: prev, target: id, kind: "pipeline" });
      prev = id;
    }
  }
  return { version: 1, id: "stress_500", name: `Stress test (${nodes.length} nodes)`, nodes, edges };
}
