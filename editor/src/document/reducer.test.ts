import { describe, expect, it } from "vitest";
import type { Graph } from "../../../engine/browser.js";
import { copyNodes, parseClip, serializeClip } from "./clipboard.js";
import { emptyGraph } from "./defaults.js";
import { docReducer, HISTORY_LIMIT, initialDoc, type DocAction, type DocState } from "./reducer.js";
import { issuesFor, validateDoc } from "./validation.js";

function run(state: DocState, ...actions: DocAction[]): DocState {
  return actions.reduce(docReducer, state);
}

/** The qa graph built the way the editor builds it. */
function qa(): DocState {
  let s = initialDoc(emptyGraph("qa2", "QA"));
  s = run(
    s,
    { type: "addNode", kind: "input", position: { x: 0, y: 0 } },
    { type: "updateNode", id: "in", patch: { config: { fields: [{ name: "question", type: "string", required: true }, { name: "expected", type: "string", required: false, default: "" }] } } },
    { type: "addNode", kind: "ai", position: { x: 260, y: 0 }, id: "answer" },
    { type: "addNode", kind: "evaluation", position: { x: 520, y: 0 }, id: "grade" },
    { type: "addNode", kind: "output", position: { x: 780, y: 0 }, id: "out" },
    { type: "connect", source: "in", target: "answer" },
    { type: "connect", source: "answer", target: "grade" },
    { type: "connect", source: "grade", target: "out" },
  );
  return s;
}

describe("document reducer", () => {
  it("builds a valid graph from defaults", () => {
    const s = qa();
    expect(s.graph.nodes.map((n) => n.id)).toEqual(["in", "answer", "grade", "out"]);
    expect(s.graph.edges.map((e) => [e.source, e.target, e.kind])).toEqual([
      ["in", "answer", "pipeline"],
      ["answer", "grade", "pipeline"],
      ["grade", "out", "pipeline"],
    ]);
    const ai = s.graph.nodes[1];
    expect(ai.kind === "ai" && ai.config.prompt).toBe("{{ inputs.question }}");
    const grade = s.graph.nodes[2];
    expect(grade.kind === "evaluation" && grade.config.actual).toBe("{{ nodes.answer.text }}");
    expect(validateDoc(s.graph).issues).toEqual([]);
  });

  it("gives fresh ids and refuses duplicate or self connections", () => {
    let s = initialDoc(emptyGraph("g", "G"));
    s = run(s, { type: "addNode", kind: "ai", position: { x: 0, y: 0 } }, { type: "addNode", kind: "ai", position: { x: 1, y: 1 } });
    expect(s.graph.nodes.map((n) => n.id)).toEqual(["ai", "ai2"]);
    const once = run(s, { type: "connect", source: "ai", target: "ai2" });
    expect(run(once, { type: "connect", source: "ai", target: "ai2" })).toBe(once);
    expect(run(once, { type: "connect", source: "ai", target: "ai" })).toBe(once);
  });

  it("undoes and redoes, and a new edit clears the redo stack", () => {
    const s0 = qa();
    const s1 = run(s0, { type: "updateNode", id: "answer", patch: { config: { temperature: 0.7 } } });
    const undone = run(s1, { type: "undo" });
    expect(undone.graph).toBe(s0.graph);
    const redone = run(undone, { type: "redo" });
    expect(redone.graph).toBe(s1.graph);
    const branched = run(undone, { type: "updateNode", id: "answer", patch: { label: "Answer" } });
    expect(branched.future).toEqual([]);
    expect(run(branched, { type: "redo" })).toBe(branched);
  });

  it("coalesces a drag (and typing in one field) into one history step", () => {
    const s0 = qa();
    const s = run(
      s0,
      { type: "moveNodes", positions: { answer: { x: 300, y: 10 } }, coalesce: "drag-1" },
      { type: "moveNodes", positions: { answer: { x: 320, y: 20 } }, coalesce: "drag-1" },
      { type: "moveNodes", positions: { answer: { x: 340, y: 30 } }, coalesce: "drag-1" },
    );
    expect(s.past.length).toBe(s0.past.length + 1);
    expect(s.graph.nodes.find((n) => n.id === "answer")!.position).toEqual({ x: 340, y: 30 });
    expect(run(s, { type: "undo" }).graph).toBe(s0.graph);
    const typed = run(s0, ...["a", "ab", "abc"].map((label): DocAction => ({ type: "updateNode", id: "answer", patch: { label }, coalesce: "answer.label" })));
    expect(typed.past.length).toBe(s0.past.length + 1);
  });

  it("bounds the history", () => {
    let s = qa();
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) s = run(s, { type: "updateNode", id: "answer", patch: { config: { maxTokens: 100 + i } } });
    expect(s.past.length).toBe(HISTORY_LIMIT);
  });

  it("removes nodes with their edges", () => {
    const s = run(qa(), { type: "removeElements", nodeIds: ["grade"], edgeIds: [] });
    expect(s.graph.nodes.map((n) => n.id)).toEqual(["in", "answer", "out"]);
    expect(s.graph.edges.map((e) => e.id)).toEqual(["in-answer"]);
    const e = run(qa(), { type: "removeElements", nodeIds: [], edgeIds: ["grade-out"] });
    expect(e.graph.edges).toHaveLength(2);
  });

  it("renames a node and its edges", () => {
    const s = run(qa(), { type: "updateNode", id: "answer", patch: { id: "reply" } });
    expect(s.graph.edges.filter((e) => e.source === "reply" || e.target === "reply")).toHaveLength(2);
    // Taken id: refused.
    expect(run(s, { type: "updateNode", id: "reply", patch: { id: "grade" } }).graph).toBe(s.graph);
  });

  it("changes an edge's kind with the kind's fields", () => {
    let s = run(qa(), { type: "setEdgeKind", edgeId: "answer-grade", kind: "conditional", extra: { condition: "input.text != ''" } });
    let e = s.graph.edges.find((x) => x.id === "answer-grade")!;
    expect(e).toMatchObject({ kind: "conditional", condition: "input.text != ''", default: false });
    s = run(s, { type: "setEdgeKind", edgeId: "answer-grade", kind: "parallel" });
    e = s.graph.edges.find((x) => x.id === "answer-grade")!;
    expect(e).toMatchObject({ kind: "parallel", maxConcurrency: 4 });
    expect("condition" in e).toBe(false);
    s = run(s, { type: "setEdgeKind", edgeId: "answer-grade", kind: "pipeline" });
    expect(s.graph.edges.find((x) => x.id === "answer-grade")).toEqual({ id: "answer-grade", source: "answer", target: "grade", kind: "pipeline" });
  });

  it("pastes and duplicates with fresh ids, offset positions and inner edges", () => {
    const s0 = qa();
    const clip = copyNodes(s0.graph, ["answer", "grade"]);
    expect(clip.edges.map((e) => e.id)).toEqual(["answer-grade"]);
    expect(parseClip(serializeClip(clip))).toEqual(clip);
    const s = run(s0, { type: "paste", clip, offset: { x: 50, y: 60 } });
    expect(s.inserted).toEqual(["answer2", "grade2"]);
    const pasted = s.graph.nodes.find((n) => n.id === "answer2")!;
    expect(pasted.position).toEqual({ x: 310, y: 60 });
    expect(s.graph.edges.at(-1)).toMatchObject({ source: "answer2", target: "grade2", kind: "pipeline" });
    const d = run(s0, { type: "duplicate", nodeIds: ["out"] });
    expect(d.inserted).toEqual(["out2"]);
  });

  it("applies a layout as one step", () => {
    const s0 = qa();
    const s = run(s0, { type: "applyLayout", positions: { in: { x: 1, y: 2 }, out: { x: 3.4, y: 4.6 } } });
    expect(s.past.length).toBe(s0.past.length + 1);
    expect(s.graph.nodes.find((n) => n.id === "out")!.position).toEqual({ x: 3, y: 5 });
  });
});

describe("validation", () => {
  it("keys issues by node and field", () => {
    const s = run(qa(), { type: "updateNode", id: "answer", patch: { config: { prompt: "{{ inputs.qustion }}" } } });
    const v = validateDoc(s.graph);
    expect(v.ok).toBe(false);
    expect(issuesFor(v.byNode.answer, "config.prompt").length).toBeGreaterThan(0);
    const empty = validateDoc(emptyGraph("x", "X") as Graph);
    expect(empty.ok).toBe(false);
  });
});
