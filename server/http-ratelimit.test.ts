/**
 * Limits of the HTTP API on the real server (127.0.0.1:0, SQLite in a temp dir):
 * - the per-principal start rate (a token bucket over runs.start, runs.rerun, optimizations.start,
 *   optimizations.resume and REST optimize): 429 TOO_MANY_REQUESTS on tRPC, 429 RATE_LIMITED with
 *   Retry-After on REST; other principals are unaffected;
 * - the per-user cap on concurrent optimizations (429; another user is unaffected);
 * - the budget caps (400 naming the field above a cap; the cap applied when none is asked for);
 * - request body limits (REST 1 MB, tRPC MAX_TRPC_BODY_BYTES): 413.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TRPC_BODY_BYTES } from "./http.js";
import {
  bearer,
  mintToken,
  optimizationEnded,
  QA_INPUTS,
  qaOptimizeBody,
  qaOptimizeConfig,
  restCall,
  runEnded,
  startTestServer,
  trpcClient,
  trpcOutcome,
  type TestClient,
  type TestServer,
} from "./test-http.js";

/** A client for a fresh editor token of user `name` on `app`. */
async function editorClient(app: TestServer, name: string): Promise<{ client: TestClient; secret: string }> {
  const { secret } = await mintToken(app.services, name, "editor");
  return { client: trpcClient(app.url, bearer(secret)), secret };
}

describe("start rate limit (3 per minute, burst 3)", () => {
  let app: TestServer;
  beforeAll(async () => {
    app = await startTestServer("ratelimit", {
      // Not 0: at latency 0 the sim provider never yields to timers, and a long optimization starves the HTTP server.
      latencyScale: 0.05,
      authPolicy: { startsPerMinute: 3, startBurst: 3 },
      optimizationPolicy: { maxConcurrentPerUser: 100 },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("the 4th runs.start by one token is 429 TOO_MANY_REQUESTS; another token is unaffected", async () => {
    const { client } = await editorClient(app, "alice");
    for (let i = 0; i < 3; i++) {
      expect(await trpcOutcome(client.runs.start.mutate({ workflowId: "qa", inputs: QA_INPUTS })), `start ${i + 1}`).toMatchObject({ ok: true });
    }
    const fourth = await trpcOutcome(client.runs.start.mutate({ workflowId: "qa", inputs: QA_INPUTS }));
    expect(fourth).toMatchObject({ ok: false, status: 429, code: "TOO_MANY_REQUESTS" });

    const { client: other } = await editorClient(app, "bob");
    const started = await trpcOutcome(other.runs.start.mutate({ workflowId: "qa", inputs: QA_INPUTS }));
    expect(started).toMatchObject({ ok: true });
    // Reads are not rate-limited.
    expect(await trpcOutcome(client.workflows.get.query({ id: "qa" }))).toMatchObject({ ok: true });
  });

  it("REST optimize: the 4th start is 429 RATE_LIMITED with Retry-After; another token is unaffected", async () => {
    const { secret } = await editorClient(app, "carol");
    for (let i = 0; i < 3; i++) {
      const res = await restCall(app.url, "POST", "/api/workflows/qa/optimize", { headers: bearer(secret), body: qaOptimizeBody(2) });
      expect(res.status, `start ${i + 1}: ${JSON.stringify(res.body)}`).toBe(202);
    }
    const limited = await restCall(app.url, "POST", "/api/workflows/qa/optimize", { headers: bearer(secret), body: qaOptimizeBody(2) });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.any(String) } });
    const retryAfter = limited.headers?.get("retry-after");
    expect(retryAfter).toMatch(/^\d+$/);
    // 3 per minute: the next token arrives within 20 s.
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(20);

    const { secret: other } = await editorClient(app, "dave");
    const res = await restCall(app.url, "POST", "/api/workflows/qa/optimize", { headers: bearer(other), body: qaOptimizeBody(2) });
    expect(res.status).toBe(202);
  });

  it("runs and optimizations share one bucket: rerun, optimizations.start/resume and REST optimize all count", async () => {
    const { client, secret } = await editorClient(app, "erin");
    const { runId } = await client.runs.start.mutate({ workflowId: "qa", inputs: QA_INPUTS });
    expect(await runEnded(app.services, runId)).toBe("succeeded");
    expect(await trpcOutcome(client.runs.rerun.mutate({ runId, fromNodeId: "grade" }))).toMatchObject({ ok: true });
    expect(await trpcOutcome(client.optimizations.start.mutate({ workflowId: "qa", config: qaOptimizeConfig(2), dataset: "qa" }))).toMatchObject({ ok: true });
    // The bucket is empty now: every kind of start is refused.
    expect(await trpcOutcome(client.runs.start.mutate({ workflowId: "qa", inputs: QA_INPUTS }))).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS" });
    expect(await trpcOutcome(client.runs.rerun.mutate({ runId, fromNodeId: "grade" }))).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS" });
    expect(await trpcOutcome(client.optimizations.start.mutate({ workflowId: "qa", config: qaOptimizeConfig(2), dataset: "qa" }))).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS" });
    const rest = await restCall(app.url, "POST", "/api/workflows/qa/optimize", { headers: bearer(secret), body: qaOptimizeBody(2) });
    expect(rest).toMatchObject({ status: 429, code: "RATE_LIMITED" });

    // optimizations.resume counts too (on a cancelled, resumable optimization).
    const { runId: optId } = await app.services.optimizer.start({ workflowId: "qa", config: qaOptimizeConfig(12), dataset: "qa", actor: "test" });
    await app.services.optimizer.cancel(optId);
    expect(await optimizationEnded(app.services, optId)).toBe("cancelled");
    expect(await trpcOutcome(client.optimizations.resume.mutate({ runId: optId }))).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS" });
    const { client: fresh } = await editorClient(app, "frank");
    expect(await trpcOutcome(fresh.optimizations.resume.mutate({ runId: optId }))).toMatchObject({ ok: true });
    await fresh.optimizations.cancel.mutate({ runId: optId });
  });
});

describe("concurrent optimizations per user (max 1)", () => {
  let app: TestServer;
  beforeAll(async () => {
    // Slow enough that a 12-candidate optimization runs for seconds.
    app = await startTestServer("concurrency", { latencyScale: 0.5, optimizationPolicy: { maxConcurrentPerUser: 1 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("a second optimizations.start by the same user while the first runs is 429; another user is allowed; after cancel the user may start again", async () => {
    const { client: alice, secret: aliceSecret } = await editorClient(app, "alice");
    const { client: bob } = await editorClient(app, "bob");
    const first = await alice.optimizations.start.mutate({ workflowId: "qa", config: qaOptimizeConfig(12), dataset: "qa" });
    expect((await alice.optimizations.get.query({ runId: first.runId })).status).toBe("running");

    const second = await trpcOutcome(alice.optimizations.start.mutate({ workflowId: "qa", config: qaOptimizeConfig(12), dataset: "qa" }));
    expect(second).toMatchObject({ ok: false, status: 429, code: "TOO_MANY_REQUESTS" });
    const rest = await restCall(app.url, "POST", "/api/workflows/qa/optimize", { headers: bearer(aliceSecret), body: qaOptimizeBody(12) });
    expect(rest).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    expect(rest.headers?.get("retry-after")).toMatch(/^\d+$/);

    const bobs = await trpcOutcome(bob.optimizations.start.mutate({ workflowId: "qa", config: qaOptimizeConfig(12), dataset: "qa" }));
    expect(bobs).toMatchObject({ ok: true });
    // Still only the first of alice's is running.
    expect((await alice.optimizations.get.query({ runId: first.runId })).status).toBe("running");

    await alice.optimizations.cancel.mutate({ runId: first.runId });
    expect(await optimizationEnded(app.services, first.runId)).toBe("cancelled");
    const again = await trpcOutcome(alice.optimizations.start.mutate({ workflowId: "qa", config: qaOptimizeConfig(12), dataset: "qa" }));
    expect(again).toMatchObject({ ok: true });

    for (const o of [bobs, again]) if (o.ok) await app.services.optimizer.cancel((o.data as { runId: string }).runId);
  });
});

describe("budget caps and body limits", () => {
  let app: TestServer;
  let client: TestClient;
  let secret: string;
  beforeAll(async () => {
    app = await startTestServer("budgets", { latencyScale: 0.05, optimizationPolicy: { maxConcurrentPerUser: 100, maxBudgetTokens: 50_000, maxBudgetCostUsd: 2 } });
    ({ client, secret } = await editorClient(app, "alice"));
  });
  afterAll(async () => {
    await app?.close();
  });

  /** The stored limits of an optimization. */
  async function limitsOf(runId: string): Promise<Record<string, unknown>> {
    const run = await client.optimizations.get.query({ runId });
    return (run.config as { limits: Record<string, unknown> }).limits;
  }

  it("a budgetTokens above the cap is 400 naming config.limits.budgetTokens", async () => {
    const res = await trpcOutcome(client.optimizations.start.mutate({ workflowId: "qa", config: qaOptimizeConfig(2, { budgetTokens: 100_000 }), dataset: "qa" }));
    expect(res).toMatchObject({ ok: false, status: 400, code: "BAD_REQUEST" });
    const raw = await fetch(`${app.url}/trpc/optimizations.start`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(secret) },
      body: JSON.stringify({ workflowId: "qa", config: qaOptimizeConfig(2, { budgetTokens: 100_000 }), dataset: "qa" }),
    });
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: { message: string; data: { issues: Array<{ field?: string }> | null } } };
    const named = (body.error.data.issues ?? []).some((i) => i.field === "config.limits.budgetTokens") || body.error.message.includes("config.limits.budgetTokens");
    expect(named, JSON.stringify(body.error)).toBe(true);
  });

  it("a budgetCostUsd above the cap is 400 naming config.limits.budgetCostUsd", async () => {
    const raw = await fetch(`${app.url}/trpc/optimizations.start`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(secret) },
      body: JSON.stringify({ workflowId: "qa", config: qaOptimizeConfig(2, { budgetCostUsd: 5 }), dataset: "qa" }),
    });
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: { message: string; data: { issues: Array<{ field?: string }> | null } } };
    const named = (body.error.data.issues ?? []).some((i) => i.field === "config.limits.budgetCostUsd") || body.error.message.includes("config.limits.budgetCostUsd");
    expect(named, JSON.stringify(body.error)).toBe(true);
  });

  it("no budget asked for → the caps are applied; a budget under the cap is kept", async () => {
    const { runId } = await client.optimizations.start.mutate({ workflowId: "qa", config: qaOptimizeConfig(2), dataset: "qa" });
    expect(await limitsOf(runId)).toMatchObject({ budgetTokens: 50_000, budgetCostUsd: 2 });
    const under = await client.optimizations.start.mutate({ workflowId: "qa", config: qaOptimizeConfig(2, { budgetTokens: 1_000 }), dataset: "qa" });
    expect(await limitsOf(under.runId)).toMatchObject({ budgetTokens: 1_000, budgetCostUsd: 2 });
    // REST: the qa optimizer node's own budget (200,000 tokens) is the default, and it is over the cap: a 400 naming the field.
    const over = await restCall(app.url, "POST", "/api/workflows/qa/optimize", { headers: bearer(secret), body: qaOptimizeBody(2) });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ error: { issues: [{ path: "limits.max_tokens", message: expect.stringMatching(/200000 exceeds this server's cap of 50,?000/) }] } });
    // A budget under the cap is kept, and the cost cap the body does not name is applied.
    const rest = await restCall(app.url, "POST", "/api/workflows/qa/optimize", { headers: bearer(secret), body: { ...qaOptimizeBody(2), limits: { iterations: 2, max_tokens: 10_000 } } });
    expect(rest.status, JSON.stringify(rest.body)).toBe(202);
    expect(await limitsOf((rest.body as { run_id: string }).run_id)).toMatchObject({ budgetTokens: 10_000, budgetCostUsd: 2 });
  });

  it("a REST body over 1 MB is 413 PAYLOAD_TOO_LARGE", async () => {
    const raw = JSON.stringify({ ...qaOptimizeBody(2), pad: "x".repeat(1024 * 1024 + 1) });
    const res = await restCall(app.url, "POST", "/api/workflows/qa/optimize", { headers: bearer(secret), raw });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  });

  it("a tRPC body over the tRPC limit (a 20 MB dataset import) is 413", async () => {
    expect(MAX_TRPC_BODY_BYTES).toBeLessThan(20 * 1024 * 1024);
    const text = `${JSON.stringify({ question: "x".repeat(20 * 1024 * 1024), expected: "1" })}\n`;
    const res = await trpcOutcome(client.datasets.import.mutate({ name: "huge", fileName: "huge.jsonl", text }));
    expect(res).toMatchObject({ ok: false, status: 413, code: "PAYLOAD_TOO_LARGE" });
    // Nothing was stored.
    expect((await client.datasets.list.query()).some((d: { name: string }) => d.name === "huge")).toBe(false);
  });
});
