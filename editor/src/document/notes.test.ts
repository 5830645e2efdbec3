import { describe, expect, it } from "vitest";
import { NOTE_TEXT_MAX, validateGraph, type Graph } from "../../../engine/browser.js";
import { emptyGraph } from "./defaults.js";
import { noteFlowId, noteIdOf } from "./notes.js";
import { docReducer, initialDoc, type DocAction, type DocState } from "./reducer.js";

const run = (s: DocState, ...actions: DocAction[]) => actions.reduce(docReducer, s);

function start(): DocState {
  return run(initialDoc(emptyGraph("g", "G")), { type: "addNode", kind: "input", position: { x: 0, y: 0 } });
}

describe("notes in the document", () => {
  it("add, edit, move, resize, recolour and delete are each one undoable step", () => {
    const s0 = start();
    const s1 = run(s0, { type: "addNote", position: { x: 10.4, y: 20.6 } });
    expect(s1.graph.notes).toEqual([{ id: "note", text: "", position: { x: 10, y: 21 }, size: { width: 220, height: 140 }, color: "yellow" }]);
    expect(s1.inserted).toEqual(["note:note"]);
    // Typing coalesces into one step.
    const s2 = run(s1, ...["W", "Wh", "Why"].map((text): DocAction => ({ type: "updateNote", id: "note", patch: { text }, coalesce: "note-text-note" })));
    expect(s2.graph.notes?.[0].text).toBe("Why");
    expect(s2.past.length).toBe(s1.past.length + 1);
    const s3 = run(s2, { type: "moveNodes", positions: { [noteFlowId("note")]: { x: 100, y: 200 }, in: { x: 5, y: 5 } } });
    expect(s3.graph.notes?.[0].position).toEqual({ x: 100, y: 200 });
    expect(s3.graph.nodes[0].position).toEqual({ x: 5, y: 5 });
    expect(s3.past.length).toBe(s2.past.length + 1);
    const s4 = run(s3, { type: "updateNote", id: "note", patch: { size: { width: 10, height: 300.4 }, color: "blue" } });
    expect(s4.graph.notes?.[0]).toMatchObject({ size: { width: 60, height: 300 }, color: "blue" });
    const s5 = run(s4, { type: "removeElements", nodeIds: [noteFlowId("note")], edgeIds: [] });
    expect("notes" in s5.graph).toBe(false);
    expect(s5.graph.nodes).toHaveLength(1);

    const back = run(s5, { type: "undo" }, { type: "undo" }, { type: "undo" }, { type: "undo" });
    expect(back.graph).toBe(s1.graph);
    expect(run(back, { type: "undo" }).graph).toBe(s0.graph);
    expect(run(back, { type: "redo" }, { type: "redo" }, { type: "redo" }, { type: "redo" }).graph).toBe(s5.graph);
  });

  it("no-op edits and unknown notes change nothing", () => {
    const s1 = run(start(), { type: "addNote", position: { x: 0, y: 0 }, text: "hi" });
    expect(run(s1, { type: "updateNote", id: "note", patch: { text: "hi" } })).toBe(s1);
    expect(run(s1, { type: "updateNote", id: "ghost", patch: { text: "x" } })).toBe(s1);
    expect(run(s1, { type: "moveNodes", positions: { "note:ghost": { x: 1, y: 1 } } })).toBe(s1);
    expect(run(s1, { type: "removeElements", nodeIds: ["note:ghost"], edgeIds: [] })).toBe(s1);
    // A node named like a note's id is not a note.
    expect(run(s1, { type: "removeElements", nodeIds: ["note"], edgeIds: [] })).toBe(s1);
  });

  it("ids stay unique, text is clipped to the format's limit and the graph stays valid", () => {
    let s = start();
    for (let i = 0; i < 3; i++) s = run(s, { type: "addNote", position: { x: i, y: i }, id: "note" });
    expect(s.graph.notes?.map((n) => n.id)).toEqual(["note", "note2", "note3"]);
    s = run(s, { type: "updateNote", id: "note2", patch: { text: "x".repeat(NOTE_TEXT_MAX + 50) } });
    expect(s.graph.notes?.[1].text).toHaveLength(NOTE_TEXT_MAX);
    expect(validateGraph(s.graph as Graph).ok).toBe(true);
    expect(noteIdOf("note:abc")).toBe("abc");
    expect(noteIdOf("abc")).toBeNull();
  });

  it("auto-layout moves nodes only; notes keep their place", () => {
    const s1 = run(start(), { type: "addNote", position: { x: 7, y: 7 } });
    const s2 = run(s1, { type: "applyLayout", positions: { in: { x: 300, y: 300 }, [noteFlowId("note")]: { x: 0, y: 0 } } });
    expect(s2.graph.nodes[0].position).toEqual({ x: 300, y: 300 });
    expect(s2.graph.notes?.[0].position).toEqual({ x: 7, y: 7 });
  });
});
