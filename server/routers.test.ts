/**
 * The workflows and runs routers through `createCaller`, on real app.services (SQLite in a temp
 * directory, the sim provider with its latency scaled down, the examples seeded).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { isTrackedEnvelope } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { GraphValidationError, type Graph, type RunEvent } from "../engine/browser.js";
import { createCaller } from "./router.js";
import { createAppServices } from "./services/app.js";
import { createContext } from "./trpc.js";
import { expectTRPCError, useTestApp } from "./test-app.js";

const QA_INPUTS = {
  question: "Nora has 8 pencils. She wins 7 more. How many pencils does Nora have now?",
  expected: "15",
};

const app = useTestApp("routers");

/** Reads a runs.events subscription to its end; every item must be tracked with its seq. */
async function readEvents(iterable: AsyncIterable<unknown>): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const item of iterable) {
    if (!isTrackedEnvelope<RunEvent>(item)) throw new Error(`untracked item: ${JSON.stringify(item)}`);
    const [id, event] = item;
    expect(id).toBe(String(event.seq));
    events.push(event);
  }
  return events;
}

function qaGraph(): Graph {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, "../examples/qa.flow.json"), "utf8")) as Graph;
}

describe("workflows router", () => {
  it("lists the seeded examples", async () => {
    const list = await app.caller.workflows.list();
    expect(list.map((w) => w.id)).toEqual(expect.arrayContaining(["qa", "triage", "jury", "map"]));
    const qa = list.find((w) => w.id === "qa")!;
    expect(qa.currentVersion).toBe(1);
    expect(qa.updatedAt).toBeInstanceOf(Date);
  });

  it("gets a workflow with its graph, NOT_FOUND for an unknown id", async () => {
    const qa = await app.caller.workflows.get({ id: "qa" });
    expect(qa.graph.nodes.map((n) => n.id)).toEqual(["in", "answer", "grade", "out", "tune"]);
    await expectTRPCError(app.caller.workflows.get({ id: "nope" }), "NOT_FOUND");
    await expectTRPCError(app.caller.workflows.get({ id: "" }), "BAD_REQUEST");
  });

  it("saves a new workflow, then a new version only when the graph changed", async () => {
    const graph = { ...qaGraph(), id: "qa_copy", name: "QA copy" };
    const first = await app.caller.workflows.save({ graph, note: "copy" });
    expect(first.created).toBe(true);
    expect(first.workflow.version).toBe(1);

    const same = await app.caller.workflows.save({ graph });
    expect(same.newVersion).toBe(false);
    expect(same.workflow.version).toBe(1);

    const changed = await app.caller.workflows.save({ graph: { ...graph, description: "changed" } });
    expect(changed.newVersion).toBe(true);
    expect(changed.workflow.version).toBe(2);
    expect((await app.caller.workflows.get({ id: "qa_copy" })).graph.description).toBe("changed");
  });

  it("rejects an invalid graph with BAD_REQUEST and located issues", async () => {
    const graph = qaGraph();
    // A dangling edge and an AI node without a prompt.
    graph.edges.push({ id: "bad", source: "grade", target: "ghost", kind: "pipeline" });
    const err = await expectTRPCError(app.caller.workflows.save({ graph }), "BAD_REQUEST");
    expect(err.cause).toBeInstanceOf(GraphValidationError);
    expect((err.cause as GraphValidationError).issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ edgeId: "bad", field: "target" })]),
    );

    const schemaBad = { ...qaGraph(), nodes: [{ id: "a", kind: "ai", config: { model: "m" } }] };
    const err2 = await expectTRPCError(app.caller.workflows.save({ graph: schemaBad as never }), "BAD_REQUEST");
    expect((err2.cause as GraphValidationError).issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ nodeId: "a", field: "config.prompt" })]),
    );
    await expectTRPCError(app.caller.workflows.save({ graph: "not a graph" as never }), "BAD_REQUEST");
  });
});

describe("runs router", () => {
  let runId: string;
  let events: RunEvent[];

  beforeAll(async () => {
    ({ runId } = await app.caller.runs.start({ workflowId: "qa", inputs: QA_INPUTS }));
    events = await readEvents(await app.caller.runs.events({ runId }));
  });

  it("starts a run and streams its events, in seq order, to run.completed", () => {
    expect(events[0].type).toBe("run.started");
    expect(events.at(-1)!.type).toBe("run.completed");
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const succeeded = events.filter((e) => e.type === "node.succeeded").map((e) => (e as { nodeId: string }).nodeId);
    expect(succeeded).toEqual(["in", "answer", "grade", "out"]);
  });

  it("replays a finished run's events, and resumes after a lastEventId", async () => {
    const replay = await readEvents(await app.caller.runs.events({ runId }));
    expect(replay).toEqual(events);
    const after = await readEvents(await app.caller.runs.events({ runId, lastEventId: "3" }));
    expect(after).toEqual(events.filter((e) => e.seq > 3));
    await expectTRPCError(app.caller.runs.events({ runId, lastEventId: "x" }), "BAD_REQUEST");
  });

  it("gets the run with its node executions", async () => {
    const run = await app.caller.runs.get({ runId });
    expect(run.status).toBe("succeeded");
    expect(run.workflowId).toBe("qa");
    expect(run.inputs).toEqual(QA_INPUTS);
    expect(run.nodes.map((n) => [n.nodeId, n.status])).toEqual([
      ["in", "succeeded"],
      ["answer", "succeeded"],
      ["grade", "succeeded"],
      ["out", "succeeded"],
    ]);
    expect(run.nodes.find((n) => n.nodeId === "answer")!.totalTokens).toBeGreaterThan(0);
    await expectTRPCError(app.caller.runs.get({ runId: "nope" }), "NOT_FOUND");
  });

  it("lists runs by workflow, newest first, with a cursor", async () => {
    const second = await app.caller.runs.start({ workflowId: "qa", inputs: QA_INPUTS });
    await readEvents(await app.caller.runs.events({ runId: second.runId }));
    const page1 = await app.caller.runs.list({ workflowId: "qa", limit: 1 });
    expect(page1.runs.map((r) => r.id)).toEqual([second.runId]);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = await app.caller.runs.list({ workflowId: "qa", limit: 1, cursor: page1.nextCursor });
    expect(page2.runs.map((r) => r.id)).toEqual([runId]);
    expect((await app.caller.runs.list({ workflowId: "triage" })).runs).toEqual([]);
    await expectTRPCError(app.caller.runs.list({ limit: 0 }), "BAD_REQUEST");
  });

  it("re-runs from a node, reusing the outputs upstream of it", async () => {
    const { runId: child } = await app.caller.runs.rerun({ runId, fromNodeId: "grade" });
    const childEvents = await readEvents(await app.caller.runs.events({ runId: child }));
    expect(childEvents.at(-1)!.type).toBe("run.completed");
    const answer = childEvents.find((e) => e.type === "node.succeeded" && e.nodeId === "answer");
    expect(answer).toMatchObject({ reused: true });
    const detail = await app.caller.runs.get({ runId: child });
    expect(detail.parentRunId).toBe(runId);
    expect(detail.fromNodeId).toBe("grade");
  });

  it("maps engine errors: unknown workflow or run → NOT_FOUND, bad inputs → BAD_REQUEST", async () => {
    await expectTRPCError(app.caller.runs.start({ workflowId: "nope", inputs: {} }), "NOT_FOUND");
    await expectTRPCError(app.caller.runs.rerun({ runId: "nope", fromNodeId: "grade" }), "NOT_FOUND");
    await expectTRPCError(app.caller.runs.events({ runId: "nope" }), "NOT_FOUND");
    const err = await expectTRPCError(app.caller.runs.start({ workflowId: "qa", inputs: { expected: "1" } }), "BAD_REQUEST");
    expect(err.message).toMatch(/question/);
    await expectTRPCError(app.caller.runs.start({ workflowId: "bad id!", inputs: {} }), "BAD_REQUEST");
  });

  it("cancels, pauses and resumes only live runs", async () => {
    expect(await app.caller.runs.cancel({ runId })).toEqual({ ok: false }); // finished
    expect(await app.caller.runs.pause({ runId: "nope" })).toEqual({ ok: false });

    const slow = await createAppServices({ databaseUrl: `file:${path.join(app.dir, "slow.db")}`, latencyScale: 5, seedExamples: true });
    try {
      const slowCaller = createCaller(createContext(slow));
      const a = await slowCaller.runs.start({ workflowId: "qa", inputs: QA_INPUTS });
      expect(await slowCaller.runs.pause({ runId: a.runId })).toEqual({ ok: true });
      expect(await slowCaller.runs.resume({ runId: a.runId })).toEqual({ ok: true });
      expect(await slowCaller.runs.cancel({ runId: a.runId })).toEqual({ ok: true });
      const aEvents = await readEvents(await slowCaller.runs.events({ runId: a.runId }));
      expect(aEvents.map((e) => e.type)).toEqual(expect.arrayContaining(["run.paused", "run.resumed"]));
      expect(aEvents.at(-1)!.type).toBe("run.cancelled");
      expect((await slowCaller.runs.get({ runId: a.runId })).status).toBe("cancelled");
    } finally {
      await slow.close();
    }
  });
});
