/**
 * Internal errors over HTTP (issue 9, finding 5): a real database failure (a table gone under the
 * running server) reaches tRPC and REST clients as a code, "internal error (ref <id>)" and the
 * correlation id — no file path, no source excerpt, no stack — while the server logs the full
 * error under the same id.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatInternalError } from "./safe-errors.js";
import { bearer, mintToken, restCall, startTestServer, type TestServer } from "./test-http.js";

let app: TestServer;
let secret: string;
const logged: string[] = [];

beforeAll(async () => {
  app = await startTestServer("errors", { onError: (err, where) => logged.push(formatInternalError(err, where)) });
  ({ secret } = await mintToken(app.services, "ci", "editor"));
  // Break the database under the running server: the next optimization query fails inside Prisma.
  const other = new Database(app.services.db.path);
  other.exec(`ALTER TABLE "OptimizationRun" RENAME TO "OptimizationRunGone"`);
  other.close();
});

afterAll(async () => {
  const other = new Database(app.services.db.path);
  other.exec(`ALTER TABLE "OptimizationRunGone" RENAME TO "OptimizationRun"`);
  other.close();
  await app.close();
});

/** No absolute path, Prisma invocation header, code frame or stack frame. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\/(?:work|home|srv|tmp|Users)\/|server\/store|\.ts:\d+/);
  expect(text).not.toMatch(/invocation|→|\bat \S+ \(/);
}

describe("internal errors over HTTP", () => {
  it("tRPC: INTERNAL_SERVER_ERROR with a correlation id, nothing internal; the log has the full error under that id", async () => {
    const res = await fetch(`${app.url}/trpc/optimizations.get?input=${encodeURIComponent(JSON.stringify({ runId: "x" }))}`, { headers: bearer(secret) });
    expect(res.status).toBe(500);
    const text = await res.text();
    expectNoInternals(text);
    const { error } = JSON.parse(text) as { error: { message: string; data: { code: string; correlationId: string; stack?: string } } };
    expect(error.data.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.data.correlationId).toMatch(/^ref_[0-9a-f]{12}$/);
    expect(error.message).toBe(`internal error (ref ${error.data.correlationId})`);
    expect(error.data.stack).toBeUndefined();
    const line = logged.find((l) => l.includes(error.data.correlationId));
    expect(line, logged.join("\n")).toBeDefined();
    expect(line).toMatch(/trpc optimizations\.get/);
    expect(line).toMatch(/OptimizationRun/); // the server side keeps the real cause
  });

  it("REST: 500 with code INTERNAL, the correlation id in the body, nothing internal; logged under the same id", async () => {
    const res = await restCall(app.url, "GET", "/api/optimizations/x", { headers: bearer(secret) });
    expect(res.status).toBe(500);
    expectNoInternals(JSON.stringify(res.body));
    const { error } = res.body as { error: { code: string; message: string; correlationId: string } };
    expect(error.code).toBe("INTERNAL");
    expect(error.correlationId).toMatch(/^ref_[0-9a-f]{12}$/);
    expect(error.message).toBe(`internal error (ref ${error.correlationId})`);
    expect(logged.some((l) => l.includes(error.correlationId) && l.includes("rest GET"))).toBe(true);
  });
});

describe("refused inputs over HTTP", () => {
  it("a zod input error is one readable line naming the fields, with the located issues beside it", async () => {
    const res = await fetch(`${app.url}/trpc/workflows.create`, {
      method: "POST",
      headers: { ...bearer(secret), "content-type": "application/json" },
      body: JSON.stringify({ graph: 42, note: 7 }),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; data: { issues: Array<{ field?: string }> } } };
    expect(error.message).toMatch(/^invalid input: /);
    expect(error.message).not.toMatch(/[\n{[]/);
    expect(error.data.issues.length).toBeGreaterThan(0);
  });

  it("a token name with a control character is refused naming the field; no token is created", async () => {
    const { secret: admin } = await mintToken(app.services, "root", "admin");
    const count = () => app.services.db.prisma.apiToken.count();
    const before = await count();
    const res = await fetch(`${app.url}/trpc/auth.tokens.create`, {
      method: "POST",
      headers: { ...bearer(admin), "content-type": "application/json" },
      body: JSON.stringify({ name: "ci\u202Egnp.exe", role: "viewer" }),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toMatch(/name: .*U\+202E/);
    expect(await count()).toBe(before);
  });
});
