// The editor writes only fields the (strict) graph format knows, and carries `meta` (user data)
// through every edit, so saving from the editor never fails on, or loses, what a file holds.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseGraph, validateGraph, type Graph, type NodeKind } from "../../../engine/browser.js";
import { copyNodes } from "./clipboard.js";
import { KIND_INFO } from "./defaults.js";
import { docReducer, initialDoc, type DocAction, type DocState } from "./reducer.js";
import { stressGraph } from "./stress.js";

const run = (state: DocState, ...actions: DocAction[]) => actions.reduce(docReducer, state);

/** The jury example (broadcast edges, an aggregate) with meta on the graph, a node and an edge. */
function withMeta(): Graph {
  const g = parseGraph(JSON.parse(readFileSync(new URL("../../../examples/jury.flow.json", import.meta.url), "utf8")));
  return {
    ...g,
    meta: { source: "import" },
    nodes: g.nodes.map((n, i) => (i === 1 ? { ...n, meta: { owner: "me", ui: { collapsed: true } } } : n)),
    edges: g.edges.map((e, i) => (i === 0 ? { ...e, meta: { note: "first" } } : e)),
  };
}

function schemaIssues(g: Graph): string[] {
  const r = validateGraph(JSON.parse(JSON.stringify(g)));
  return r.ok ? [] : r.issues.filter((i) => /unrecognized key/.test(i.message)).map((i) => `${i.nodeId ?? i.edgeId ?? ""} ${i.field}`);
}

describe("the editor and the strict graph format", () => {
  it("a node of every kind, as the palette creates it, has only known fields", () => {
    let s = initialDoc({ version: 1, id: "all", name: "All kinds", nodes: [], edges: [] });
    for (const [i, k] of KIND_INFO.entries()) s = run(s, { type: "addNode", kind: k.kind as NodeKind, position: { x: i * 10.4, y: 3.6 } });
    expect(schemaIssues(s.graph)).toEqual([]);
  });

  it("edits, moves, kind changes, paste and renames keep meta and add no unknown field", () => {
    const g = withMeta();
    const node = g.nodes[1];
    const edge = g.edges[0];
    let s = initialDoc(g);
    s = run(
      s,
      { type: "updateNode", id: node.id, patch: { label: "Renamed label", config: { temperature: 0.5 } } },
      { type: "moveNodes", positions: { [node.id]: { x: 11.2, y: 22.7 } } },
      { type: "setEdgeKind", edgeId: edge.id, kind: "parallel" },
      { type: "updateEdge", edgeId: edge.id, patch: { maxConcurrency: 2 } },
      { type: "setEdgeKind", edgeId: edge.id, kind: "pipeline" },
      { type: "updateGraph", patch: { name: "Jury (edited)" } },
      { type: "paste", clip: copyNodes(g, [node.id]), offset: { x: 40, y: 40 } },
      { type: "updateNode", id: node.id, patch: { id: "renamed" } },
    );
    expect(schemaIssues(s.graph)).toEqual([]);
    expect(s.graph.meta).toEqual({ source: "import" });
    expect(s.graph.nodes.find((n) => n.id === "renamed")!.meta).toEqual({ owner: "me", ui: { collapsed: true } });
    expect(s.graph.edges.find((e) => e.id === edge.id)!.meta).toEqual({ note: "first" });
    // The pasted copy keeps the node's meta too.
    expect(s.graph.nodes.at(-1)!.meta).toEqual({ owner: "me", ui: { collapsed: true } });
    expect(validateGraph(s.graph).ok).toBe(true);
  });

  it("the stress graph has only known fields", () => {
    expect(schemaIssues(stressGraph(60, 10))).toEqual([]);
  });
});
