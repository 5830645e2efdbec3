/**
 * "Run what you see": runs.start with an unsaved draft graph, through the router on a real app.
 * The run executes the draft (not the saved version), is recorded with its own graph and
 * checksum and marked `draft: { baseVersion }` (events, runs.get, runs.list); a draft equal to
 * the saved version is a normal run; an invalid draft is refused like a save, before anything
 * is recorded or counted.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checksum, type AiNode, type Graph, type GraphValidationError } from "../../engine/index.js";
import type { Principal } from "../auth/principal.js";
import { createCaller } from "../router.js";
import { expectTRPCError, useTestApp } from "../test-app.js";
import { createContext } from "../trpc.js";

const app = useTestApp("runs-draft");

function qaAs(id: string): Graph {
  const g = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../examples/qa.flow.json"), "utf8")) as Graph;
  delete g.$schema;
  return { ...g, id, name: `Copy ${id}` };
}

function callerAs(role: Principal["role"], workflows: string[] | null = null) {
  return createCaller(createContext(app.services, { id: `tok_${role}`, name: `${role}-user`, role, workflows, via: "token" }));
}

async function finished(runId: string) {
  await app.services.runs.handle(runId)?.result;
  return app.caller.runs.get({ runId });
}

const INPUTS = { question: "What is 2 + 3?", expected: "5" };

describe("runs.start with a draft graph", () => {
  it("runs the draft, records its graph and checksum, and marks it a draft of the base version", async () => {
    await app.caller.workflows.create({ graph: qaAs("draft_a") });
    const saved = qaAs("draft_a");
    await app.caller.workflows.update({ id: "draft_a", graph: { ...saved, description: "v2" } });
    const draft = { ...saved, description: "v2" };
    (draft.nodes.find((n) => n.id === "answer") as AiNode).config.prompt = "Describe the zebras of Kenya.";

    const started = await app.caller.runs.start({ workflowId: "draft_a", inputs: INPUTS, graph: draft });
    expect(started.draft).toEqual({ baseVersion: 2 });
    const run = await finished(started.runId);
    expect(run.status).toBe("succeeded");
    expect(run.draft).toEqual({ baseVersion: 2 });
    // The node ran with the edited prompt (the sim echoes a prompt it has no task for), not the saved one.
    expect(JSON.stringify(run.nodes.find((n) => n.nodeId === "answer")?.output)).toContain("zebras of Kenya");
    expect((run.graph.nodes.find((n) => n.id === "answer") as AiNode).config.prompt).toBe("Describe the zebras of Kenya.");
    expect(run.graphChecksum).toBe(checksum(run.graph));
    // Not one of the saved versions.
    expect(run.workflowVersion).toBeNull();
    const [startedEvent] = await app.services.history.getEvents(started.runId, -1, 1);
    expect(startedEvent).toMatchObject({ type: "run.started", draft: { baseVersion: 2 } });

    // An older base version, as the editor that loaded v1 would send it.
    const old = await app.caller.runs.start({ workflowId: "draft_a", inputs: INPUTS, graph: draft, baseVersion: 1 });
    expect(old.draft).toEqual({ baseVersion: 1 });
    await finished(old.runId);

    // A normal run of the saved version, for the listing.
    const plain = await app.caller.runs.start({ workflowId: "draft_a", inputs: INPUTS });
    expect(plain.draft).toBeUndefined();
    await finished(plain.runId);

    const { runs } = await app.caller.runs.list({ workflowId: "draft_a" });
    const byId = new Map(runs.map((r) => [r.id, r.draft]));
    expect(byId.get(started.runId)).toEqual({ baseVersion: 2 });
    expect(byId.get(old.runId)).toEqual({ baseVersion: 1 });
    expect(byId.get(plain.runId)).toBeNull();
  });

  it("a draft equal to the latest saved version is a normal run (no draft mark)", async () => {
    const same = { ...qaAs("draft_a"), description: "v2" };
    const { runId, draft } = await app.caller.runs.start({ workflowId: "draft_a", inputs: INPUTS, graph: { $schema: "x", ...same } });
    expect(draft).toBeUndefined();
    const run = await finished(runId);
    expect(run.draft).toBeNull();
    expect(run.workflowVersion).toBe(2);
  });

  it("refuses an invalid draft like a save (located issues), before anything is recorded", async () => {
    const before = (await app.caller.runs.list({ workflowId: "draft_a" })).runs.length;
    const bad = qaAs("draft_a");
    bad.edges.push({ id: "dangling", source: "answer", target: "ghost", kind: "pipeline" });
    const err = await expectTRPCError(app.caller.runs.start({ workflowId: "draft_a", inputs: INPUTS, graph: bad }), "BAD_REQUEST");
    expect((err.cause as GraphValidationError).issues).toEqual(expect.arrayContaining([expect.objectContaining({ edgeId: "dangling", field: "target" })]));

    const wrongId = await expectTRPCError(app.caller.runs.start({ workflowId: "draft_a", inputs: INPUTS, graph: qaAs("other") }), "BAD_REQUEST");
    expect(wrongId.message).toContain('does not match workflow "draft_a"');
    await expectTRPCError(app.caller.runs.start({ workflowId: "draft_a", inputs: INPUTS, graph: [] as unknown as Graph }), "BAD_REQUEST");
    await expectTRPCError(app.caller.runs.start({ workflowId: "draft_a", inputs: INPUTS, graph: qaAs("draft_a"), baseVersion: 9 }), "BAD_REQUEST");
    await expectTRPCError(app.caller.runs.start({ workflowId: "nope_wf", inputs: INPUTS, graph: qaAs("nope_wf") }), "NOT_FOUND");
    // Missing required input of the draft's own input node.
    await expectTRPCError(app.caller.runs.start({ workflowId: "draft_a", inputs: {}, graph: qaAs("draft_a") }), "BAD_REQUEST");
    expect((await app.caller.runs.list({ workflowId: "draft_a" })).runs.length).toBe(before);
  });

  it("needs the editor role and a grant for the workflow", async () => {
    await expectTRPCError(callerAs("viewer").runs.start({ workflowId: "draft_a", inputs: INPUTS, graph: qaAs("draft_a") }), "FORBIDDEN");
    await expectTRPCError(callerAs("editor", ["triage"]).runs.start({ workflowId: "draft_a", inputs: INPUTS, graph: qaAs("draft_a") }), "FORBIDDEN");
  });
});
