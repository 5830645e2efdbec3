// Sticky notes live in the graph file (strict, located errors) and never change what runs:
// a run, its events and its outputs are the same with and without notes.
import { describe, expect, it } from "vitest";
import { createRun } from "../executor/run.js";
import { aiNode, graph, scriptedProvider } from "../executor/test-helpers.js";
import { parseGraph, validateGraph } from "../graph/validate.js";
import type { RunEvent } from "./events.js";
import { MAX_GRAPH_NOTES, NOTE_TEXT_MAX, type GraphInput } from "./graph.js";

const base = () => graph([aiNode("a", "echo", "A({{ inputs.q }})"), { id: "out", kind: "output", config: { fields: { answer: "{{ nodes.a.text }}" } } }], [["in", "a"], ["a", "out"]]);

const note = (id: string, extra: Record<string, unknown> = {}) => ({ id, text: `note ${id}\nsecond line`, position: { x: 10, y: 20 }, ...extra });

function issuesOf(doc: unknown) {
  const r = validateGraph(doc);
  return r.ok ? [] : r.issues;
}

async function run(g: GraphInput) {
  const p = scriptedProvider();
  const handle = await createRun({ graph: g, inputs: { q: "x" }, providers: p.registry });
  const events: RunEvent[] = [];
  for await (const e of handle.events()) events.push(e);
  return { result: await handle.result, events, calls: p.calls };
}

describe("graph notes", () => {
  it("a graph with notes of every shape is valid and keeps them through parse", () => {
    const notes = [note("n1"), note("n2", { size: { width: 240, height: 120 }, color: "blue" }), note("a", { text: "" })];
    const parsed = parseGraph({ ...base(), notes });
    expect(parsed.notes).toEqual(notes);
    // A graph without notes stays without the key (no `notes: []` appears on save).
    expect("notes" in parseGraph(base())).toBe(false);
  });

  it.each([
    ["an unknown key", { ...note("n1"), x: 1 }, "notes.0.x", "unrecognized key"],
    ["an unknown colour", note("n1", { color: "red" }), "notes.0.color", ""],
    ["a text over the limit", note("n1", { text: "x".repeat(NOTE_TEXT_MAX + 1) }), "notes.0.text", ""],
    ["a control character", note("n1", { text: "a\u0007b" }), "notes.0.text", "control"],
    ["a missing position", { id: "n1", text: "t" }, "notes.0.position", ""],
    ["a bad id", note("1 bad"), "notes.0.id", ""],
    ["a tiny size", note("n1", { size: { width: 1, height: 1 } }), "notes.0.size.width", ""],
    ["an infinite position", note("n1", { position: { x: Infinity, y: 0 } }), "notes.0.position.x", ""],
  ])("%s is an issue naming the note field", (_what, bad, field, message) => {
    const issues = issuesOf({ ...base(), notes: [bad] });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ field, message: expect.stringContaining(message) });
  });

  it("duplicate note ids are an issue at the second one", () => {
    expect(issuesOf({ ...base(), notes: [note("n1"), note("n1")] })).toEqual([{ field: "notes.1.id", message: 'duplicate note id "n1"' }]);
  });

  it(`more than ${MAX_GRAPH_NOTES} notes are refused before parsing`, () => {
    const notes = Array.from({ length: MAX_GRAPH_NOTES + 1 }, (_, i) => note(`n${i}`));
    expect(issuesOf({ ...base(), notes })).toEqual([{ field: "notes", message: expect.stringContaining(`over the limit of ${MAX_GRAPH_NOTES}`) }]);
  });

  it("a run ignores notes: same outputs, same node events, no provider call for them", async () => {
    const plain = await run(base());
    // A note whose id and text look like a node and a template must not be run nor rendered.
    const noted = await run({ ...base(), notes: [note("a", { text: "{{ inputs.q }} {% raise %}" }), note("n2")] } as GraphInput);
    expect(noted.result.status).toBe("succeeded");
    expect(noted.result.outputs).toEqual(plain.result.outputs);
    const started = (events: RunEvent[]) => events.filter((e) => e.type === "node.started").map((e) => (e as { nodeId: string }).nodeId);
    expect(started(noted.events)).toEqual(started(plain.events));
    expect(noted.calls.map((c) => c.prompt)).toEqual(plain.calls.map((c) => c.prompt));
  });
});
