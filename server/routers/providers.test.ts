/**
 * The providers router through createCaller on real app services: stored openai-compatible
 * providers with encrypted keys, the SSRF check on base URLs, and runs that reach them.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Graph } from "../../engine/browser.js";
import { errorBody, startTestServer, type TestServer } from "../../engine/providers/test-server.js";
import type { Principal } from "../auth/principal.js";
import { createCaller } from "../router.js";
import { expectTRPCError, useTestApp } from "../test-app.js";
import { createContext } from "../trpc.js";

const KEY = "sk-router-test-0123456789abcdefXYZ";
const app = useTestApp("providers");

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const as = (role: Principal["role"], name = `${role}-user`) =>
  createCaller(createContext(app.services, { id: `tok_${role}`, name, role, workflows: null, via: "token" }));

/** input → ai (the stored provider) → output. */
function graph(id: string, provider: string): Graph {
  return {
    version: 1,
    id,
    name: id,
    nodes: [
      { id: "in", kind: "input", position: { x: 0, y: 0 }, config: { fields: [{ name: "q", type: "string" }] } },
      { id: "ask", kind: "ai", position: { x: 200, y: 0 }, config: { provider, model: "remote-model", prompt: "{{ inputs.q }}" } },
      { id: "out", kind: "output", position: { x: 400, y: 0 }, config: { fields: { answer: "{{ nodes.ask.text }}" } } },
    ],
    edges: [
      { id: "in-ask", source: "in", target: "ask", kind: "pipeline" },
      { id: "ask-out", source: "ask", target: "out", kind: "pipeline" },
    ],
  } as unknown as Graph;
}

/** Runs a saved workflow to its end and returns the run as the API shows it. */
async function runToEnd(workflowId: string) {
  const { runId } = await app.caller.runs.start({ workflowId, inputs: { q: "hello" } });
  await app.services.runs.handle(runId)?.result;
  return app.caller.runs.get({ runId });
}

describe("providers router", () => {
  it("upserts and lists a provider without ever returning the key; the row holds ciphertext", async () => {
    const saved = await as("admin", "alice").providers.upsert({ id: "local", baseUrl: server.baseUrl, apiKey: KEY, allowPrivateNetwork: true });
    expect(saved).toMatchObject({ id: "local", kind: "openai-compatible", baseUrl: server.baseUrl, hasApiKey: true, allowPrivateNetwork: true, updatedBy: "alice" });
    const listed = await as("viewer").providers.list();
    expect(listed).toEqual([saved]);
    const responses = JSON.stringify([saved, listed, await as("admin").providers.upsert({ id: "local", baseUrl: server.baseUrl, allowPrivateNetwork: true })]);
    expect(responses).not.toContain(KEY);
    expect(responses).not.toContain("apiKeyEncrypted");

    const row = await app.services.db.prisma.providerConfig.findUniqueOrThrow({ where: { id: "local" } });
    expect(row.apiKeyEncrypted).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row.apiKeyEncrypted).not.toContain(KEY);
    expect(app.services.providers.ids()).toContain("local");
    // No FLOWTUNE_SECRET_KEY here: the master key was generated beside the database, owner-only.
    if (process.platform !== "win32") expect(statSync(path.join(app.dir, "secret.key")).mode & 0o777).toBe(0o600);

    const events = await app.services.auth.log.list();
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["provider.create", "provider.update"]));
    expect(JSON.stringify(events)).not.toContain(KEY);
  });

  it("refuses link-local and metadata base URLs even with allowPrivateNetwork", async () => {
    const admin = as("admin");
    for (const baseUrl of ["http://169.254.169.254/latest/meta-data", "http://169.254.1.1/v1", "http://[fd00:ec2::254]/v1", "http://metadata.google.internal/v1", "http://[fe80::1]/v1", "http://0.0.0.0:11434/v1"]) {
      const err = await expectTRPCError(admin.providers.upsert({ id: "evil", baseUrl, apiKey: KEY, allowPrivateNetwork: true }), "BAD_REQUEST");
      expect(err.message, baseUrl).toMatch(/always refused/);
    }
    expect(await app.services.db.prisma.providerConfig.count({ where: { id: "evil" } })).toBe(0);
  });

  it("refuses 127.0.0.1 without allowPrivateNetwork and accepts it with", async () => {
    const admin = as("admin");
    const err = await expectTRPCError(admin.providers.upsert({ id: "loop", baseUrl: "http://127.0.0.1:11434/v1", allowPrivateNetwork: false }), "BAD_REQUEST");
    expect(err.message).toMatch(/127\.0\.0\.1 is a loopback address.*allowPrivateNetwork/);
    await expect(admin.providers.upsert({ id: "loop", baseUrl: "http://127.0.0.1:11434/v1", allowPrivateNetwork: true })).resolves.toMatchObject({ hasApiKey: false });
    await admin.providers.delete({ id: "loop" });
  });

  it("validates input and enforces roles", async () => {
    await expectTRPCError(as("admin").providers.upsert({ id: "has space", baseUrl: server.baseUrl, allowPrivateNetwork: true }), "BAD_REQUEST");
    await expectTRPCError(as("admin").providers.upsert({ id: "x", baseUrl: `http://a/${"p".repeat(2001)}`, allowPrivateNetwork: true }), "BAD_REQUEST");
    await expectTRPCError(as("admin").providers.upsert({ id: "x", baseUrl: server.baseUrl, apiKey: "k".repeat(4001), allowPrivateNetwork: true }), "BAD_REQUEST");
    await expectTRPCError(as("admin").providers.upsert({ id: "sim", baseUrl: server.baseUrl, allowPrivateNetwork: true }), "CONFLICT");
    await expectTRPCError(as("editor").providers.upsert({ id: "x", baseUrl: server.baseUrl, allowPrivateNetwork: true }), "FORBIDDEN");
    await expectTRPCError(as("editor").providers.delete({ id: "local" }), "FORBIDDEN");
    await expectTRPCError(as("admin").providers.delete({ id: "nope" }), "NOT_FOUND");
  });

  it("a run through the stored provider reaches the endpoint with the decrypted key", async () => {
    server.reset();
    server.setFallback({});
    await app.caller.workflows.save({ graph: graph("via_local", "local") });
    const run = await runToEnd("via_local");
    expect(run.status).toBe("succeeded");
    expect(run.outputs).toEqual({ out: { answer: "ok" } });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].url).toBe("/v1/chat/completions");
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[0].body.model).toBe("remote-model");
  });

  it("an upstream error message containing the key comes back redacted", async () => {
    server.reset();
    server.setFallback({ status: 401, body: errorBody(`Incorrect API key provided: ${KEY}. Authorization: Bearer ${KEY}`) });
    const run = await runToEnd("via_local");
    expect(run.status).toBe("failed");
    const shown = JSON.stringify(run);
    expect(shown).toContain("HTTP 401");
    expect(shown).not.toContain(KEY);
    // The stored trace (run events) holds only the redacted message too.
    expect(JSON.stringify(await app.services.history.getEvents(run.id))).not.toContain(KEY);
    // What the error formatter applies to every API error message.
    expect(app.services.redact(`upstream said: ${KEY}`)).toBe("upstream said: [redacted]");
  });

  it("deletes a stored provider; runs through it are then refused at start, naming the node", async () => {
    await as("admin").providers.delete({ id: "local" });
    expect(await as("viewer").providers.list()).toEqual([]);
    expect(app.services.providers.get("local")).toBeUndefined();
    const before = (await app.caller.runs.list({ workflowId: "via_local" })).runs.length;
    const err = await expectTRPCError(app.caller.runs.start({ workflowId: "via_local", inputs: { q: "hello" } }), "BAD_REQUEST");
    expect(err.message).toMatch(/node "ask" field config\.provider: provider "local" is not configured — add it under Providers \(available: sim\)/);
    expect((await app.caller.runs.list({ workflowId: "via_local" })).runs).toHaveLength(before);
    // The key stays redacted after deletion: it may still be valid upstream.
    expect(app.services.redact(KEY)).toBe("[redacted]");
  });
});
