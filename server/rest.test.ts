/**
 * The REST API on a real server (127.0.0.1:0, SQLite in a temp dir, the sim provider at latency
 * 0): every endpoint field by field, the optimize → poll → read → promote → rollback flow, and
 * the error contract (400 with field paths, 404, 405, 409, 413, non-JSON).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlowtuneServer, type RunningServer } from "./http.js";
import { createAppServices, type AppServices } from "./services/app.js";
import { mintToken } from "./test-http.js";

const QA_TEXT = readFileSync(path.join(import.meta.dirname, "../examples/qa.dataset.jsonl"), "utf8");

let dir: string;
let services: AppServices;
let server: RunningServer;
let secret: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-rest-"));
  services = await createAppServices({ databaseUrl: `file:${path.join(dir, "x.db")}`, latencyScale: 0, seedExamples: true });
  await services.datasets.importDataset({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_TEXT });
  server = await startFlowtuneServer({ services, host: "127.0.0.1", port: 0, staticDir: dir });
  secret = (await mintToken(services, "ci-bot", "editor")).secret;
});

afterAll(async () => {
  await server?.close(100);
  await services?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Replies are checked field by field; `any` keeps the assertions readable.
type Json = any;

/** A JSON request; returns the status and parsed body. */
async function call(method: string, urlPath: string, body?: unknown, raw?: string): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${server.url}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, ...(body !== undefined || raw !== undefined ? { "content-type": "application/json" } : {}) },
    body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
  });
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const optimizeBody = {
  node_ids: ["answer"],
  optimizer: "nsga2",
  objective: [
    { metric: "grade", direction: "max" },
    { metric: "tokens", direction: "min" },
  ],
  limits: { iterations: 6, time_seconds: 60 },
  dataset: "qa",
  seed: 1,
};

async function pollUntilDone(runId: string): Promise<Json> {
  for (let i = 0; i < 600; i++) {
    const { status, body } = await call("GET", `/api/optimizations/${runId}`);
    expect(status).toBe(200);
    if (body.status !== "running") return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("optimization did not finish");
}

describe("REST API", () => {
  it("optimize → poll until completed → read parameters → promote → rollback", async () => {
    const started = await call("POST", "/api/workflows/qa/optimize", optimizeBody);
    expect(started.status).toBe(202);
    expect(Object.keys(started.body).sort()).toEqual(["run_id", "status"]);
    expect(started.body.status).toBe("running");
    const runId: string = started.body.run_id;
    expect(typeof runId).toBe("string");

    const run = await pollUntilDone(runId);
    expect(run.status).toBe("completed");
    expect(run.run_id).toBe(runId);
    expect(run.workflow_id).toBe("qa");
    expect(run.node_ids).toEqual(["answer"]);
    expect(run.candidates).toBe(6);
    expect(run.best).toBeDefined();
    expect(run.baseline).toBeDefined();
    expect(Array.isArray(run.pareto)).toBe(true);
    expect(run.tokens_spent).toBeGreaterThan(0);
    expect(typeof run.cost_spent).toBe("number");
    expect(run.llm_calls).toBeGreaterThan(0);
    expect(Date.parse(run.started_at)).not.toBeNaN();
    expect(Date.parse(run.finished_at)).toBeGreaterThanOrEqual(Date.parse(run.started_at));
    // The engine config was stored with the mapped limits.
    const stored = await services.optimizer.get(runId);
    expect(stored?.config).toMatchObject({ strategy: "nsga2", targets: ["answer"], seed: 1, limits: { maxCandidates: 6, maxTimeMs: 60_000 } });

    const prod = await call("GET", "/api/workflows/qa/parameters/answer");
    expect(prod.status).toBe(200);
    expect(prod.body.version).toBe(1);
    expect(prod.body.parameters).toMatchObject({ prompt: expect.any(String) });
    expect(prod.body.metadata).toMatchObject({ status: "production", checksum: expect.stringMatching(/^[0-9a-f]{64}$/), metrics: expect.any(Object), author: expect.any(String) });
    expect(Date.parse(prod.body.metadata.created_at)).not.toBeNaN();

    const { versions } = await services.parameters.listVersions("qa", "answer");
    const candidate = versions.find((v) => v.optimizationRunId === runId)!;
    expect(candidate).toBeDefined();

    const promoted = await call("POST", "/api/workflows/qa/parameters/answer/promote", { version: candidate.version, reason: "CI: beats baseline" });
    expect(promoted).toMatchObject({ status: 200, body: { status: "promoted", active_version: candidate.version } });
    expect(Object.keys(promoted.body).sort()).toEqual(["active_version", "status"]);

    const after = await call("GET", "/api/workflows/qa/parameters/answer");
    expect(after.body.version).toBe(candidate.version);
    expect(after.body.metadata).toMatchObject({ status: "production", optimization_run_id: runId, dataset_id: stored?.datasetId, author: "optimizer", source_candidate: expect.any(Number) });
    expect(after.body.metadata.metrics).toHaveProperty("validation");

    const rolled = await call("POST", "/api/workflows/qa/parameters/answer/rollback", { reason: "CI: regression" });
    expect(rolled).toMatchObject({ status: 200, body: { status: "rolled_back", active_version: 1 } });
    expect((await call("GET", "/api/workflows/qa/parameters/answer")).body.version).toBe(1);

    // Rolling back to a version that was never in production is a conflicting state.
    const draft = await services.parameters.createVersion({ workflowId: "qa", nodeId: "answer", params: { ...after.body.parameters, temperature: 1.234 }, status: "draft" });
    const conflict = await call("POST", "/api/workflows/qa/parameters/answer/rollback", { to: draft.version.version, reason: "x" });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("CONFLICT");
  });

  it("a single objective object is accepted", async () => {
    const res = await call("POST", "/api/workflows/qa/optimize", { ...optimizeBody, optimizer: "random", objective: { metric: "grade", direction: "max" }, limits: { iterations: 2 } });
    expect(res.status).toBe(202);
    expect((await pollUntilDone(res.body.run_id)).status).toBe("completed");
  });

  it("400 with field paths for a bad body", async () => {
    const res = await call("POST", "/api/workflows/qa/optimize", { ...optimizeBody, optimizer: "magic", limits: { iterations: 0 }, node_ids: [] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INPUT_INVALID");
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["optimizer", "limits.iterations", "node_ids"]));
    for (const i of res.body.error.issues) expect(typeof i.message).toBe("string");

    // A config that does not fit the graph is located by its wire name.
    const wrong = await call("POST", "/api/workflows/qa/optimize", { ...optimizeBody, node_ids: ["grade"] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/grade/);
    expect(wrong.body.error.issues?.[0]?.path ?? "").toBe("node_ids.0");

    const promote = await call("POST", "/api/workflows/qa/parameters/answer/promote", { version: "two", reason: "" });
    expect(promote.status).toBe(400);
    expect(promote.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["reason", "version"]);

    const notJson = await call("POST", "/api/workflows/qa/parameters/answer/promote", undefined, "{not json");
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe("INVALID_JSON");
    expect((await call("POST", "/api/workflows/qa/parameters/answer/rollback", undefined, "")).status).toBe(400);
  });

  it("404 for unknown workflow, node, run, version, dataset and path", async () => {
    const cases: Array<[string, string, unknown?]> = [
      ["POST", "/api/workflows/nope/optimize", optimizeBody],
      ["POST", "/api/workflows/qa/optimize", { ...optimizeBody, dataset: "nope" }],
      ["GET", "/api/optimizations/nope"],
      ["GET", "/api/workflows/nope/parameters/answer"],
      ["GET", "/api/workflows/qa/parameters/nope"],
      ["POST", "/api/workflows/qa/parameters/answer/promote", { version: 999, reason: "x" }],
      ["GET", "/api/nope"],
    ];
    for (const [method, url, body] of cases) {
      const res = await call(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.error).toMatchObject({ code: "NOT_FOUND", message: expect.any(String) });
    }
  });

  it("405 for an unsupported method, with Allow", async () => {
    const res = await call("DELETE", "/api/optimizations/x");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
    expect(res.body.error.code).toBe("METHOD_NOT_ALLOWED");
    expect((await call("GET", "/api/workflows/qa/optimize")).status).toBe(405);
  });

  it("413 for a body over 1 MB", async () => {
    const res = await call("POST", "/api/workflows/qa/optimize", undefined, JSON.stringify({ ...optimizeBody, pad: "x".repeat(1024 * 1024 + 1) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("/api/health still works", async () => {
    const res = await call("GET", "/api/health");
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
  });

  it("openapi.json is an OpenAPI 3.1 document listing every endpoint", async () => {
    const res = await call("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const ops = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    expect(ops.sort()).toEqual(
      [
        "POST /api/workflows/{workflow_id}/optimize",
        "GET /api/optimizations/{run_id}",
        "GET /api/workflows/{workflow_id}/parameters/{node_id}",
        "POST /api/workflows/{workflow_id}/parameters/{node_id}/promote",
        "POST /api/workflows/{workflow_id}/parameters/{node_id}/rollback",
        "GET /api/openapi.json",
      ].sort(),
    );
    const schemas = res.body.components.schemas;
    expect(schemas.OptimizeRequest.required).toEqual(expect.arrayContaining(["node_ids", "optimizer", "objective", "limits", "dataset"]));
    expect(schemas.OptimizeRequest.properties.optimizer.enum).toContain("bootstrap_fewshot");
    expect(schemas.PromoteRequest.required).toEqual(["version", "reason"]);
    expect(schemas.OptimizationState.required).toEqual(expect.arrayContaining(["run_id", "status", "tokens_spent", "started_at"]));
    // Every $ref resolves.
    for (const ref of JSON.stringify(res.body).match(/#\/components\/schemas\/\w+/g) ?? []) expect(schemas).toHaveProperty(ref.split("/").pop()!);
  });
});
