/**
 * The authorization matrix of the HTTP API, on the real server (127.0.0.1:0, SQLite in a temp
 * dir, API tokens minted in-process).
 *
 * Every tRPC procedure and every REST endpoint has one row below: the weakest role that may call
 * it, whether it touches one workflow's objects, and how to build an input. Each row is called
 * by six principals — anonymous, a viewer, an editor, an admin, an editor token limited to
 * workflow "triage" and an admin token limited to "triage" (both acting on "qa" objects or
 * minting beyond "triage") — and the outcome must be:
 *   anonymous                        → 401 (UNAUTHORIZED / REST UNAUTHENTICATED)
 *   a role weaker than the row's     → 403 (FORBIDDEN)
 *   a limited token, on a workflow-scoped row (qa objects), or a row that needs an
 *   unlimited token                  → 403
 *   anyone else                      → allowed: not refused by auth; for `strict` rows the call
 *                                      must also succeed.
 * A coverage test walks `appRouter._def.procedures`, so a new procedure cannot ship without a row.
 */
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "./auth/roles.js";
import { restRoutes } from "./rest/router.js";
import { memoryOf } from "./services/memory-store.js";
import { appRouter, type AppRouter } from "./router.js";
import {
  bearer,
  callProcedure,
  mintToken,
  optimizationEnded,
  QA_DATASET_TEXT,
  QA_INPUTS,
  qaOptimizeBody,
  qaOptimizeConfig,
  restCall,
  runEnded,
  sseOutcome,
  startTestServer,
  trpcClient,
  trpcOutcome,
  type Outcome,
  type TestClient,
  type TestServer,
} from "./test-http.js";

// ---------------------------------------------------------------------------------------------
// Principals
// ---------------------------------------------------------------------------------------------

type PrincipalName = "anonymous" | "viewer" | "editor" | "admin" | "limited" | "scopedAdmin";
const PRINCIPALS: PrincipalName[] = ["anonymous", "viewer", "editor", "admin", "limited", "scopedAdmin"];

/** The role each principal has (limited: an editor limited to workflow "triage"; scopedAdmin: an admin limited to "triage"). */
const ROLE_OF: Record<Exclude<PrincipalName, "anonymous">, Role> = { viewer: "viewer", editor: "editor", admin: "admin", limited: "editor", scopedAdmin: "admin" };
const LIMITED: ReadonlySet<PrincipalName> = new Set(["limited", "scopedAdmin"]);
const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

// ---------------------------------------------------------------------------------------------
// The fixture every input builder may use
// ---------------------------------------------------------------------------------------------

interface Fixture {
  app: TestServer;
  /** A finished run of qa. */
  qaRunId: string;
  /** A finished optimization of qa. */
  qaOptimizationId: string;
  /** A fresh name/id suffix. */
  unique(prefix: string): string;
  /** Creates a workflow (a copy of qa under a fresh id) in-process; returns its id. */
  freshWorkflow(): Promise<string>;
  /** A copy of qa's graph under `id` (a plain document, as a client would send it). */
  qaGraphAs(id: string): Promise<Record<string, unknown>>;
  /** Adds a draft parameter version of qa/answer in-process; returns its number. */
  freshParameterVersion(): Promise<number>;
}

let fx: Fixture;

/** A provider base URL nothing listens on (stored providers are never called here). */
const LOCAL_LLM_URL = "http://127.0.0.1:9/v1";

// ---------------------------------------------------------------------------------------------
// The tables: one row per procedure / endpoint
// ---------------------------------------------------------------------------------------------

/**
 * workflow:  acts on one workflow's objects (here qa, or a new workflow that is not "triage")
 * global:    not tied to a workflow; a limited token may call it if its role suffices
 * unlimited: needs a token that is not limited to some workflows
 */
type Scope = "workflow" | "global" | "unlimited";

interface ProcedureRow {
  path: string;
  type: "query" | "mutation" | "subscription";
  role: Role | "public";
  scope: Scope;
  /** Builds a fresh input (may prepare objects in-process); undefined for none. */
  input?: (f: Fixture) => unknown;
  /** Allowed callers must get a result (default true); false where a domain error is expected or the input shape is a guess. */
  strict?: boolean;
}

const PROCEDURES: ProcedureRow[] = [
  // auth
  { path: "auth.me", type: "query", role: "viewer", scope: "global" },
  // A limited admin lists only the tokens within its grants (see "credential scope" below).
  { path: "auth.tokens.list", type: "query", role: "admin", scope: "global" },
  // A token for every workflow: beyond a limited admin's grants.
  { path: "auth.tokens.create", type: "mutation", role: "admin", scope: "unlimited", input: (f) => ({ name: f.unique("made"), role: "viewer" }) },
  {
    path: "auth.tokens.revoke",
    type: "mutation",
    role: "admin",
    scope: "unlimited",
    input: async (f) => ({ id: (await mintToken(f.app.services, f.unique("to-revoke"), "viewer")).id }),
  },
  // Not in the written contract; exists in server/routers/auth.ts (admin). A login code's session grants every workflow.
  { path: "auth.invite", type: "mutation", role: "admin", scope: "unlimited", input: (f) => ({ name: f.unique("invitee"), role: "viewer" }) },
  { path: "auth.securityLog", type: "query", role: "admin", scope: "unlimited" },

  // providers (a loopback base URL with allowPrivateNetwork: no DNS lookup in the SSRF check)
  { path: "providers.list", type: "query", role: "viewer", scope: "global" },
  { path: "providers.available", type: "query", role: "viewer", scope: "global" },
  { path: "providers.models", type: "query", role: "viewer", scope: "global", input: () => ({ id: "sim" }) },
  // Testing can send a stored key to a typed URL: an unlimited admin, as for upsert.
  { path: "providers.test", type: "mutation", role: "admin", scope: "unlimited", input: () => ({ baseUrl: LOCAL_LLM_URL, allowPrivateNetwork: true }) },
  // Providers serve every workflow: changing one needs an unlimited admin.
  { path: "providers.upsert", type: "mutation", role: "admin", scope: "unlimited", input: (f) => ({ id: f.unique("prov"), baseUrl: LOCAL_LLM_URL, allowPrivateNetwork: true }) },
  {
    path: "providers.delete",
    type: "mutation",
    role: "admin",
    scope: "unlimited",
    input: async (f) => {
      const id = f.unique("prov");
      await f.app.services.providerConfigs.upsert({ id, baseUrl: LOCAL_LLM_URL, allowPrivateNetwork: true }, "test");
      return { id };
    },
  },

  // workflows
  { path: "workflows.list", type: "query", role: "viewer", scope: "global" },
  { path: "workflows.get", type: "query", role: "viewer", scope: "workflow", input: () => ({ id: "qa" }) },
  { path: "workflows.export", type: "query", role: "viewer", scope: "workflow", input: () => ({ id: "qa" }) },
  { path: "workflows.create", type: "mutation", role: "editor", scope: "workflow", input: async (f) => ({ graph: await f.qaGraphAs(f.unique("wf")) }) },
  {
    path: "workflows.update",
    type: "mutation",
    role: "editor",
    scope: "workflow",
    input: async (f) => {
      const id = await f.freshWorkflow();
      return { id, graph: { ...(await f.qaGraphAs(id)), description: "changed" }, note: "authz" };
    },
  },
  { path: "workflows.save", type: "mutation", role: "editor", scope: "workflow", input: async (f) => ({ graph: await f.qaGraphAs(f.unique("wf")) }) },
  { path: "workflows.delete", type: "mutation", role: "editor", scope: "workflow", input: async (f) => ({ id: await f.freshWorkflow() }) },
  { path: "workflows.import", type: "mutation", role: "editor", scope: "workflow", input: async (f) => ({ json: JSON.stringify(await f.qaGraphAs(f.unique("wf"))) }) },
  { path: "workflows.versions.list", type: "query", role: "viewer", scope: "workflow", input: () => ({ id: "qa" }) },
  { path: "workflows.versions.get", type: "query", role: "viewer", scope: "workflow", input: () => ({ id: "qa", version: 1 }) },
  { path: "workflows.versions.diff", type: "query", role: "viewer", scope: "workflow", input: () => ({ id: "qa", a: 1, b: 1 }) },
  { path: "workflows.versions.restore", type: "mutation", role: "editor", scope: "workflow", input: async (f) => ({ id: await f.freshWorkflow(), version: 1 }) },

  // runs
  { path: "runs.start", type: "mutation", role: "editor", scope: "workflow", input: () => ({ workflowId: "qa", inputs: QA_INPUTS }) },
  { path: "runs.rerun", type: "mutation", role: "editor", scope: "workflow", input: (f) => ({ runId: f.qaRunId, fromNodeId: "grade" }) },
  { path: "runs.cancel", type: "mutation", role: "editor", scope: "workflow", input: (f) => ({ runId: f.qaRunId }) },
  { path: "runs.pause", type: "mutation", role: "editor", scope: "workflow", input: (f) => ({ runId: f.qaRunId }) },
  { path: "runs.resume", type: "mutation", role: "editor", scope: "workflow", input: (f) => ({ runId: f.qaRunId }) },
  { path: "runs.get", type: "query", role: "viewer", scope: "workflow", input: (f) => ({ runId: f.qaRunId }) },
  // Unfiltered listing: a limited token gets its own workflows' runs (not refused).
  { path: "runs.list", type: "query", role: "viewer", scope: "global", input: () => ({}) },
  { path: "runs.events", type: "subscription", role: "viewer", scope: "workflow", input: (f) => ({ runId: f.qaRunId }) },
  // run-form input presets (qa)
  { path: "presets.list", type: "query", role: "viewer", scope: "workflow", input: () => ({ workflowId: "qa" }) },
  { path: "presets.save", type: "mutation", role: "editor", scope: "workflow", input: (f) => ({ workflowId: "qa", name: f.unique("preset"), inputs: QA_INPUTS }) },
  {
    path: "presets.delete",
    type: "mutation",
    role: "editor",
    scope: "workflow",
    input: async (f) => {
      const name = f.unique("preset");
      await f.app.services.db.prisma.inputPreset.create({ data: { id: `pre_${name}`, workflowId: "qa", name, inputs: "{}", createdBy: "test" } });
      return { workflowId: "qa", name };
    },
  },
  // conversation memory (a thread of qa/answer written in-process)
  { path: "memory.list", type: "query", role: "viewer", scope: "workflow", input: () => ({ workflowId: "qa" }) },
  {
    path: "memory.get",
    type: "query",
    role: "viewer",
    scope: "workflow",
    input: async (f) => {
      const threadId = f.unique("thread");
      await memoryOf(f.app.services.db.prisma).append({ workflowId: "qa", nodeId: "answer", threadId }, [{ role: "user", content: "hi" }]);
      return { workflowId: "qa", nodeId: "answer", threadId };
    },
  },
  {
    path: "memory.clear",
    type: "mutation",
    role: "editor",
    scope: "workflow",
    input: async (f) => {
      const threadId = f.unique("thread");
      await memoryOf(f.app.services.db.prisma).append({ workflowId: "qa", nodeId: "answer", threadId }, [{ role: "user", content: "hi" }]);
      return { workflowId: "qa", nodeId: "answer", threadId };
    },
  },

  // optimizations
  { path: "optimizations.start", type: "mutation", role: "editor", scope: "workflow", input: () => ({ workflowId: "qa", config: qaOptimizeConfig(2), dataset: "qa" }) },
  { path: "optimizations.get", type: "query", role: "viewer", scope: "workflow", input: (f) => ({ runId: f.qaOptimizationId }) },
  { path: "optimizations.list", type: "query", role: "viewer", scope: "global", input: () => ({}) },
  { path: "optimizations.cancel", type: "mutation", role: "editor", scope: "workflow", input: (f) => ({ runId: f.qaOptimizationId }) },
  // Resuming a completed optimization is a CONFLICT (domain), which still proves auth let it through.
  { path: "optimizations.resume", type: "mutation", role: "editor", scope: "workflow", input: (f) => ({ runId: f.qaOptimizationId }), strict: false },
  // Finalizing the completed optimization again replaces its notes.
  { path: "optimizations.finalize", type: "mutation", role: "editor", scope: "workflow", input: (f) => ({ runId: f.qaOptimizationId, notes: "authz test" }) },
  { path: "optimizations.candidates", type: "query", role: "viewer", scope: "workflow", input: (f) => ({ runId: f.qaOptimizationId }) },
  { path: "optimizations.progress", type: "subscription", role: "viewer", scope: "workflow", input: (f) => ({ runId: f.qaOptimizationId }) },
  // Saving the baseline (candidate 0) is idempotent: it is v1 already.
  { path: "optimizations.saveCandidate", type: "mutation", role: "editor", scope: "workflow", input: (f) => ({ runId: f.qaOptimizationId, index: 0 }) },
  // Promoting the baseline (candidate 0) saves nothing new and points production at v1.
  { path: "optimizations.promoteCandidate", type: "mutation", role: "editor", scope: "workflow", input: (f) => ({ runId: f.qaOptimizationId, index: 0, reason: "authz test" }) },
  // The seeded qa dataset exists: a token limited to some workflows may not version the shared name.
  { path: "optimizations.importExampleDataset", type: "mutation", role: "editor", scope: "unlimited", input: () => ({ ref: "examples/qa.dataset.jsonl" }) },

  // datasets (shared by every workflow)
  { path: "datasets.import", type: "mutation", role: "editor", scope: "global", input: (f) => ({ name: f.unique("ds"), fileName: "qa.dataset.jsonl", text: QA_DATASET_TEXT }) },
  { path: "datasets.list", type: "query", role: "viewer", scope: "global" },
  { path: "datasets.get", type: "query", role: "viewer", scope: "global", input: () => ({ nameOrId: "qa", limit: 2 }) },
  { path: "datasets.splits", type: "query", role: "viewer", scope: "global", input: () => ({ nameOrId: "qa", seed: 1 }) },
  {
    path: "datasets.delete",
    type: "mutation",
    role: "editor",
    scope: "unlimited",
    input: async (f) => {
      const name = f.unique("del");
      await f.app.services.datasets.importDataset({ name, fileName: "qa.dataset.jsonl", text: QA_DATASET_TEXT });
      return { nameOrId: name };
    },
  },

  // parameters (qa / answer)
  { path: "parameters.effective", type: "query", role: "viewer", scope: "workflow", input: () => ({ workflowId: "qa" }) },
  { path: "parameters.versions", type: "query", role: "viewer", scope: "workflow", input: () => ({ workflowId: "qa", nodeId: "answer" }) },
  { path: "parameters.production", type: "query", role: "viewer", scope: "workflow", input: () => ({ workflowId: "qa", nodeId: "answer" }) },
  { path: "parameters.diff", type: "query", role: "viewer", scope: "workflow", input: () => ({ workflowId: "qa", nodeId: "answer", a: 1, b: 2 }) },
  { path: "parameters.audit", type: "query", role: "viewer", scope: "workflow", input: () => ({ workflowId: "qa" }) },
  {
    path: "parameters.promote",
    type: "mutation",
    role: "editor",
    scope: "workflow",
    input: async (f) => ({ workflowId: "qa", nodeId: "answer", version: await f.freshParameterVersion(), reason: "authz test" }),
  },
  {
    path: "parameters.rollback",
    type: "mutation",
    role: "editor",
    scope: "workflow",
    input: async (f) => {
      const version = await f.freshParameterVersion();
      await f.app.services.parameters.promote({ workflowId: "qa", nodeId: "answer", version, reason: "set up a rollback", actor: "test" });
      return { workflowId: "qa", nodeId: "answer", reason: "authz test" };
    },
  },
];

interface RestRow {
  method: "GET" | "POST";
  /** The endpoint as in the OpenAPI document. */
  endpoint: string;
  role: Role | "public";
  scope: Scope;
  /** Builds the concrete path and body. */
  request: (f: Fixture) => Promise<{ path: string; body?: unknown }> | { path: string; body?: unknown };
  /** Outcomes that differ from the role rule, with the reason in a comment at the row. */
  override?: Partial<Record<PrincipalName, Expected>>;
}

const REST: RestRow[] = [
  { method: "GET", endpoint: "/api/health", role: "public", scope: "global", request: () => ({ path: "/api/health" }) },
  // Sign-in is reachable without credentials: exchanging a (fresh, valid) API token for a session cookie.
  {
    method: "POST",
    endpoint: "/api/auth/login",
    role: "public",
    scope: "global",
    request: async (f) => ({ path: "/api/auth/login", body: { token: (await mintToken(f.app.services, f.unique("signin"), "viewer")).secret } }),
  },
  // Reachable without credentials, but it reads the cookie session: without one (a Bearer token is not a session) it is 401.
  {
    method: "GET",
    endpoint: "/api/auth/session",
    role: "public",
    scope: "global",
    request: () => ({ path: "/api/auth/session" }),
    override: { anonymous: 401, viewer: 401, editor: 401, admin: 401, limited: 401, scopedAdmin: 401 },
  },
  { method: "POST", endpoint: "/api/auth/logout", role: "public", scope: "global", request: () => ({ path: "/api/auth/logout", body: {} }) },
  { method: "GET", endpoint: "/api/openapi.json", role: "public", scope: "global", request: () => ({ path: "/api/openapi.json" }) },
  { method: "POST", endpoint: "/api/workflows/{workflow_id}/optimize", role: "editor", scope: "workflow", request: () => ({ path: "/api/workflows/qa/optimize", body: qaOptimizeBody(2) }) },
  { method: "GET", endpoint: "/api/optimizations/{run_id}", role: "viewer", scope: "workflow", request: (f) => ({ path: `/api/optimizations/${f.qaOptimizationId}` }) },
  { method: "GET", endpoint: "/api/workflows/{workflow_id}/parameters", role: "viewer", scope: "workflow", request: () => ({ path: "/api/workflows/qa/parameters" }) },
  { method: "GET", endpoint: "/api/workflows/{workflow_id}/parameters/{node_id}", role: "viewer", scope: "workflow", request: () => ({ path: "/api/workflows/qa/parameters/answer" }) },
  {
    method: "POST",
    endpoint: "/api/workflows/{workflow_id}/parameters/{node_id}/promote",
    role: "editor",
    scope: "workflow",
    request: async (f) => ({ path: "/api/workflows/qa/parameters/answer/promote", body: { version: await f.freshParameterVersion(), reason: "authz test" } }),
  },
  {
    method: "POST",
    endpoint: "/api/workflows/{workflow_id}/parameters/{node_id}/rollback",
    role: "editor",
    scope: "workflow",
    request: async (f) => {
      const version = await f.freshParameterVersion();
      await f.app.services.parameters.promote({ workflowId: "qa", nodeId: "answer", version, reason: "set up a rollback", actor: "test" });
      return { path: "/api/workflows/qa/parameters/answer/rollback", body: { reason: "authz test" } };
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Expected outcome of a cell
// ---------------------------------------------------------------------------------------------

type Expected = "allowed" | 401 | 403;

function expected(row: { role: Role | "public"; scope: Scope }, who: PrincipalName): Expected {
  if (row.role === "public") return "allowed";
  if (who === "anonymous") return 401;
  if (RANK[ROLE_OF[who]] < RANK[row.role]) return 403;
  if (LIMITED.has(who) && row.scope !== "global") return 403;
  return "allowed";
}

/** Asserts one cell; `strict` allowed cells must succeed, the others only must not be refused by auth. */
function expectCell(label: string, outcome: Outcome, want: Expected, strict: boolean, rest: boolean): void {
  const got = outcome.ok ? `ok ${outcome.status}` : `${outcome.status} ${outcome.code}: ${outcome.message.slice(0, 200)}`;
  if (want === "allowed") {
    if (strict) expect(outcome.ok, `${label}: expected success, got ${got}`).toBe(true);
    else expect([401, 403], `${label}: expected not refused by auth, got ${got}`).not.toContain(outcome.status);
    return;
  }
  expect(outcome.ok, `${label}: expected ${want}, got ${got}`).toBe(false);
  expect(outcome.status, `${label}: ${got}`).toBe(want);
  const code = want === 401 ? (rest ? "UNAUTHENTICATED" : "UNAUTHORIZED") : "FORBIDDEN";
  if (!outcome.ok) expect(outcome.code, `${label}: ${got}`).toBe(code);
}

// ---------------------------------------------------------------------------------------------
// Set-up
// ---------------------------------------------------------------------------------------------

const secrets: Partial<Record<PrincipalName, string>> = {};
const clients = {} as Record<PrincipalName, TestClient>;

beforeAll(async () => {
  const app = await startTestServer("authz", {
    // Not 0: at latency 0 the sim provider never yields to timers, and a running optimization starves the HTTP server.
    latencyScale: 0.05,
    // The matrix starts many runs and optimizations: no rate limit or concurrency cap in the way.
    authPolicy: { startsPerMinute: 100_000, startBurst: 100_000 },
    optimizationPolicy: { maxConcurrentPerUser: 1_000 },
  });
  const services = app.services;
  let n = 0;
  fx = {
    app,
    qaRunId: "",
    qaOptimizationId: "",
    unique: (prefix) => `${prefix}_${++n}`,
    async qaGraphAs(id) {
      const qa = await services.workflows.get("qa");
      return { ...(JSON.parse(JSON.stringify(qa!.graph)) as Record<string, unknown>), id, name: id };
    },
    async freshWorkflow() {
      const id = fx.unique("wf");
      const qa = await services.workflows.get("qa");
      await services.workflows.save({ ...qa!.graph, id, name: id }, "authz fixture", { mode: "create" });
      return id;
    },
    async freshParameterVersion() {
      const { production, versions } = await services.parameters.listVersions("qa", "answer", "test");
      const base = versions.find((v) => v.version === production)!;
      const created = await services.parameters.createVersion({ workflowId: "qa", nodeId: "answer", params: { ...base.params, temperature: Math.round(Math.random() * 1e6) / 1e6 }, status: "draft" });
      return created.version.version;
    },
  };

  const { runId } = await services.runs.start({ workflowId: "qa", inputs: QA_INPUTS });
  expect(await runEnded(services, runId)).toBe("succeeded");
  fx.qaRunId = runId;
  const opt = await services.optimizer.start({ workflowId: "qa", config: qaOptimizeConfig(3), dataset: "qa", actor: "test" });
  expect(await optimizationEnded(services, opt.runId)).toBe("completed");
  fx.qaOptimizationId = opt.runId;
  // parameters.diff compares versions 1 and 2 of qa/answer.
  await fx.freshParameterVersion();

  secrets.viewer = (await mintToken(services, "viewer", "viewer")).secret;
  secrets.editor = (await mintToken(services, "editor", "editor")).secret;
  secrets.admin = (await mintToken(services, "admin", "admin")).secret;
  secrets.limited = (await mintToken(services, "limited", "editor", { workflows: ["triage"] })).secret;
  secrets.scopedAdmin = (await mintToken(services, "scoped-admin", "admin", { workflows: ["triage"] })).secret;
  for (const who of PRINCIPALS) clients[who] = trpcClient(app.url, bearer(secrets[who]));
});

afterAll(async () => {
  await fx?.app.close();
});

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

async function callRow(row: ProcedureRow, who: PrincipalName): Promise<Outcome> {
  const input = await row.input?.(fx);
  if (row.type === "subscription") return sseOutcome(fx.app.url, row.path, input, bearer(secrets[who]));
  return trpcOutcome(callProcedure(clients[who], row.path, row.type, input));
}

describe("authorization matrix: tRPC procedures", () => {
  describe.each(PROCEDURES.map((row) => [`${row.path} (${row.role}, ${row.scope})`, row] as const))("%s", (_label, row) => {
    it.each(PRINCIPALS.map((who) => [who, expected(row, who)] as const))("%s → %s", async (who, want) => {
      const outcome = await callRow(row, who);
      expectCell(`${row.path} as ${who}`, outcome, want, row.strict ?? true, false);
    });
  });
});

describe("authorization matrix: REST endpoints", () => {
  describe.each(REST.map((row) => [`${row.method} ${row.endpoint} (${row.role}, ${row.scope})`, row] as const))("%s", (_label, row) => {
    it.each(PRINCIPALS.map((who) => [who, row.override?.[who] ?? expected(row, who)] as const))("%s → %s", async (who, want) => {
      const { path: urlPath, body } = await row.request(fx);
      const outcome = await restCall(fx.app.url, row.method, urlPath, { headers: bearer(secrets[who]), body });
      expectCell(`${row.method} ${urlPath} as ${who}`, outcome, want, true, true);
      if (!outcome.ok && (outcome.status === 401 || outcome.status === 403)) {
        expect(outcome.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    });
  });
});

describe("the tables cover the API", () => {
  it("every tRPC procedure of appRouter has a row with the role it declares", () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: { role?: string } } }>;
    const rows = new Map(PROCEDURES.map((r) => [r.path, r]));
    const missing = Object.keys(procedures).filter((p) => !rows.has(p));
    expect(missing, "procedures without an authorization row: add them to PROCEDURES").toEqual([]);
    for (const [p, proc] of Object.entries(procedures)) {
      expect(proc._def.type, `${p}: type`).toBe(rows.get(p)!.type);
      expect(proc._def.meta?.role, `${p}: declared role`).toBe(rows.get(p)!.role);
    }
  });

  it("every row names a procedure that exists (the contract's procedures are all implemented)", () => {
    const procedures = Object.keys(appRouter._def.procedures);
    expect(PROCEDURES.map((r) => r.path).filter((p) => !procedures.includes(p))).toEqual([]);
  });

  it("every REST route has a row with the role it declares, and the OpenAPI document lists no other endpoint", async () => {
    const rows = new Map(REST.map((r) => [`${r.method} ${r.endpoint}`, r]));
    const routes = restRoutes.map((r) => ({ key: `${r.method} ${r.path}`, role: (r as { role?: string }).role }));
    expect(routes.map((r) => r.key).filter((k) => !rows.has(k)), "REST routes without an authorization row: add them to REST").toEqual([]);
    for (const r of routes) expect(r.role, `${r.key}: declared role`).toBe(rows.get(r.key)!.role);
    // /api/health is answered by server/http.ts itself, not by a REST route.
    expect([...rows.keys()].filter((k) => k !== "GET /api/health" && !routes.some((r) => r.key === k)), "rows naming no route").toEqual([]);

    const res = await restCall(fx.app.url, "GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.filter((e) => !rows.has(e)), "documented endpoints without an authorization row").toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Beyond the matrix
// ---------------------------------------------------------------------------------------------

describe("limited tokens, revoked and expired tokens, sessions", () => {
  it("workflows.list for a token limited to triage returns only triage", async () => {
    const limited = (await clients.limited.workflows.list.query()).map((w) => w.id);
    expect(limited).toEqual(["triage"]);
    const all = (await clients.viewer.workflows.list.query()).map((w) => w.id);
    expect(all).toEqual(expect.arrayContaining(["qa", "triage"]));
  });

  it("the limited token may act on its own workflow (triage)", async () => {
    expect((await clients.limited.workflows.get.query({ id: "triage" })).id).toBe("triage");
    const me = (await callProcedure(clients.limited, "auth.me", "query", undefined)) as { role: string; workflows: string[] | null };
    expect(me).toMatchObject({ role: "editor", workflows: ["triage"] });
    // The limited token's unfiltered run listing holds no qa run.
    const runs = (await clients.limited.runs.list.query({})) as { runs: Array<{ workflowId: string }> };
    expect(runs.runs.filter((r) => r.workflowId !== "triage")).toEqual([]);
  });

  it("a limited token may import a dataset under a new name, but not add a version to a shared one", async () => {
    const versionsOf = async (name: string) => (await clients.admin.datasets.list.query()).filter((d) => d.name === name).length;
    const before = await versionsOf("qa");
    const changed = QA_DATASET_TEXT.replace(/\n$/, "") + '\n{"question":"1 + 1?","expected":"2"}\n';
    const refused = await trpcOutcome(clients.limited.datasets.import.mutate({ name: "qa", fileName: "qa.jsonl", text: changed }));
    expect(refused).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(await versionsOf("qa")).toBe(before);
    const own = await clients.limited.datasets.import.mutate({ name: "triage-only-set", fileName: "t.jsonl", text: changed });
    expect(own.version).toBe(1);
    // The unrestricted editor may version the shared dataset.
    expect((await clients.editor.datasets.import.mutate({ name: "qa", fileName: "qa.jsonl", text: changed })).version).toBe(before + 1);
  });

  it("a revoked token is 401 on tRPC and REST", async () => {
    const { id, secret } = await mintToken(fx.app.services, "soon-revoked", "admin");
    const client = trpcClient(fx.app.url, bearer(secret));
    expect((await trpcOutcome(client.workflows.get.query({ id: "qa" }))).ok).toBe(true);
    expect(await fx.app.services.auth.revokeToken(id, "test")).toBe(true);
    const q = await trpcOutcome(client.workflows.get.query({ id: "qa" }));
    expect(q).toMatchObject({ ok: false, status: 401, code: "UNAUTHORIZED" });
    const m = await trpcOutcome(client.runs.start.mutate({ workflowId: "qa", inputs: QA_INPUTS }));
    expect(m).toMatchObject({ ok: false, status: 401, code: "UNAUTHORIZED" });
    const r = await restCall(fx.app.url, "GET", "/api/workflows/qa/parameters/answer", { headers: bearer(secret) });
    expect(r).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
  });

  it("an expired token is 401 on tRPC and REST", async () => {
    const { secret } = await mintToken(fx.app.services, "expired", "admin", { expiresAt: new Date(Date.now() - 1_000) });
    const client = trpcClient(fx.app.url, bearer(secret));
    expect(await trpcOutcome(client.workflows.get.query({ id: "qa" }))).toMatchObject({ ok: false, status: 401, code: "UNAUTHORIZED" });
    const r = await restCall(fx.app.url, "GET", "/api/optimizations/" + fx.qaOptimizationId, { headers: bearer(secret) });
    expect(r).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
  });

  it("an unknown or malformed bearer token is 401", async () => {
    for (const header of ["Bearer ft_not-a-real-token", "Bearer nope", "Basic dXNlcjpwYXNz"]) {
      const client = trpcClient(fx.app.url, { authorization: header });
      expect(await trpcOutcome(client.workflows.list.query()), header).toMatchObject({ ok: false, status: 401, code: "UNAUTHORIZED" });
    }
  });

  it("a cookie session: reads work; a mutation without the CSRF header is 403, with it allowed", async () => {
    const token = await fx.app.services.auth.tokens.get((await mintToken(fx.app.services, "browser", "editor")).id);
    const { cookie, session } = await fx.app.services.auth.sessions.openForToken(token!);
    const cookieHeader = { cookie: `flowtune_session=${cookie}` };
    expect(await trpcOutcome(trpcClient(fx.app.url, cookieHeader).workflows.get.query({ id: "qa" }))).toMatchObject({ ok: true });
    const noCsrf = await trpcOutcome(trpcClient(fx.app.url, cookieHeader).runs.start.mutate({ workflowId: "qa", inputs: QA_INPUTS }));
    expect(noCsrf).toMatchObject({ ok: false, status: 403, code: "FORBIDDEN" });
    const restNoCsrf = await restCall(fx.app.url, "POST", "/api/workflows/qa/optimize", { headers: cookieHeader, body: qaOptimizeBody(2) });
    expect(restNoCsrf).toMatchObject({ status: 403, code: "FORBIDDEN" });
    const withCsrf = await trpcOutcome(trpcClient(fx.app.url, { ...cookieHeader, "x-flowtune-csrf": session.csrfToken }).runs.start.mutate({ workflowId: "qa", inputs: QA_INPUTS }));
    expect(withCsrf).toMatchObject({ ok: true });
  });

  it("tRPC refusals are TRPCClientErrors with the mapped HTTP status", async () => {
    const err = await clients.anonymous.workflows.list.query().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
  });
});

// ---------------------------------------------------------------------------------------------
// Credential scope: minting, inviting, revoking and provider changes stay within the caller's grants
// ---------------------------------------------------------------------------------------------

type Minter = "admin" | "scopedAdmin" | "editor" | "viewer";
const MINTERS: Minter[] = ["admin", "scopedAdmin", "editor", "viewer"];

interface ScopeCase {
  label: string;
  path: string;
  type: "query" | "mutation";
  /** Builds a fresh input (fresh target tokens, providers) for each call. */
  input: (f: Fixture) => unknown;
  /** Callers that succeed; every other one gets 403. Editors and viewers never do (role). */
  allowed: Minter[];
  /** What the scoped admin's refusal must say (the field or the reason). */
  scopedRefusal?: RegExp;
}

const revokeTarget = (workflows?: string[]) => async (f: Fixture) => ({ id: (await mintToken(f.app.services, f.unique("target"), "viewer", { workflows })).id });

const SCOPE_CASES: ScopeCase[] = [
  { label: "create a token for every workflow (no list)", path: "auth.tokens.create", type: "mutation", input: (f) => ({ name: f.unique("t"), role: "viewer" }), allowed: ["admin"], scopedRefusal: /without a "workflows" list would grant every workflow/ },
  { label: "create a token with an empty workflows list (= every workflow)", path: "auth.tokens.create", type: "mutation", input: (f) => ({ name: f.unique("t"), role: "admin", workflows: [] }), allowed: ["admin"], scopedRefusal: /"workflows"/ },
  { label: "create a token for another workflow", path: "auth.tokens.create", type: "mutation", input: (f) => ({ name: f.unique("t"), role: "editor", workflows: ["qa"] }), allowed: ["admin"], scopedRefusal: /no grant for workflow \["qa"\] named in "workflows"/ },
  { label: "create a token for its workflow plus another", path: "auth.tokens.create", type: "mutation", input: (f) => ({ name: f.unique("t"), role: "editor", workflows: ["triage", "qa"] }), allowed: ["admin"], scopedRefusal: /\["qa"\]/ },
  { label: "create an admin token within its grants", path: "auth.tokens.create", type: "mutation", input: (f) => ({ name: f.unique("t"), role: "admin", workflows: ["triage"] }), allowed: ["admin", "scopedAdmin"] },
  { label: "revoke an unrestricted token", path: "auth.tokens.revoke", type: "mutation", input: revokeTarget(), allowed: ["admin"], scopedRefusal: /may not revoke .*every workflow/ },
  { label: "revoke a token of another workflow", path: "auth.tokens.revoke", type: "mutation", input: revokeTarget(["qa"]), allowed: ["admin"], scopedRefusal: /may not revoke/ },
  { label: "revoke a token of its workflow plus another", path: "auth.tokens.revoke", type: "mutation", input: revokeTarget(["qa", "triage"]), allowed: ["admin"], scopedRefusal: /may not revoke/ },
  { label: "revoke a token within its grants", path: "auth.tokens.revoke", type: "mutation", input: revokeTarget(["triage"]), allowed: ["admin", "scopedAdmin"] },
  { label: "invite a viewer", path: "auth.invite", type: "mutation", input: (f) => ({ name: f.unique("inv"), role: "viewer" }), allowed: ["admin"], scopedRefusal: /invite .*needs a token that is not limited/ },
  { label: "invite an admin", path: "auth.invite", type: "mutation", input: (f) => ({ name: f.unique("inv"), role: "admin" }), allowed: ["admin"], scopedRefusal: /invite/ },
  { label: "read the security log", path: "auth.securityLog", type: "query", input: () => ({ limit: 5 }), allowed: ["admin"], scopedRefusal: /security log needs a token that is not limited/ },
  { label: "create a provider", path: "providers.upsert", type: "mutation", input: (f) => ({ id: f.unique("prov"), baseUrl: LOCAL_LLM_URL, allowPrivateNetwork: true }), allowed: ["admin"], scopedRefusal: /changing a provider needs/ },
  {
    label: "repoint an existing provider",
    path: "providers.upsert",
    type: "mutation",
    input: async (f) => {
      const id = f.unique("prov");
      await f.app.services.providerConfigs.upsert({ id, baseUrl: LOCAL_LLM_URL, apiKey: "sk-original-key", allowPrivateNetwork: true }, "test");
      return { id, baseUrl: "http://127.0.0.1:10/v1", apiKey: null, allowPrivateNetwork: true };
    },
    allowed: ["admin"],
    scopedRefusal: /changing a provider/,
  },
  {
    label: "delete a provider",
    path: "providers.delete",
    type: "mutation",
    input: async (f) => {
      const id = f.unique("prov");
      await f.app.services.providerConfigs.upsert({ id, baseUrl: LOCAL_LLM_URL, allowPrivateNetwork: true }, "test");
      return { id };
    },
    allowed: ["admin"],
    scopedRefusal: /deleting a provider/,
  },
];

/** Every credential and provider row that a refused call must leave as it was. */
async function credentialSnapshot(): Promise<string> {
  const prisma = fx.app.services.db.prisma;
  const [tokens, codes, sessions, providers] = await Promise.all([
    prisma.apiToken.findMany({ select: { id: true, role: true, workflows: true, revokedAt: true, expiresAt: true }, orderBy: { id: "asc" } }),
    prisma.loginCode.findMany({ select: { codeHash: true, role: true }, orderBy: { codeHash: "asc" } }),
    prisma.session.count(),
    prisma.providerConfig.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ tokens, codes, sessions, providers });
}

describe("credential scope: mint / invite / revoke / provider paths × {admin, scoped admin, editor, viewer}", () => {
  describe.each(SCOPE_CASES.map((c) => [`${c.path}: ${c.label}`, c] as const))("%s", (_label, c) => {
    it.each(MINTERS.map((who) => [who, c.allowed.includes(who) ? 200 : 403] as const))("%s → %s", async (who, want) => {
      const input = await c.input(fx);
      const before = await credentialSnapshot();
      const outcome = await trpcOutcome(callProcedure(clients[who], c.path, c.type, input));
      const got = outcome.ok ? "ok" : `${outcome.status} ${outcome.code}: ${outcome.message}`;
      if (want === 200) {
        expect(outcome.ok, `${c.path} as ${who}: ${got}`).toBe(true);
        return;
      }
      expect(outcome, `${c.path} as ${who}: ${got}`).toMatchObject({ ok: false, status: 403, code: "FORBIDDEN" });
      if (who === "scopedAdmin" && c.scopedRefusal && !outcome.ok) expect(outcome.message).toMatch(c.scopedRefusal);
      // Nothing created, revoked or changed: no partial rows.
      expect(await credentialSnapshot(), `${c.path} as ${who} changed credential rows`).toBe(before);
    });
  });

  it("a token the scoped admin mints is limited to its grants (and cannot reach qa)", async () => {
    const made = (await clients.scopedAdmin.auth.tokens.create.mutate({ name: fx.unique("child"), role: "editor", workflows: ["triage", "triage"] })) as { token: { workflows: string[] | null }; secret: string };
    expect(made.token.workflows).toEqual(["triage"]);
    const child = trpcClient(fx.app.url, bearer(made.secret));
    expect(await trpcOutcome(child.workflows.get.query({ id: "triage" }))).toMatchObject({ ok: true });
    expect(await trpcOutcome(child.workflows.get.query({ id: "qa" }))).toMatchObject({ ok: false, status: 403 });
    // …and cannot mint its way back out either.
    expect(await trpcOutcome(trpcClient(fx.app.url, bearer(made.secret)).auth.tokens.create.mutate({ name: "x", role: "viewer" }))).toMatchObject({ status: 403 });
  });

  it("tokens.list shows a scoped admin only the tokens within its grants; an unrestricted admin sees all", async () => {
    const s = fx.app.services;
    const inside = await mintToken(s, fx.unique("in"), "viewer", { workflows: ["triage"] });
    const wider = await mintToken(s, fx.unique("wide"), "viewer", { workflows: ["triage", "qa"] });
    const everywhere = await mintToken(s, fx.unique("all"), "viewer");
    const scoped = ((await clients.scopedAdmin.auth.tokens.list.query()) as Array<{ id: string; workflows: string[] | null }>);
    expect(scoped.map((t) => t.id)).toContain(inside.id);
    expect(scoped.map((t) => t.id)).not.toContain(wider.id);
    expect(scoped.map((t) => t.id)).not.toContain(everywhere.id);
    expect(scoped.every((t) => t.workflows !== null && t.workflows.every((w) => w === "triage"))).toBe(true);
    expect(scoped.some((t) => t.workflows === null)).toBe(false);
    const all = ((await clients.admin.auth.tokens.list.query()) as Array<{ id: string }>).map((t) => t.id);
    expect(all).toEqual(expect.arrayContaining([inside.id, wider.id, everywhere.id]));
  });

  it("a scoped admin's browser session (cookie + CSRF) is held to the same scope", async () => {
    const { secret } = await mintToken(fx.app.services, fx.unique("scoped-browser"), "admin", { workflows: ["triage"] });
    const login = await restCall(fx.app.url, "POST", "/api/auth/login", { body: { token: secret } });
    expect(login.status).toBe(200);
    const cookie = /flowtune_session=([^;]+)/.exec(login.headers!.get("set-cookie") ?? "")![1];
    const csrf = (login.body as { csrfToken: string }).csrfToken;
    const browser = trpcClient(fx.app.url, { cookie: `flowtune_session=${cookie}`, "x-flowtune-csrf": csrf, origin: fx.app.url });
    const before = await credentialSnapshot();
    expect(await trpcOutcome(browser.auth.tokens.create.mutate({ name: "from-browser", role: "admin" }))).toMatchObject({ ok: false, status: 403, code: "FORBIDDEN" });
    expect(await trpcOutcome(browser.auth.invite.mutate({ name: "from-browser", role: "viewer" }))).toMatchObject({ ok: false, status: 403 });
    expect(await credentialSnapshot()).toBe(before);
    expect(await trpcOutcome(browser.auth.tokens.create.mutate({ name: "from-browser", role: "viewer", workflows: ["triage"] }))).toMatchObject({ ok: true });
  });

  it("a token cannot mint one that outlives it (expiresInDays is capped by the caller's own expiry)", async () => {
    const { secret } = await mintToken(fx.app.services, fx.unique("short"), "admin", { workflows: ["triage"], expiresAt: new Date(Date.now() + 2.5 * 86_400_000) });
    const short = trpcClient(fx.app.url, bearer(secret));
    const before = await credentialSnapshot();
    for (const expiresInDays of [undefined, 3, 3650]) {
      const out = await trpcOutcome(short.auth.tokens.create.mutate({ name: "longer", role: "viewer", workflows: ["triage"], expiresInDays }));
      expect(out, `expiresInDays ${expiresInDays}`).toMatchObject({ ok: false, status: 403, code: "FORBIDDEN" });
      if (!out.ok) expect(out.message).toMatch(/cannot outlive it: set "expiresInDays" to at most 2/);
    }
    expect(await credentialSnapshot()).toBe(before);
    expect(await trpcOutcome(short.auth.tokens.create.mutate({ name: "shorter", role: "viewer", workflows: ["triage"], expiresInDays: 2 }))).toMatchObject({ ok: true });
  });

  it("refused escalations are in the security log", async () => {
    await trpcOutcome(clients.scopedAdmin.auth.tokens.create.mutate({ name: "escalate", role: "admin" }));
    const events = (await clients.admin.auth.securityLog.query({ limit: 20 })) as Array<{ action: string; actor: string; details: { reason?: string } | null }>;
    const refused = events.find((e) => e.action === "token.create.refused" && e.actor === "scoped-admin");
    expect(refused?.details?.reason).toMatch(/"workflows"/);
  });
});
