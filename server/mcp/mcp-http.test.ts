/**
 * The MCP server over streamable HTTP (`/mcp` on the real server: 127.0.0.1:0, SQLite in a temp
 * dir), driven by the SDK's own Client:
 * - tools/list: every tool, with its required role and the API's input schema;
 * - the agent loop as an editor token: import a dataset, run, optimize → progress → finalize with
 *   notes → candidates → save + promote → roll back (test-mcp.ts);
 * - refusals as the API's: a viewer on run/optimize/promote/finalize (403 FORBIDDEN), a token limited
 *   to another workflow (403), an unknown workflow (404), finalizing a running optimization (409);
 * - malformed or oversized arguments: a tool error naming the field, nothing started;
 * - transport rules: no token or a bad one 401, a cookie alone 401, GET 405, cross-origin 403, body over the cap 413.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_DATASET_TEXT } from "../routers/datasets.js";
import { mintToken, QA_DATASET_TEXT, QA_INPUTS, startTestServer, type TestServer } from "../test-http.js";
import { MAX_MCP_BODY_BYTES } from "./http.js";
import { MCP_TOOLS, mcpToolTable } from "./index.js";
import { ok, optimizeFlow, QA_CONFIG, refused, toolErrorText } from "./test-mcp.js";

let app: TestServer;
const secrets: Record<"editor" | "viewer" | "limited" | "bob", string> = { editor: "", viewer: "", limited: "", bob: "" };
const clients: Client[] = [];

/** An SDK client connected to /mcp with `secret` as its bearer token. */
async function connect(secret: string): Promise<Client> {
  const client = new Client({ name: "flowtune-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${secret}` } } }));
  clients.push(client);
  return client;
}

const INITIALIZE = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } };

/** A raw POST to /mcp (what a client without the SDK, or an attacker, sends). */
function post(headers: Record<string, string>, body: string = JSON.stringify(INITIALIZE), method = "POST"): Promise<Response> {
  return fetch(`${app.url}/mcp`, {
    method,
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: method === "GET" ? undefined : body,
  });
}

beforeAll(async () => {
  app = await startTestServer("mcp-http");
  secrets.editor = (await mintToken(app.services, "alice", "editor")).secret;
  secrets.bob = (await mintToken(app.services, "bob", "editor")).secret;
  secrets.viewer = (await mintToken(app.services, "vera", "viewer")).secret;
  secrets.limited = (await mintToken(app.services, "tri", "editor", { workflows: ["triage"] })).secret;
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await app?.close();
});

describe("/mcp over streamable HTTP", () => {
  it("lists every tool with its required role and the API's input schema", async () => {
    const client = await connect(secrets.viewer);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(MCP_TOOLS.map((t) => t.name));
    const roles = Object.fromEntries(mcpToolTable().map((t) => [t.name, t.role]));
    for (const t of tools) expect(t.description).toContain(`Requires role ${roles[t.name]}.`);
    expect(roles).toMatchObject({ list_workflows: "viewer", get_optimization_progress: "viewer", start_optimization: "editor", promote_version: "editor", finalize_optimization: "editor", run_workflow: "editor" });
    const start = tools.find((t) => t.name === "start_optimization")!;
    expect(start.inputSchema.required).toEqual(expect.arrayContaining(["workflowId", "config", "dataset"]));
    // The config is the engine's OptimizeConfigSchema: its strategies are listed.
    expect(JSON.stringify(start.inputSchema)).toContain('"bootstrap_fewshot"');
    expect(tools.find((t) => t.name === "list_workflows")!.annotations).toMatchObject({ readOnlyHint: true });
  });

  it("runs the agent loop as an editor: import, run, optimize → progress → finalize → candidates → save + promote → rollback", async () => {
    const client = await connect(secrets.editor);
    const imported = await ok(client, "import_dataset", { name: "qa-mcp", fileName: "qa.dataset.jsonl", text: QA_DATASET_TEXT });
    expect(imported).toMatchObject({ name: "qa-mcp", version: 1, created: true });
    expect(((await ok(client, "list_datasets")).datasets as Array<{ name: string }>).map((d) => d.name)).toContain("qa-mcp");

    const nodes = (await ok(client, "get_workflow_nodes", { workflowId: "qa" })) as { nodes: Array<{ id: string; kind: string; tunable?: { params: { prompt: string } } }> };
    expect(nodes.nodes.find((n) => n.kind === "ai")).toMatchObject({ id: "answer", tunable: { params: { prompt: expect.any(String) } } });
    const run = await ok(client, "run_workflow", { workflowId: "qa", inputs: QA_INPUTS });
    expect(run).toMatchObject({ status: "succeeded", outputs: expect.any(Object) });
    expect(await ok(client, "get_run", { runId: run.runId })).toMatchObject({ runId: run.runId, status: "succeeded", outputs: run.outputs });

    const { runId } = await optimizeFlow(client, "qa-mcp");
    // What the tools wrote is the API's state: the notes are on the run record.
    expect((await app.services.optimizer.get(runId))?.notes).toMatch(/^Random search/);
    expect(((await ok(client, "list_optimizations", { workflowId: "qa" })).runs as Array<{ runId: string; notes?: string }>).find((r) => r.runId === runId)?.notes).toMatch(/^Random search/);
    // The audit trail names the token's user, as for the API.
    const audit = await app.services.parameters.audit("qa", { nodeId: "answer", limit: 5 });
    expect(audit.map((e) => e.actor)).toContain("alice");
  }, 120_000);

  it("refuses a viewer on run, optimize, promote and finalize with the API's 403, and starts nothing", async () => {
    const viewer = await connect(secrets.viewer);
    expect(((await ok(viewer, "list_workflows")).workflows as unknown[]).length).toBeGreaterThan(0);
    const before = (await app.services.optimizer.list({})).runs.length;
    const runsBefore = (await app.services.runs.list({})).runs.length;
    const calls: Array<[string, Record<string, unknown>]> = [
      ["start_optimization", { workflowId: "qa", config: QA_CONFIG, dataset: "qa" }],
      ["run_workflow", { workflowId: "qa", inputs: QA_INPUTS }],
      ["promote_version", { workflowId: "qa", nodeId: "answer", version: 1, reason: "viewer tries" }],
      ["promote_candidate", { runId: "any", index: 0, reason: "viewer tries" }],
      ["finalize_optimization", { runId: "any", notes: "viewer tries" }],
      ["rollback_version", { workflowId: "qa", nodeId: "answer", reason: "viewer tries" }],
      ["import_dataset", { name: "v", fileName: "v.jsonl", text: '{"a":1}' }],
    ];
    for (const [name, args] of calls) {
      const error = await refused(viewer, name, args);
      expect(error, name).toMatchObject({ code: "FORBIDDEN", httpStatus: 403, message: '"vera" has role viewer; this needs editor' });
    }
    expect((await app.services.optimizer.list({})).runs.length).toBe(before);
    expect((await app.services.runs.list({})).runs.length).toBe(runsBefore);
  });

  it("keeps a token limited to one workflow to that workflow", async () => {
    const limited = await connect(secrets.limited);
    expect(((await ok(limited, "list_workflows")).workflows as Array<{ id: string }>).map((w) => w.id)).toEqual(["triage"]);
    expect(await ok(limited, "get_workflow_nodes", { workflowId: "triage" })).toMatchObject({ workflowId: "triage" });
    for (const [name, args] of [
      ["get_workflow_nodes", { workflowId: "qa" }],
      ["run_workflow", { workflowId: "qa", inputs: QA_INPUTS }],
      ["start_optimization", { workflowId: "qa", config: QA_CONFIG, dataset: "qa" }],
      ["promote_version", { workflowId: "qa", nodeId: "answer", version: 1, reason: "limited tries" }],
    ] as Array<[string, Record<string, unknown>]>) {
      expect(await refused(limited, name, args), name).toMatchObject({ code: "FORBIDDEN", message: '"tri" has no grant for workflow "qa"' });
    }
    // A dataset name another workflow's optimizations read is shared: a limited token may not version it.
    expect(await refused(limited, "import_dataset", { name: "qa", fileName: "qa.dataset.jsonl", text: QA_DATASET_TEXT })).toMatchObject({ code: "FORBIDDEN" });
  });

  it("answers malformed, oversized and impossible arguments with a tool error naming the field", async () => {
    const client = await connect(secrets.bob);
    const before = (await app.services.optimizer.list({})).runs.length;
    // Schema errors (the API's own zod schema) are refused before the tool runs.
    expect(await toolErrorText(client, "start_optimization", { workflowId: "qa", config: { ...QA_CONFIG, strategy: "annealing" }, dataset: "qa" })).toMatch(/Invalid option: expected one of .* at config\.strategy$/);
    expect(await toolErrorText(client, "start_optimization", { workflowId: "qa", dataset: "qa" })).toMatch(/expected object, received undefined at config$/);
    expect(await toolErrorText(client, "get_workflow_nodes", { workflowId: "../etc" })).toMatch(/at workflowId$/);
    expect(await toolErrorText(client, "finalize_optimization", { runId: "x", notes: "" })).toMatch(/notes must not be empty at notes$/);
    expect(await toolErrorText(client, "import_dataset", { name: "big", fileName: "big.jsonl", text: "x".repeat(MAX_DATASET_TEXT + 1) })).toMatch(`a dataset may have at most ${MAX_DATASET_TEXT} characters at text`);
    // Checks inside the API keep their code and located field.
    expect(await refused(client, "import_dataset", { name: "empty", fileName: "empty.jsonl", text: "  \n" })).toMatchObject({ code: "BAD_REQUEST", flowtuneCode: "INPUT_INVALID", issues: [{ field: "text" }] });
    expect(await refused(client, "start_optimization", { workflowId: "qa", config: { ...QA_CONFIG, targets: ["nope"] }, dataset: "qa" })).toMatchObject({ code: "BAD_REQUEST", issues: [expect.objectContaining({ field: expect.stringContaining("targets") })] });
    expect(await refused(client, "start_optimization", { workflowId: "qa", config: QA_CONFIG, dataset: "no-such-dataset" })).toMatchObject({ code: "NOT_FOUND", issues: [{ field: "dataset" }] });
    expect(await refused(client, "get_workflow_nodes", { workflowId: "nope" })).toMatchObject({ code: "NOT_FOUND", httpStatus: 404, message: 'workflow "nope" not found' });
    expect(await refused(client, "get_optimization_progress", { runId: "nope" })).toMatchObject({ code: "NOT_FOUND" });
    expect(await refused(client, "finalize_optimization", { runId: "nope", notes: "x" })).toMatchObject({ code: "NOT_FOUND", message: "optimization run nope not found" });
    expect((await app.services.optimizer.list({})).runs.length).toBe(before);
    expect(await toolErrorText(client, "no_such_tool", {})).toMatch(/no_such_tool not found/);
  });

  it("refuses to finalize a running optimization (409), then finalizes it once cancelled", async () => {
    const client = await connect(secrets.bob);
    const runId = (await ok(client, "start_optimization", { workflowId: "qa", config: { ...QA_CONFIG, limits: { maxCandidates: 200 } }, dataset: "qa" })).runId as string;
    const conflict = await refused(client, "finalize_optimization", { runId, notes: "too early" });
    expect(conflict).toMatchObject({ code: "CONFLICT", httpStatus: 409, flowtuneCode: "CONFLICT" });
    expect(conflict.message).toMatch(/still running/);
    expect(await ok(client, "cancel_optimization", { runId })).toMatchObject({ runId, cancelled: true });
    await expect.poll(async () => (await ok(client, "get_optimization_progress", { runId })).status, { timeout: 20_000 }).toBe("cancelled");
    expect(await ok(client, "finalize_optimization", { runId, notes: "cancelled: too slow" })).toMatchObject({ status: "cancelled", notes: "cancelled: too slow" });
    // Finalizing again replaces the notes (trimmed, as the API stores them).
    expect(await ok(client, "finalize_optimization", { runId, notes: "  cancelled: 200 candidates is too many  " })).toMatchObject({ notes: "cancelled: 200 candidates is too many" });
    expect((await app.services.optimizer.get(runId))?.notes).toBe("cancelled: 200 candidates is too many");
  }, 60_000);

  it("requires a bearer token: none, a bad one or a cookie alone is 401; GET is 405; cross-origin 403; a body over the cap 413", async () => {
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/Authorization: Bearer/);
    expect((await post({ authorization: "Bearer ft_not_a_token" })).status).toBe(401);
    expect((await post({ authorization: "Basic dXNlcjpwdw==" })).status).toBe(401);
    expect((await post({ cookie: "flowtune_session=anything" })).status).toBe(401);
    // The SDK client sees the 401 as a failed connection.
    const anonymous = new Client({ name: "anonymous", version: "1" });
    await expect(anonymous.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp`)))).rejects.toThrow();
    await anonymous.close();

    expect((await post({ authorization: `Bearer ${secrets.viewer}` }, "", "GET")).status).toBe(405);
    expect((await post({ authorization: `Bearer ${secrets.viewer}`, origin: "http://evil.example" })).status).toBe(403);
    const big = await post({ authorization: `Bearer ${secrets.viewer}` }, JSON.stringify({ ...INITIALIZE, pad: "x".repeat(MAX_MCP_BODY_BYTES) }));
    expect(big.status).toBe(413);
    // A good token with a same-origin header is served.
    const good = await post({ authorization: `Bearer ${secrets.viewer}`, origin: app.url });
    expect(good.status).toBe(200);
    expect(((await good.json()) as { result: { serverInfo: { name: string } } }).result.serverInfo.name).toBe("flowtune");
  });
});
