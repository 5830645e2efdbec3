/**
 * `flowtune mcp`: the MCP server over stdio, spawned as a real child process (bin/flowtune.js) on
 * a temp database and driven by the SDK's own Client (StdioClientTransport):
 * - without a token it acts as the local CLI user (admin, named $USER) and runs the agent loop:
 *   optimize → progress → finalize with notes → candidates → save + promote → roll back;
 * - with a viewer token (--token) it refuses optimize/promote with the API's 403; with a token
 *   limited to another workflow (FLOWTUNE_TOKEN) it refuses that workflow;
 * - stdout carries only JSON-RPC lines, and the process exits by itself when stdin closes;
 * - a bad token is a usage error (exit 2) before anything is served.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MCP_TOOLS } from "../server/mcp/index.js";
import { ok, optimizeFlow, QA_CONFIG, refused } from "../server/mcp/test-mcp.js";
import { createAppServices } from "../server/services/app.js";
import { mintToken } from "../server/test-http.js";

const BIN = path.resolve("bin/flowtune.js");
let dir: string;
let dbUrl: string;
const secrets = { viewer: "", limited: "" };
const open: Array<{ client: Client; transport: StdioClientTransport }> = [];

/** The child's environment: the caller's, minus anything that would change who it acts as or what it seeds. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("FLOWTUNE_") && k !== "DATABASE_URL") env[k] = v;
  // Not 0: at latency 0 the sim never yields to timers, and a background optimization would starve stdin.
  return { ...env, DATABASE_URL: dbUrl, FLOWTUNE_SIM_LATENCY_SCALE: "0.05", USER: "mcp-tester", NO_COLOR: "1", ...extra };
}

/** Spawns `flowtune mcp <args>` and connects the SDK client to it. */
async function connect(args: string[] = [], env: Record<string, string> = {}): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, "mcp", ...args], env: childEnv(env), stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: "flowtune-cli-test", version: "1.0.0" });
  await client.connect(transport);
  open.push({ client, transport });
  return { client, transport, stderr: () => stderr };
}

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-mcp-cli-"));
  dbUrl = `file:${path.join(dir, "cli.db")}`;
  const services = await createAppServices({ databaseUrl: dbUrl });
  try {
    secrets.viewer = (await mintToken(services, "vera", "viewer")).secret;
    secrets.limited = (await mintToken(services, "tri", "editor", { workflows: ["triage"] })).secret;
  } finally {
    await services.close();
  }
}, 60_000);

afterAll(async () => {
  for (const { client, transport } of open) {
    const pid = transport.pid;
    await client.close().catch(() => undefined);
    if (pid !== null && alive(pid)) process.kill(pid, "SIGKILL");
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("flowtune mcp (stdio)", () => {
  it("serves every tool as the local user and runs optimize → progress → finalize → candidates → save + promote", async () => {
    const { client, transport, stderr } = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(MCP_TOOLS.map((t) => t.name));
    // A fresh database got the examples, as the server seeds them.
    expect(((await ok(client, "list_workflows")).workflows as Array<{ id: string }>).map((w) => w.id)).toContain("qa");
    await optimizeFlow(client, "qa");
    expect(stderr()).toMatch(/serving on stdio as "mcp-tester" \(admin\)/);
    // Closing the client ends the process (stdin closes; the database is closed cleanly).
    const pid = transport.pid!;
    await client.close();
    await expect.poll(() => alive(pid), { timeout: 15_000 }).toBe(false);
    // The promotion and the rollback are in the audit trail under the local user's name.
    const services = await createAppServices({ databaseUrl: dbUrl });
    try {
      const audit = await services.parameters.audit("qa", { nodeId: "answer", limit: 10 });
      expect(audit.filter((e) => e.actor === "mcp-tester").map((e) => e.action)).toEqual(expect.arrayContaining(["promote", "rollback"]));
    } finally {
      await services.close();
    }
  }, 180_000);

  it("acts as a viewer token (--token): reads, but optimize and promote are refused with the API's 403", async () => {
    const { client, stderr } = await connect(["--token", secrets.viewer]);
    expect(((await ok(client, "list_workflows")).workflows as unknown[]).length).toBeGreaterThan(0);
    const { runs } = (await ok(client, "list_optimizations")) as { runs: Array<{ runId: string }> };
    expect(await ok(client, "get_optimization_progress", { runId: runs[0].runId })).toMatchObject({ status: "completed", finalized: true });
    for (const [name, args] of [
      ["start_optimization", { workflowId: "qa", config: QA_CONFIG, dataset: "qa" }],
      ["promote_version", { workflowId: "qa", nodeId: "answer", version: 2, reason: "viewer tries" }],
      ["promote_candidate", { runId: runs[0].runId, index: 0, reason: "viewer tries" }],
    ] as Array<[string, Record<string, unknown>]>) {
      expect(await refused(client, name, args), name).toMatchObject({ code: "FORBIDDEN", httpStatus: 403, message: '"vera" has role viewer; this needs editor' });
    }
    expect(((await ok(client, "list_optimizations")) as { runs: unknown[] }).runs).toHaveLength(runs.length);
    expect(stderr()).toMatch(/serving on stdio as "vera" \(viewer\)/);
  }, 60_000);

  it("respects a limited token's workflow grants (FLOWTUNE_TOKEN)", async () => {
    const { client } = await connect([], { FLOWTUNE_TOKEN: secrets.limited });
    expect(((await ok(client, "list_workflows")).workflows as Array<{ id: string }>).map((w) => w.id)).toEqual(["triage"]);
    expect(await refused(client, "start_optimization", { workflowId: "qa", config: QA_CONFIG, dataset: "qa" })).toMatchObject({ code: "FORBIDDEN", message: '"tri" has no grant for workflow "qa"' });
  }, 60_000);

  it("writes only JSON-RPC to stdout and exits by itself when stdin closes", async () => {
    const child = spawn(process.execPath, [BIN, "mcp"], { env: childEnv(), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_workflow_nodes", arguments: { workflowId: "nope" } } });
    send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "run_workflow", arguments: { workflowId: "qa", inputs: { question: "What is 2 + 3?" } } } });
    await expect.poll(() => stdout.split("\n").filter(Boolean).length, { timeout: 60_000 }).toBe(3);
    child.stdin.end();
    expect(await exited).toBe(0);
    const lines = stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { jsonrpc: string; id: number; result: { isError?: boolean; structuredContent?: Record<string, unknown> } });
    expect(lines.map((l) => [l.jsonrpc, l.id])).toEqual([["2.0", 1], ["2.0", 2], ["2.0", 3]]);
    expect(lines[1].result).toMatchObject({ isError: true, structuredContent: { error: { code: "NOT_FOUND" } } });
    expect(lines[2].result.structuredContent).toMatchObject({ status: "succeeded" });
    // The banner went to stderr, not into the protocol stream.
    expect(stderr).toMatch(/serving on stdio/);
  }, 90_000);

  it("refuses a bad token before serving anything (exit 2)", async () => {
    const child = spawn(process.execPath, [BIN, "mcp", "--token", "ft_not_a_token"], { env: childEnv(), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/invalid, expired or revoked API token \(--token or FLOWTUNE_TOKEN\)/);
  }, 60_000);
});
