/**
 * The workflows router's versioning, diff, restore, import/export and delete, and runs.list's
 * status filter, through `createCaller` on real app.services (SQLite in a temp directory).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseGraph, type AiNode, type Graph, type GraphValidationError } from "../engine/browser.js";
import { GRAPH_SCHEMA_REF } from "./routers/workflows.js";
import { storableGraph } from "./store/workflows.js";
import { expectTRPCError, useTestApp } from "./test-app.js";

const app = useTestApp("routers-wf");

/** The qa example under another id. */
function graphAs(id: string): Graph {
  const g = JSON.parse(readFileSync(path.join(import.meta.dirname, "../examples/qa.flow.json"), "utf8")) as Graph;
  return { ...g, id, name: `Copy ${id}` };
}

function aiNode(g: Graph, id: string): AiNode {
  return g.nodes.find((n) => n.id === id) as AiNode;
}

describe("workflows: create / update / versions", () => {
  it("creates at version 1, CONFLICT when the id exists", async () => {
    const res = await app.caller.workflows.create({ graph: graphAs("wf_a"), note: "first" });
    expect(res).toMatchObject({ created: true, newVersion: true, workflow: { id: "wf_a", version: 1, note: "first" } });
    // $schema is not part of the stored graph
    expect(res.workflow.graph.$schema).toBeUndefined();
    await expectTRPCError(app.caller.workflows.create({ graph: graphAs("wf_a") }), "CONFLICT");
  });

  it("adds a version only when the graph changed", async () => {
    const same = await app.caller.workflows.update({ id: "wf_a", graph: graphAs("wf_a") });
    expect(same.newVersion).toBe(false);
    expect(same.workflow.version).toBe(1);

    const g = graphAs("wf_a");
    aiNode(g, "answer").config.prompt = "Solve step by step.\n{{ inputs.question }}";
    const v2 = await app.caller.workflows.update({ id: "wf_a", graph: g, note: "better prompt" });
    expect(v2).toMatchObject({ created: false, newVersion: true, workflow: { version: 2, currentVersion: 2, note: "better prompt" } });

    const versions = await app.caller.workflows.versions.list({ id: "wf_a" });
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    const stored = storableGraph(parseGraph(graphAs("wf_a")));
    expect((await app.caller.workflows.get({ id: "wf_a", version: 1 })).graph).toEqual(stored);
    expect((await app.caller.workflows.versions.get({ id: "wf_a", version: 1 })).currentVersion).toBe(2);
    await expectTRPCError(app.caller.workflows.versions.get({ id: "wf_a", version: 9 }), "NOT_FOUND");
    await expectTRPCError(app.caller.workflows.get({ id: "wf_a", version: 9 }), "NOT_FOUND");
  });

  it("update: invalid graph → BAD_REQUEST with issues and no new version; id mismatch; unknown id", async () => {
    const bad = graphAs("wf_a");
    bad.edges.push({ id: "dangling", source: "grade", target: "ghost", kind: "pipeline" });
    const err = await expectTRPCError(app.caller.workflows.update({ id: "wf_a", graph: bad }), "BAD_REQUEST");
    expect((err.cause as GraphValidationError).issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ edgeId: "dangling", field: "target" })]),
    );
    const noPrompt = { ...graphAs("wf_a"), nodes: [{ id: "a", kind: "ai", config: { model: "m" } }] };
    const err2 = await expectTRPCError(app.caller.workflows.update({ id: "wf_a", graph: noPrompt as never }), "BAD_REQUEST");
    expect((err2.cause as GraphValidationError).issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ nodeId: "a", field: "config.prompt" })]),
    );

    const mismatch = await expectTRPCError(app.caller.workflows.update({ id: "wf_a", graph: graphAs("other") }), "BAD_REQUEST");
    expect((mismatch.cause as GraphValidationError).issues[0]).toMatchObject({ field: "id" });

    expect((await app.caller.workflows.versions.list({ id: "wf_a" })).length).toBe(2);
    await expectTRPCError(app.caller.workflows.update({ id: "ghost", graph: graphAs("ghost") }), "NOT_FOUND");
    await expectTRPCError(app.caller.workflows.get({ id: "ghost" }), "NOT_FOUND");
  });

  it("diffs two versions: changed fields, added/removed nodes and edges, prompt line diff", async () => {
    const g = (await app.caller.workflows.get({ id: "wf_a" })).graph;
    g.description = "v3";
    aiNode(g, "answer").config.temperature = 0.7;
    g.nodes.push({ id: "note", kind: "output", config: {} });
    g.edges.push({ id: "answer_note", source: "answer", target: "note", kind: "pipeline" });
    const v3 = await app.caller.workflows.update({ id: "wf_a", graph: g });
    expect(v3.workflow.version).toBe(3);

    const d = await app.caller.workflows.versions.diff({ id: "wf_a", a: 1, b: 3 });
    expect(d.identical).toBe(false);
    expect(d.graph).toEqual(expect.arrayContaining([expect.objectContaining({ field: "description", after: "v3" })]));
    expect(d.nodes.added.map((n) => n.id)).toEqual(["note"]);
    expect(d.nodes.removed).toEqual([]);
    expect(d.edges.added.map((e) => e.id)).toEqual(["answer_note"]);
    const answer = d.nodes.changed.find((c) => c.nodeId === "answer")!;
    expect(answer.kind).toBe("ai");
    expect(answer.changes.map((c) => c.field).sort()).toEqual(["config.prompt", "config.temperature"]);
    const prompt = answer.changes.find((c) => c.field === "config.prompt")!;
    expect(prompt.lines).toEqual(expect.arrayContaining([{ op: "+", text: "Solve step by step." }]));
    expect(answer.changes.find((c) => c.field === "config.temperature")!.lines).toBeUndefined();

    const back = await app.caller.workflows.versions.diff({ id: "wf_a", a: 3, b: 1 });
    expect(back.nodes.removed.map((n) => n.id)).toEqual(["note"]);
    expect(back.edges.removed.map((e) => e.id)).toEqual(["answer_note"]);
    expect((await app.caller.workflows.versions.diff({ id: "wf_a", a: 2, b: 2 })).identical).toBe(true);
    await expectTRPCError(app.caller.workflows.versions.diff({ id: "wf_a", a: 1, b: 42 }), "NOT_FOUND");
  });

  it("restores an old version as the newest one", async () => {
    const res = await app.caller.workflows.versions.restore({ id: "wf_a", version: 1 });
    expect(res).toMatchObject({ newVersion: true, workflow: { version: 4, note: "restored version 1" } });
    const v1 = await app.caller.workflows.versions.get({ id: "wf_a", version: 1 });
    expect((await app.caller.workflows.get({ id: "wf_a" })).checksum).toBe(v1.checksum);
    // Restoring the latest again adds nothing.
    const again = await app.caller.workflows.versions.restore({ id: "wf_a", version: 4 });
    expect(again.newVersion).toBe(false);
    await expectTRPCError(app.caller.workflows.versions.restore({ id: "wf_a", version: 99 }), "NOT_FOUND");
  });
});

describe("workflows: import / export / delete", () => {
  it("exports pretty JSON with $schema, and imports it back without a new version", async () => {
    const text = await app.caller.workflows.export({ id: "wf_a" });
    expect(text.startsWith(`{\n  "$schema": "${GRAPH_SCHEMA_REF}",`)).toBe(true);
    const doc = JSON.parse(text) as Graph;
    expect({ ...doc, $schema: undefined }).toEqual({ ...(await app.caller.workflows.get({ id: "wf_a" })).graph, $schema: undefined });
    expect(JSON.parse(await app.caller.workflows.export({ id: "wf_a", version: 3 })).description).toBe("v3");

    const same = await app.caller.workflows.import({ json: text });
    expect(same).toMatchObject({ created: false, newVersion: false, workflow: { version: 4 } });

    const seeded = await app.caller.workflows.import({ json: await app.caller.workflows.export({ id: "qa" }) });
    expect(seeded.newVersion).toBe(false);

    const created = await app.caller.workflows.import({ json: text.replace('"id": "wf_a"', '"id": "wf_b"') });
    expect(created).toMatchObject({ created: true, workflow: { id: "wf_b", version: 1, note: "imported" } });
  });

  it("import rejects bad JSON and invalid graphs with BAD_REQUEST", async () => {
    const err = await expectTRPCError(app.caller.workflows.import({ json: "{ nope" }), "BAD_REQUEST");
    expect((err.cause as GraphValidationError).issues[0].message).toMatch(/not valid JSON/);
    const bad = JSON.stringify({ ...graphAs("wf_b"), nodes: [{ id: "a", kind: "ai", config: { model: "m" } }] });
    await expectTRPCError(app.caller.workflows.import({ json: bad }), "BAD_REQUEST");
    expect((await app.caller.workflows.versions.list({ id: "wf_b" })).length).toBe(1);
  });

  it("deletes, then NOT_FOUND everywhere", async () => {
    expect(await app.caller.workflows.delete({ id: "wf_b" })).toEqual({ ok: true });
    await expectTRPCError(app.caller.workflows.get({ id: "wf_b" }), "NOT_FOUND");
    await expectTRPCError(app.caller.workflows.versions.list({ id: "wf_b" }), "NOT_FOUND");
    await expectTRPCError(app.caller.workflows.export({ id: "wf_b" }), "NOT_FOUND");
    await expectTRPCError(app.caller.workflows.delete({ id: "wf_b" }), "NOT_FOUND");
    expect((await app.caller.workflows.list()).map((w) => w.id)).not.toContain("wf_b");
  });
});

/** Reads a runs.events subscription to its end (the terminal event). */
async function drain(events: AsyncIterable<unknown>): Promise<void> {
  for await (const _event of events) {
    // just wait for the run to finish
  }
}

describe("runs.list status filter", () => {
  it("filters by status and rejects an unknown status", async () => {
    const inputs = { question: "Nora has 8 pencils. She wins 7 more. How many pencils does Nora have now?", expected: "15" };
    const ok = await app.caller.runs.start({ workflowId: "qa", inputs });
    await drain(await app.caller.runs.events({ runId: ok.runId }));

    const cancelled = await app.caller.runs.start({ workflowId: "qa", inputs });
    const cancelledOk = (await app.caller.runs.cancel({ runId: cancelled.runId })).ok;
    await drain(await app.caller.runs.events({ runId: cancelled.runId }));

    const succeeded = (await app.caller.runs.list({ workflowId: "qa", status: "succeeded" })).runs;
    expect(succeeded.map((r) => r.id)).toContain(ok.runId);
    expect(succeeded.every((r) => r.status === "succeeded")).toBe(true);
    expect(succeeded.map((r) => r.id)).not.toContain(cancelled.runId);

    if (cancelledOk) {
      const list = (await app.caller.runs.list({ status: "cancelled" })).runs;
      expect(list.map((r) => r.id)).toEqual([cancelled.runId]);
    }
    expect((await app.caller.runs.list({ status: "paused" })).runs).toEqual([]);
    await expectTRPCError(app.caller.runs.list({ status: "bogus" as never }), "BAD_REQUEST");
  });
});
