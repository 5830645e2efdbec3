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

    // The contract's string form ("v3") is the version it names.
    const promoted = await call("POST", "/api/workflows/qa/parameters/answer/promote", { version: `v${candidate.version}`, reason: "CI: beats baseline" });
    expect(promoted).toMatchObject({ status: 200, body: { status: "promoted", active_version: candidate.version } });
    expect(Object.keys(promoted.body).sort()).toEqual(["active_version", "status"]);

    const after = await call("GET", "/api/workflows/qa/parameters/answer");
    expect(after.body.version).toBe(candidate.version);
    expect(after.body.metadata).toMatchObject({ status: "production", optimization_run_id: runId, dataset_id: stored?.datasetId, author: "optimizer", source_candidate: expect.any(Number) });
    expect(after.body.metadata.metrics).toHaveProperty("validation");

    const rolled = await call("POST", "/api/workflows/qa/parameters/answer/rollback", { reason: "CI: regression" });
    expect(rolled).toMatchObject({ status: 200, body: { status: "rolled_back", active_version: 1 } });
    // "2" and the number mean the same version; rollback takes `to` (or `version`) in the same forms.
    expect((await call("POST", "/api/workflows/qa/parameters/answer/promote", { version: String(candidate.version), reason: "again" })).body).toEqual({ status: "promoted", active_version: candidate.version });
    expect((await call("POST", "/api/workflows/qa/parameters/answer/rollback", { to: "v1", reason: "back" })).body).toEqual({ status: "rolled_back", active_version: 1 });
    expect((await call("POST", "/api/workflows/qa/parameters/answer/promote", { version: candidate.version, reason: "number" })).body.active_version).toBe(candidate.version);
    expect((await call("POST", "/api/workflows/qa/parameters/answer/rollback", { version: "1", reason: "as version" })).body).toEqual({ status: "rolled_back", active_version: 1 });
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

  it('accepts the contract\'s "maximize" / "minimize" (and "max" / "min"), refuses other directions naming the field', async () => {
    const res = await call("POST", "/api/workflows/qa/optimize", {
      ...optimizeBody,
      optimizer: "random",
      objective: [
        { metric: "grade", direction: "maximize" },
        { metric: "tokens", direction: "minimize" },
      ],
      limits: { iterations: 2 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect((await services.optimizer.get(res.body.run_id))?.config).toMatchObject({ objectives: [{ metric: "grade", direction: "max" }, { metric: "tokens", direction: "min" }] });
    expect((await pollUntilDone(res.body.run_id)).status).toBe("completed");

    const bad = await call("POST", "/api/workflows/qa/optimize", { ...optimizeBody, objective: { metric: "grade", direction: "up" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([expect.objectContaining({ path: "objective.direction", message: expect.stringMatching(/"maximize" or "minimize"/) })]);
  });

  it('promote and rollback take a version as a number, "2" or "v2"; anything else is a 400 naming version', async () => {
    for (const version of ["two", "v0", "0", 0, -1, 1.5, "2.0", "v", "", true, null, "99999999999", " 2"]) {
      const res = await call("POST", "/api/workflows/qa/parameters/answer/promote", { version, reason: "x" });
      expect(res.status, JSON.stringify(version)).toBe(400);
      expect(res.body.error.issues.map((i: { path: string }) => i.path), JSON.stringify(version)).toEqual(["version"]);
      expect(res.body.error.issues[0].message).toMatch(/version number: 2, "2" or "v2"/);
    }
    const rollback = await call("POST", "/api/workflows/qa/parameters/answer/rollback", { to: "latest", reason: "x" });
    expect(rollback.status).toBe(400);
    expect(rollback.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["to"]);
    const both = await call("POST", "/api/workflows/qa/parameters/answer/rollback", { to: 1, version: 1, reason: "x" });
    expect(both.status).toBe(400);
    expect(both.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["version"]);
  });

  it("refuses control, bidi and lone-surrogate characters in a reason (400 naming reason), nothing stored", async () => {
    const before = await services.parameters.audit("qa", { nodeId: "answer", limit: 1000 });
    for (const reason of ["nul\u0000here", "spoof \u202Egnp.exe", "lone \ud800 surrogate", "esc \u001b[2J"]) {
      const res = await call("POST", "/api/workflows/qa/parameters/answer/rollback", { reason });
      expect(res.status, JSON.stringify(reason)).toBe(400);
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["reason"]);
    }
    expect(await services.parameters.audit("qa", { nodeId: "answer", limit: 1000 })).toHaveLength(before.length);
  });

  describe("defaults from the workflow's optimizer node", () => {
    /** Saves a copy of the qa workflow whose optimizer nodes are `tunes`. */
    async function qaCopy(id: string, tunes: Array<Record<string, unknown>>): Promise<void> {
      const graph = JSON.parse(readFileSync(path.join(import.meta.dirname, "../examples/qa.flow.json"), "utf8"));
      const tune = graph.nodes.find((n: { id: string }) => n.id === "tune");
      graph.id = id;
      graph.nodes = [...graph.nodes.filter((n: { kind: string }) => n.kind !== "optimizer"), ...tunes.map((config, i) => ({ ...tune, id: `tune${i + 1}`, config: { ...tune.config, ...config } }))];
      await services.workflows.save(graph, "test copy");
    }

    it("an empty body runs the optimizer node's whole configuration on the dataset it names", async () => {
      await qaCopy("qa_defaults", [{ strategy: "random", limits: { maxCandidates: 3 }, regressionTolerance: 0.4, constraints: [{ metric: "tokens", op: "<=", value: 500 }] }]);
      const res = await call("POST", "/api/workflows/qa_defaults/optimize", {});
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const stored = await services.optimizer.get(res.body.run_id);
      // "examples/qa.dataset.jsonl" names the imported dataset "qa" (its stem); the server never opens the file.
      expect(stored?.datasetId).toBe((await services.datasets.get("qa"))!.id);
      expect(stored?.config).toMatchObject({
        targets: ["answer"],
        strategy: "random",
        objectives: [{ metric: "grade", direction: "max" }, { metric: "tokens", direction: "min" }],
        limits: { maxCandidates: 3 },
        regressionTolerance: 0.4,
        constraints: [{ metric: "tokens", op: "<=", value: 500 }],
        seed: 1,
      });
      expect((await pollUntilDone(res.body.run_id)).status).toBe("completed");

      // Fields the body gives win; `limits` replaces the node's.
      const partial = await call("POST", "/api/workflows/qa_defaults/optimize", { objective: { metric: "grade", direction: "maximize" }, limits: { iterations: 2 }, seed: 5 });
      expect(partial.status, JSON.stringify(partial.body)).toBe(202);
      expect((await services.optimizer.get(partial.body.run_id))?.config).toMatchObject({ strategy: "random", objectives: [{ metric: "grade", direction: "max" }], limits: { maxCandidates: 2 }, seed: 5 });
      expect((await pollUntilDone(partial.body.run_id)).status).toBe("completed");
    });

    it("400 naming each missing field when there is no optimizer node, or several and none chosen", async () => {
      const none = await call("POST", "/api/workflows/triage/optimize", {});
      expect(none.status).toBe(400);
      expect(none.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["node_ids", "optimizer", "objective", "dataset"]);
      expect(none.body.error.issues[0].message).toMatch(/no optimizer node/);

      const noDataset = await call("POST", "/api/workflows/triage/optimize", { node_ids: ["classify"], optimizer: "random", objective: { metric: "tokens", direction: "minimize" } });
      expect(noDataset.status).toBe(400);
      expect(noDataset.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["dataset"]);

      await qaCopy("qa_two", [{ dataset: "qa" }, { dataset: "qa", strategy: "random", limits: { maxCandidates: 2 } }]);
      const ambiguous = await call("POST", "/api/workflows/qa_two/optimize", {});
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.body.error.issues[0].message).toMatch(/several optimizer nodes .*tune1, tune2.*optimizer_node/);
      const chosen = await call("POST", "/api/workflows/qa_two/optimize", { optimizer_node: "tune2" });
      expect(chosen.status, JSON.stringify(chosen.body)).toBe(202);
      expect((await services.optimizer.get(chosen.body.run_id))?.config).toMatchObject({ strategy: "random", limits: { maxCandidates: 2 } });
      expect((await pollUntilDone(chosen.body.run_id)).status).toBe("completed");
      const unknown = await call("POST", "/api/workflows/qa_two/optimize", { optimizer_node: "answer" });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["optimizer_node"]);
    });

    it("404 naming dataset when the node's dataset was never imported", async () => {
      await qaCopy("qa_missing", [{ dataset: "data/tickets.dataset.csv" }]);
      const res = await call("POST", "/api/workflows/qa_missing/optimize", { limits: { iterations: 2 } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("NOT_FOUND");
      expect(res.body.error.issues).toEqual([{ path: "dataset", message: 'no imported dataset "data/tickets.dataset.csv" or "tickets"' }]);
    });
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
        "GET /api/workflows/{workflow_id}/parameters",
        "GET /api/workflows/{workflow_id}/parameters/{node_id}",
        "POST /api/workflows/{workflow_id}/parameters/{node_id}/promote",
        "POST /api/workflows/{workflow_id}/parameters/{node_id}/rollback",
        "GET /api/openapi.json",
      ].sort(),
    );
    const schemas = res.body.components.schemas;
    // Every field may come from the workflow's optimizer node.
    expect(schemas.OptimizeRequest.required ?? []).toEqual([]);
    expect(Object.keys(schemas.OptimizeRequest.properties)).toEqual(expect.arrayContaining(["node_ids", "optimizer", "objective", "limits", "dataset", "optimizer_node"]));
    expect(schemas.OptimizeRequest.properties.dataset.description).toMatch(/optimizer node/);
    expect(JSON.stringify(schemas.OptimizeRequest.properties.objective)).toContain('"enum":["maximize","minimize","max","min"]');
    expect(schemas.OptimizeRequest.properties.optimizer.enum).toContain("bootstrap_fewshot");
    expect(schemas.PromoteRequest.required).toEqual(["version", "reason"]);
    expect(schemas.PromoteRequest.properties.version.anyOf.map((s: { type: string }) => s.type).sort()).toEqual(["integer", "string"]);
    expect(schemas.OptimizationState.required).toEqual(expect.arrayContaining(["run_id", "status", "tokens_spent", "started_at"]));
    // Every $ref resolves.
    for (const ref of JSON.stringify(res.body).match(/#\/components\/schemas\/\w+/g) ?? []) expect(schemas).toHaveProperty(ref.split("/").pop()!);
  });
});
