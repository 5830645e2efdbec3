/**
 * The managed-parameter rule end to end on a real app (SQLite in a temp dir, tRPC through
 * createCaller, REST on a real server): effective parameters, a save that edits a managed field
 * creates one draft (idempotent, audited, carried over by the next edit), runs keep production
 * unless a version is chosen for the run, and refusals leave nothing behind.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AiNode, Graph } from "../../engine/browser.js";
import { localPrincipal } from "../auth/principal.js";
import { startFlowtuneServer } from "../http.js";
import { createCaller } from "../router.js";
import { expectTRPCError, useTestApp } from "../test-app.js";
import { mintToken } from "../test-http.js";
import { createContext } from "../trpc.js";

const app = useTestApp("managed-edits");

/** The qa example under another id (each test group gets its own workflow). */
function qaAs(id: string): Graph {
  const g = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../examples/qa.flow.json"), "utf8")) as Graph;
  return { ...g, id };
}

function answer(g: Graph): AiNode {
  return g.nodes.find((n) => n.id === "answer") as AiNode;
}

/** Creates the workflow and promotes a tuned v2 of `answer` (other prompt, temperature 0.4). */
async function managedWorkflow(id: string): Promise<Graph> {
  const graph = qaAs(id);
  await app.caller.workflows.create({ graph });
  const tuned = { ...answer(graph).config, prompt: "Tuned: {{ inputs.question }}", temperature: 0.4 };
  const { version } = await app.services.parameters.createVersion({ workflowId: id, nodeId: "answer", params: tuned, status: "candidate" });
  expect(version.version).toBe(2);
  await app.services.parameters.promote({ workflowId: id, nodeId: "answer", version: 2, reason: "tuned", actor: "test" });
  return graph;
}

function withAnswer(graph: Graph, patch: Partial<AiNode["config"]>): Graph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === "answer" ? { ...n, config: { ...(n as AiNode).config, ...patch } } : n)) } as Graph;
}

async function versionsOf(id: string) {
  return app.caller.parameters.versions({ workflowId: id, nodeId: "answer" });
}

async function startedEvent(runId: string) {
  await app.services.runs.handle(runId)?.result;
  const [started] = await app.services.history.getEvents(runId, -1, 1);
  return started as { type: string; parameterVersions?: Record<string, number>; parameterOverrides?: string[] };
}

describe("effective parameters", () => {
  it("an unmanaged node runs its graph fields; an edit is saved as is, with no draft", async () => {
    const graph = qaAs("me_plain");
    await app.caller.workflows.create({ graph });
    const edited = withAnswer(graph, { prompt: "Plain edit {{ inputs.question }}" });
    const saved = await app.caller.workflows.update({ id: "me_plain", graph: edited });
    expect(saved.managedEdits).toEqual([]);
    const eff = await app.caller.parameters.effective({ workflowId: "me_plain" });
    expect(eff.nodes).toEqual([expect.objectContaining({ nodeId: "answer", managed: false, version: 1, managedFields: [], divergentFields: [], pendingDraft: null })]);
    expect(eff.nodes[0].params.prompt).toBe("Plain edit {{ inputs.question }}");
    // Touching the versions (creates the v1 baseline and a pointer on v1) does not make it managed.
    await versionsOf("me_plain");
    expect((await app.caller.parameters.effective({ workflowId: "me_plain" })).nodes[0].managed).toBe(false);
  });

  it("a promoted node is managed: production params, and the graph fields that do not run", async () => {
    await managedWorkflow("me_eff");
    const eff = await app.caller.parameters.effective({ workflowId: "me_eff" });
    const node = eff.nodes.find((n) => n.nodeId === "answer")!;
    expect(node).toMatchObject({ managed: true, version: 2, pendingDraft: null });
    expect(node.params).toMatchObject({ prompt: "Tuned: {{ inputs.question }}", temperature: 0.4 });
    expect(node.managedFields).toEqual(["provider", "model", "systemPrompt", "prompt", "temperature", "topP", "maxTokens", "fewShot", "responseFormat", "seed", "tools", "maxToolCalls", "toolInstructions", "memory"]);
    expect(node.divergentFields).toEqual(["prompt", "temperature"]);
    expect(node.graphParams.prompt).toBe("{{ inputs.question }}");
    await expectTRPCError(app.caller.parameters.effective({ workflowId: "me_nope" }), "NOT_FOUND");
  });
});

describe("saving an edit of a managed field", () => {
  it("creates one audited draft (production + the edit), keeps the edit in the graph, and runs keep production", async () => {
    const graph = await managedWorkflow("me_save");
    const edited = withAnswer(graph, { systemPrompt: "Answer with a number only." });
    const saved = await app.caller.workflows.update({ id: "me_save", graph: edited });
    expect(saved.managedEdits).toEqual([
      { nodeId: "answer", fields: ["systemPrompt"], productionVersion: 2, draftVersion: 3, created: true, message: expect.stringContaining("draft v3") },
    ]);
    expect(answer(saved.workflow.graph).config.systemPrompt).toBe("Answer with a number only.");

    const { production, versions } = await versionsOf("me_save");
    expect(production).toBe(2);
    const draft = versions.find((v) => v.version === 3)!;
    expect(draft.status).toBe("draft");
    // Production's tuned fields plus the edited one; the graph's stale prompt is not taken.
    expect(draft.params).toMatchObject({ systemPrompt: "Answer with a number only.", prompt: "Tuned: {{ inputs.question }}", temperature: 0.4 });

    const audit = await app.caller.parameters.audit({ workflowId: "me_save", nodeId: "answer" });
    expect(audit.find((e) => e.action === "edit")).toMatchObject({ afterVersion: 3, actor: "local", details: { fields: ["systemPrompt"], baseVersion: 2 } });

    const eff = (await app.caller.parameters.effective({ workflowId: "me_save" })).nodes[0];
    expect(eff).toMatchObject({ managed: true, version: 2, pendingDraft: { version: 3, fields: ["systemPrompt"], baseVersion: 2 } });
    expect(eff.params.systemPrompt).not.toBe("Answer with a number only.");

    // A normal run still uses production v2.
    const { runId } = await app.caller.runs.start({ workflowId: "me_save", inputs: { question: "1+1?" } });
    expect((await startedEvent(runId)).parameterVersions).toEqual({ answer: 2 });
    expect((await startedEvent(runId)).parameterOverrides).toBeUndefined();
    const run = await app.caller.runs.get({ runId });
    expect(answer(run.graph).config).toMatchObject({ prompt: "Tuned: {{ inputs.question }}", systemPrompt: "You are a helpful assistant." });
  });

  it("is idempotent: saving the same edit again creates nothing, also when two saves race", async () => {
    const graph = await managedWorkflow("me_idem");
    const edited = withAnswer(graph, { maxTokens: 99 });
    const [a, b] = await Promise.all([
      app.caller.workflows.update({ id: "me_idem", graph: edited }),
      app.caller.workflows.update({ id: "me_idem", graph: edited }),
    ]);
    const drafts = [...a.managedEdits, ...b.managedEdits];
    expect(drafts.length).toBeGreaterThanOrEqual(1);
    expect(new Set(drafts.map((d) => d.draftVersion))).toEqual(new Set([3]));
    const again = await app.caller.workflows.update({ id: "me_idem", graph: edited, note: "again" });
    expect(again.managedEdits).toEqual([]);
    expect((await versionsOf("me_idem")).versions.map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it("a second edit carries the first one; an edit equal to production drafts nothing", async () => {
    const graph = await managedWorkflow("me_carry");
    const first = withAnswer(graph, { systemPrompt: "Be brief." });
    expect((await app.caller.workflows.update({ id: "me_carry", graph: first })).managedEdits[0]).toMatchObject({ draftVersion: 3, fields: ["systemPrompt"] });
    const second = withAnswer(first, { maxTokens: 64 });
    const res = await app.caller.workflows.update({ id: "me_carry", graph: second });
    expect(res.managedEdits[0]).toMatchObject({ fields: ["systemPrompt", "maxTokens"], draftVersion: 4, created: true });
    const v4 = (await versionsOf("me_carry")).versions.find((v) => v.version === 4)!;
    expect(v4.params).toMatchObject({ systemPrompt: "Be brief.", maxTokens: 64, prompt: "Tuned: {{ inputs.question }}" });

    // Back to the original graph with production's prompt and temperature typed in: the reverted
    // and the typed fields all equal production, so nothing diverges and nothing is drafted.
    const prod = (await versionsOf("me_carry")).versions.find((v) => v.version === 2)!.params;
    const aligned = withAnswer(graph, { prompt: prod.prompt, temperature: prod.temperature });
    const res2 = await app.caller.workflows.update({ id: "me_carry", graph: aligned });
    expect(res2.managedEdits).toEqual([expect.objectContaining({ fields: ["systemPrompt", "prompt", "temperature", "maxTokens"], draftVersion: null, created: false })]);
    expect((await versionsOf("me_carry")).versions).toHaveLength(4);
  });

  it("non-managed fields (label, position, timeout) of a managed node never draft", async () => {
    const graph = await managedWorkflow("me_other");
    const moved = { ...graph, nodes: graph.nodes.map((n) => (n.id === "answer" ? { ...n, label: "Renamed", position: { x: 1, y: 2 }, timeoutMs: 1234 } : n)) } as Graph;
    const res = await app.caller.workflows.update({ id: "me_other", graph: moved });
    expect(res.newVersion).toBe(true);
    expect(res.managedEdits).toEqual([]);
  });

  it("a refused save (viewer, invalid graph, create over an existing id) creates no draft", async () => {
    const graph = await managedWorkflow("me_refuse");
    const edited = withAnswer(graph, { prompt: "Refused {{ inputs.question }}" });
    const viewer = createCaller(createContext(app.services, { ...localPrincipal("viewer-user"), role: "viewer", via: "token", id: "tok_v" }));
    await expectTRPCError(viewer.workflows.update({ id: "me_refuse", graph: edited }), "FORBIDDEN");
    const other = createCaller(createContext(app.services, { ...localPrincipal("limited"), role: "editor", via: "token", id: "tok_l", workflows: ["qa"] }));
    await expectTRPCError(other.workflows.update({ id: "me_refuse", graph: edited }), "FORBIDDEN");
    await expectTRPCError(other.parameters.effective({ workflowId: "me_refuse" }), "FORBIDDEN");
    await expectTRPCError(app.caller.workflows.create({ graph: edited }), "CONFLICT");
    const invalid = withAnswer(edited, { temperature: 7 });
    await expectTRPCError(app.caller.workflows.update({ id: "me_refuse", graph: invalid }), "BAD_REQUEST");
    expect((await versionsOf("me_refuse")).versions).toHaveLength(2);
    // A viewer reads what runs.
    expect((await viewer.parameters.effective({ workflowId: "me_refuse" })).nodes[0].version).toBe(2);
  });

  it("restoring an old graph version goes through the same rule", async () => {
    const graph = await managedWorkflow("me_restore");
    const edited = withAnswer(graph, { seed: 7 });
    const res = await app.caller.workflows.update({ id: "me_restore", graph: edited });
    expect(res.managedEdits[0]).toMatchObject({ fields: ["seed"], draftVersion: 3 });
    const restored = await app.caller.workflows.versions.restore({ id: "me_restore", version: 1 });
    // Back to no seed: production v2 has none, so nothing to draft.
    expect(restored.managedEdits).toEqual([expect.objectContaining({ fields: ["seed"], draftVersion: null })]);
  });
});

describe("runs with a chosen parameter version", () => {
  it("runs the draft for that node only, records it, and refuses unknown versions and non-AI nodes", async () => {
    const graph = await managedWorkflow("me_run");
    await app.caller.workflows.update({ id: "me_run", graph: withAnswer(graph, { prompt: "Draft: {{ inputs.question }}" }) });
    const { runId } = await app.caller.runs.start({ workflowId: "me_run", inputs: { question: "2+2?" }, parameterVersions: { answer: 3 } });
    expect((await startedEvent(runId)).parameterVersions).toEqual({ answer: 3 });
    // Recorded as chosen for this run, so no surface calls it production.
    expect((await startedEvent(runId)).parameterOverrides).toEqual(["answer"]);
    const run = await app.caller.runs.get({ runId });
    expect(answer(run.graph).config).toMatchObject({ prompt: "Draft: {{ inputs.question }}", temperature: 0.4 });

    await expectTRPCError(app.caller.runs.start({ workflowId: "me_run", inputs: { question: "?" }, parameterVersions: { answer: 42 } }), "NOT_FOUND");
    const bad = await expectTRPCError(app.caller.runs.start({ workflowId: "me_run", inputs: { question: "?" }, parameterVersions: { grade: 1 } }), "BAD_REQUEST");
    expect(bad.message).toContain('"grade" is not an AI node');
    await expectTRPCError(app.caller.runs.start({ workflowId: "me_run", inputs: { question: "?" }, parameterVersions: { answer: 0 } }), "BAD_REQUEST");

    // Promote the draft: it is production, no longer pending.
    await app.caller.parameters.promote({ workflowId: "me_run", nodeId: "answer", version: 3, reason: "draft wins" });
    const eff = (await app.caller.parameters.effective({ workflowId: "me_run" })).nodes[0];
    expect(eff).toMatchObject({ managed: true, version: 3, pendingDraft: null });
    // The graph still holds its own stale temperature (0): shown as not running.
    expect(eff.divergentFields).toEqual(["temperature"]);
  });
});

describe("REST: GET /api/workflows/{id}/parameters", () => {
  it("answers what each AI node runs, in snake_case; 404 for an unknown workflow", async () => {
    await managedWorkflow("me_rest");
    const server = await startFlowtuneServer({ services: app.services, host: "127.0.0.1", port: 0, staticDir: app.dir });
    try {
      const { secret } = await mintToken(app.services, "ci-viewer", "viewer");
      const get = (p: string) => fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${secret}` } });
      const res = await get("/api/workflows/me_rest/parameters");
      expect(res.status).toBe(200);
      const body = (await res.json()) as { workflow_id: string; nodes: Array<Record<string, unknown>> };
      expect(body.workflow_id).toBe("me_rest");
      expect(body.nodes[0]).toMatchObject({ node_id: "answer", managed: true, version: 2, divergent_fields: ["prompt", "temperature"], pending_draft: null });
      expect((await get("/api/workflows/me_none/parameters")).status).toBe(404);
    } finally {
      await server.close(100);
    }
  });
});
