import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProviderRegistry, GraphSchema, type CompletionRequest, type Graph, type Provider, type RunEvent } from "../../engine/index.js";
import { createParameterStore, type ParameterStore } from "../store/parameters.js";
import { createAppServices, type AppServices } from "./app.js";
import { ParameterService } from "./parameters.js";

const graph: Graph = GraphSchema.parse({
  version: 1,
  id: "svc",
  name: "svc",
  nodes: [
    { id: "in", kind: "input", config: { fields: [{ name: "q" }] } },
    { id: "answer", kind: "ai", config: { model: "m", systemPrompt: "baseline system", prompt: "Q: {{ inputs.q }}" } },
    { id: "polish", kind: "ai", config: { model: "m", prompt: "Polish: {{ nodes.answer.text }}" } },
    { id: "out", kind: "output", config: { fields: { text: "{{ nodes.polish.text }}" } } },
  ],
  edges: [
    { id: "e1", kind: "pipeline", source: "in", target: "answer" },
    { id: "e2", kind: "pipeline", source: "answer", target: "polish" },
    { id: "e3", kind: "pipeline", source: "polish", target: "out" },
  ],
});

/** A provider that answers at once and remembers every request. */
function recordingProvider(): Provider & { requests: CompletionRequest[] } {
  const requests: CompletionRequest[] = [];
  return {
    id: "sim",
    requests,
    async complete(request) {
      requests.push(request);
      return { text: `reply to ${request.messages[request.messages.length - 1].content}`, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, latencyMs: 0, finishReason: "stop", model: request.model };
    },
  };
}

/** Counts the store reads the resolver makes. */
function counting(store: ParameterStore) {
  const calls = { productionParams: 0, revision: 0 };
  const wrapped: ParameterStore = {
    ...store,
    productionParams: (id) => (calls.productionParams++, store.productionParams(id)),
    revision: () => (calls.revision++, store.revision()),
  };
  return { wrapped, calls };
}

describe("ParameterService (production resolution)", () => {
  let dir: string;
  let app: AppServices;
  let provider: ReturnType<typeof recordingProvider>;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-params-"));
    provider = recordingProvider();
    app = await createAppServices({ databaseUrl: `file:${path.join(dir, "p.db")}`, providers: createProviderRegistry([provider]) });
    await app.workflows.save(graph);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs untouched nodes with the graph's own parameters and reports them as version 1", async () => {
    const resolved = await app.parameters.resolve("svc", graph);
    expect(resolved.versions).toEqual({ answer: 1, polish: 1 });
    expect(resolved.graph).toEqual(graph);
    expect(await app.db.prisma.parameterVersion.count()).toBe(0);
  });

  it("while production is v1, runs the graph as edited (v1 is the graph's own parameters)", async () => {
    await app.parameters.listVersions("svc", "answer", "test");
    const edited = GraphSchema.parse({ ...graph, nodes: graph.nodes.map((n) => (n.id === "answer" ? { ...n, config: { ...n.config, prompt: "Edited: {{ inputs.q }}" } } : n)) });
    const resolved = await app.parameters.resolve("svc", edited);
    expect(resolved.versions.answer).toBe(1);
    const node = resolved.graph.nodes.find((n) => n.id === "answer");
    expect(node?.kind === "ai" && node.config.prompt).toBe("Edited: {{ inputs.q }}");
  });

  it("caches per node and invalidates on promote and rollback through the same object", async () => {
    const { wrapped, calls } = counting(createParameterStore(app.db.prisma));
    const service = new ParameterService(wrapped, { checkRevision: false });
    await service.resolve("svc", graph);
    await service.resolve("svc", graph);
    expect(calls.productionParams).toBe(1);

    const v2 = await service.createVersion({ workflowId: "svc", nodeId: "answer", params: { model: "m", systemPrompt: "tuned system", prompt: "Answer briefly: {{ inputs.q }}" }, actor: "test" });
    await service.resolve("svc", graph);
    expect(calls.productionParams).toBe(2);

    await service.promote({ workflowId: "svc", nodeId: "answer", version: v2.version.version, reason: "better", actor: "test" });
    const promoted = await service.resolve("svc", graph);
    expect(calls.productionParams).toBe(3);
    expect(promoted.versions).toEqual({ answer: 2, polish: 1 });
    const node = promoted.graph.nodes.find((n) => n.id === "answer");
    expect(node?.kind === "ai" && node.config.prompt).toBe("Answer briefly: {{ inputs.q }}");
    // The input graph is not mutated.
    expect(graph.nodes[1].config).toMatchObject({ prompt: "Q: {{ inputs.q }}" });
    await service.resolve("svc", graph);
    expect(calls.productionParams).toBe(3);

    await service.rollback({ workflowId: "svc", nodeId: "answer", reason: "revert", actor: "test" });
    expect((await service.resolve("svc", graph)).versions.answer).toBe(1);
    expect(calls.productionParams).toBe(4);
    // A failed promote still leaves a consistent cache.
    await expect(service.promote({ workflowId: "svc", nodeId: "answer", version: 99, reason: "x", actor: "t" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await service.resolve("svc", graph)).versions.answer).toBe(1);
  });

  it("sees a move made by another process through the store revision", async () => {
    const { wrapped, calls } = counting(createParameterStore(app.db.prisma));
    const server = new ParameterService(wrapped);
    const cli = new ParameterService(createParameterStore(app.db.prisma));
    expect((await server.resolve("svc", graph)).versions.answer).toBe(1);
    await server.resolve("svc", graph);
    expect(calls).toEqual({ productionParams: 1, revision: 2 });

    await cli.promote({ workflowId: "svc", nodeId: "answer", version: 2, reason: "from the cli", actor: "cli" });
    expect((await server.resolve("svc", graph)).versions.answer).toBe(2);
    expect(calls.productionParams).toBe(2);
  });

  it("runs through RunService with the promoted version and records it in run.started", async () => {
    provider.requests.length = 0;
    const { runId } = await app.runs.start({ workflowId: "svc", inputs: { q: "2+2?" } });
    const result = await app.runs.handle(runId)!.result;
    expect(result.status).toBe("succeeded");
    const first = provider.requests.find((r) => r.messages.some((m) => m.content.includes("2+2?")));
    expect(first?.messages).toEqual([
      { role: "system", content: "tuned system" },
      { role: "user", content: "Answer briefly: 2+2?" },
    ]);
    const [started] = await app.history.getEvents(runId, -1, 1);
    expect(started).toMatchObject({ type: "run.started", parameterVersions: { answer: 2, polish: 1 } });
    // The stored snapshot is the graph that actually ran.
    const stored = (await app.history.getRun(runId))!.graph.nodes.find((n) => n.id === "answer");
    expect(stored?.config).toMatchObject({ systemPrompt: "tuned system" });

    // A re-run reports the versions its parent ran with.
    const { runId: again } = await app.runs.rerun({ runId, fromNodeId: "polish" });
    await app.runs.handle(again)!.result;
    const [restarted] = await app.history.getEvents(again, -1, 1);
    expect((restarted as Extract<RunEvent, { type: "run.started" }>).parameterVersions).toEqual({ answer: 2, polish: 1 });

    // After a rollback the next run uses the baseline again.
    await app.parameters.rollback({ workflowId: "svc", nodeId: "answer", reason: "revert", actor: "test" });
    provider.requests.length = 0;
    const { runId: third } = await app.runs.start({ workflowId: "svc", inputs: { q: "3+3?" } });
    await app.runs.handle(third)!.result;
    expect(provider.requests[0].messages).toEqual([
      { role: "system", content: "baseline system" },
      { role: "user", content: "Q: 3+3?" },
    ]);
    expect((await app.history.getEvents(third, -1, 1))[0]).toMatchObject({ parameterVersions: { answer: 1, polish: 1 } });
  });
});
