/**
 * providers.test, providers.models and providers.available through createCaller on real app
 * services and a real OpenAI-compatible HTTP server on 127.0.0.1; and the run start refusing a
 * graph that names a provider no one configured.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Graph } from "../../engine/browser.js";
import { errorBody, startTestServer, type RecordedRequest, type ScriptedResponse, type TestServer } from "../../engine/providers/test-server.js";
import type { Principal } from "../auth/principal.js";
import { createCaller } from "../router.js";
import { expectTRPCError, useTestApp } from "../test-app.js";
import { createContext } from "../trpc.js";

const KEY = "sk-connect-test-0123456789abcdefXYZ";
const WRONG = "sk-wrong-key-9876543210";
const app = useTestApp("providers-connect");

/** Answers like a real server: the key must be KEY; /v1/models lists two models. */
function realistic(req: RecordedRequest): ScriptedResponse {
  if (req.headers.authorization !== `Bearer ${KEY}`) return { status: 401, body: errorBody(`Incorrect API key provided: ${String(req.headers.authorization).slice(7)}`) };
  if (req.url === "/v1/models") return { body: { object: "list", data: [{ id: "local-large" }, { id: "local-small" }] } };
  return {};
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ fallback: realistic });
  await as("admin").providers.upsert({ id: "local", baseUrl: server.baseUrl, apiKey: KEY, allowPrivateNetwork: true });
});
afterAll(() => server?.close());

const as = (role: Principal["role"], workflows: string[] | null = null) =>
  createCaller(createContext(app.services, { id: `tok_${role}`, name: `${role}-user`, role, workflows, via: "token" }));

function graph(id: string, nodes: unknown[]): Graph {
  return {
    version: 1,
    id,
    name: id,
    nodes: [{ id: "in", kind: "input", position: { x: 0, y: 0 }, config: { fields: [{ name: "q", type: "string" }] } }, ...nodes],
    edges: nodes.map((n) => ({ id: `in-${(n as { id: string }).id}`, source: "in", target: (n as { id: string }).id, kind: "pipeline" })),
  } as unknown as Graph;
}
const ai = (id: string, provider: string) => ({ id, kind: "ai", position: { x: 200, y: 0 }, config: { provider, model: "m", prompt: "{{ inputs.q }}" } });

describe("providers.available", () => {
  it("lists the built-in sim and the stored providers, each usable", async () => {
    const all = await as("viewer").providers.available();
    expect(all).toEqual(
      expect.arrayContaining([
        { id: "sim", origin: "builtin", type: "sim", usable: true },
        { id: "local", origin: "stored", type: "openai-compatible", usable: true },
      ]),
    );
    expect(all[0].id).toBe("sim");
    expect(JSON.stringify(all)).not.toContain(KEY);
  });
});

describe("providers.models", () => {
  it("sim lists its models; a stored provider its /v1/models, cached on the server", async () => {
    expect((await as("viewer").providers.models({ id: "sim" })).models).toEqual(["sim-small", "sim-medium", "sim-large"]);
    server.reset();
    const first = await as("viewer").providers.models({ id: "local" });
    expect(first).toMatchObject({ models: ["local-large", "local-small"], listable: true, cached: false });
    const again = await as("editor").providers.models({ id: "local", refresh: true });
    expect(again).toMatchObject({ models: ["local-large", "local-small"], cached: true });
    expect(server.requests.map((r) => r.url)).toEqual(["/v1/models"]);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("saving the provider again drops the cached list", async () => {
    server.reset();
    await as("admin").providers.upsert({ id: "local", baseUrl: server.baseUrl, allowPrivateNetwork: true });
    await as("viewer").providers.models({ id: "local" });
    expect(server.requests).toHaveLength(1);
  });

  it("unknown provider: NOT_FOUND; a provider that fails to list: BAD_GATEWAY with the reason, never the key", async () => {
    await expectTRPCError(as("viewer").providers.models({ id: "nope" }), "NOT_FOUND");
    await as("admin").providers.upsert({ id: "badkey", baseUrl: server.baseUrl, apiKey: WRONG, allowPrivateNetwork: true });
    const err = await expectTRPCError(as("viewer").providers.models({ id: "badkey" }), "BAD_GATEWAY");
    expect(err.message).toMatch(/badkey: .* refused the API key \(HTTP 401\)/);
    expect(err.message).not.toContain(WRONG);
    await expectTRPCError(as("viewer").providers.models({ id: "bad id!" }), "BAD_REQUEST");
    await as("admin").providers.delete({ id: "badkey" });
  });
});

describe("providers.test", () => {
  it("a stored provider: ok with latency and the model count", async () => {
    const r = await as("admin").providers.test({ id: "local" });
    expect(r).toMatchObject({ ok: true, modelCount: 2, models: ["local-large", "local-small"], truncated: false });
    expect(r.ok && r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(await as("admin").providers.test({ id: "sim" })).toMatchObject({ ok: true, modelCount: 3 });
    await expectTRPCError(as("admin").providers.test({ id: "nope" }), "NOT_FOUND");
  });

  it("a typed config: omitted key keeps the stored one, a wrong key is refused, none is asked for", async () => {
    expect(await as("admin").providers.test({ id: "local", baseUrl: server.baseUrl, allowPrivateNetwork: true })).toMatchObject({ ok: true, modelCount: 2 });
    const wrong = await as("admin").providers.test({ id: "local", baseUrl: server.baseUrl, apiKey: WRONG, allowPrivateNetwork: true });
    expect(wrong).toMatchObject({ ok: false, kind: "unauthorized", status: 401 });
    expect(!wrong.ok && wrong.message).toMatch(/refused the API key \(HTTP 401\)/);
    expect(JSON.stringify(wrong)).not.toContain(WRONG);
    const none = await as("admin").providers.test({ id: "local", baseUrl: server.baseUrl, apiKey: null, allowPrivateNetwork: true });
    expect(!none.ok && none.message).toMatch(/needs an API key/);
    // A new id (nothing stored) with a key.
    expect(await as("admin").providers.test({ id: "fresh", baseUrl: server.baseUrl, apiKey: KEY, allowPrivateNetwork: true })).toMatchObject({ ok: true });
  });

  it("blocked: a loopback URL without allowPrivateNetwork, a metadata address always; nothing is sent", async () => {
    server.reset();
    const blocked = await as("admin").providers.test({ baseUrl: server.baseUrl, apiKey: KEY });
    expect(blocked).toMatchObject({ ok: false, kind: "blocked" });
    expect(!blocked.ok && blocked.message).toMatch(/loopback address.*allowPrivateNetwork/);
    const meta = await as("admin").providers.test({ baseUrl: "http://169.254.169.254/latest", allowPrivateNetwork: true });
    expect(meta).toMatchObject({ ok: false, kind: "blocked" });
    expect(server.requests).toHaveLength(0);
  });

  it("not OpenAI-compatible and unreachable are told apart", async () => {
    const notApi = await as("admin").providers.test({ baseUrl: `${server.url}/nothing-here`, apiKey: KEY, allowPrivateNetwork: true });
    server.enqueue({ status: 404, rawBody: "Not Found" });
    const notFound = await as("admin").providers.test({ baseUrl: server.url, apiKey: KEY, allowPrivateNetwork: true });
    expect(notFound).toMatchObject({ ok: false, kind: "not_compatible", status: 404 });
    // The realistic server answers an unknown path with a chat completion: JSON but no model list.
    expect(notApi).toMatchObject({ ok: false, kind: "not_compatible" });
    const down = await as("admin").providers.test({ baseUrl: "http://127.0.0.1:1/v1", allowPrivateNetwork: true });
    expect(down).toMatchObject({ ok: false, kind: "unreachable" });
    const bad = await as("admin").providers.test({ baseUrl: "ftp://x/v1", allowPrivateNetwork: true });
    expect(bad).toMatchObject({ ok: false, kind: "invalid_url" });
  });

  it("admins only, unrestricted ones only; input is validated", async () => {
    await expectTRPCError(as("editor").providers.test({ id: "local" }), "FORBIDDEN");
    await expectTRPCError(as("viewer").providers.test({ id: "local" }), "FORBIDDEN");
    await expectTRPCError(as("admin", ["qa"]).providers.test({ id: "local" }), "FORBIDDEN");
    await expectTRPCError(as("admin").providers.test({}), "BAD_REQUEST");
    await expectTRPCError(as("admin").providers.test({ baseUrl: `http://x/${"p".repeat(2001)}` }), "BAD_REQUEST");
    await expectTRPCError(as("admin").providers.test({ id: "has space", baseUrl: server.baseUrl }), "BAD_REQUEST");
  });
});

describe("starting a run checks the providers first", () => {
  it("refuses a graph naming an unknown provider (AI node or llm_judge) with BAD_REQUEST naming each node; no run is recorded", async () => {
    const judge = { id: "grade", kind: "evaluation", position: { x: 200, y: 200 }, config: { metric: "llm_judge", actual: "{{ inputs.q }}", rubric: "r", judge: { provider: "gpt", model: "g" } } };
    await app.caller.workflows.save({ graph: graph("unknown_provider", [ai("ask", "nowhere"), judge]) });
    const err = await expectTRPCError(app.caller.runs.start({ workflowId: "unknown_provider", inputs: { q: "hi" } }), "BAD_REQUEST");
    expect(err.message).toMatch(/node "ask" field config\.provider: provider "nowhere" is not configured — add it under Providers/);
    expect(err.message).toMatch(/node "grade" field config\.judge\.provider: provider "gpt" is not configured/);
    expect((await app.caller.runs.list({ workflowId: "unknown_provider" })).runs).toHaveLength(0);
  });

  it("starts a graph whose providers exist, and the node's output comes from the stored provider", async () => {
    await app.caller.workflows.save({ graph: graph("known_provider", [ai("ask", "local")]) });
    const { runId } = await app.caller.runs.start({ workflowId: "known_provider", inputs: { q: "hi" } });
    await app.services.runs.handle(runId)?.result;
    const run = await app.caller.runs.get({ runId });
    expect(run.status).toBe("succeeded");
    expect(run.nodes.find((n) => n.nodeId === "ask")?.output).toMatchObject({ text: "ok" });
  });
});
