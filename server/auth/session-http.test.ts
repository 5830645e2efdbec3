// The editor's sign-in over real HTTP: login link → HttpOnly cookie → CSRF-checked mutations → logout.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFlowtuneServer, type RunningServer } from "../http.js";
import { createAppServices, type AppServices } from "../services/app.js";
import { CSRF_HEADER } from "./http.js";

let dir: string;
let services: AppServices;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-session-"));
  services = await createAppServices({ databaseUrl: `file:${path.join(dir, "x.db")}`, latencyScale: 0, seedExamples: true });
  server = await startFlowtuneServer({ services, host: "127.0.0.1", port: 0, staticDir: dir });
});

afterAll(async () => {
  await server?.close(100);
  await services?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function post(urlPath: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${urlPath}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

describe("browser sessions", () => {
  it("exchanges a one-time login link for an HttpOnly SameSite cookie; mutations need the CSRF header", async () => {
    const url = await services.auth.loginUrl(server.url);
    const code = new URL(url).hash.replace("#code=", "");

    const login = await post("/api/auth/login", { code });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^flowtune_session=fts_[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const { user, csrfToken } = (await login.json()) as { user: { name: string; role: string }; csrfToken: string };
    expect(user).toEqual({ name: "owner", role: "admin", workflows: null });
    const cookie = setCookie.split(";")[0];

    // The link is single-use.
    expect((await post("/api/auth/login", { code })).status).toBe(401);

    const session = await fetch(`${server.url}/api/auth/session`, { headers: { cookie } });
    expect(await session.json()).toEqual({ user, csrfToken });

    // Reads need only the cookie.
    const list = await fetch(`${server.url}/trpc/workflows.list`, { headers: { cookie } });
    expect(list.status).toBe(200);

    // A mutation with the cookie alone (what a forged cross-site form would send) is refused.
    const start = { workflowId: "qa", inputs: { question: "What is 2 plus 3?", expected: "5" } };
    const forged = await post("/trpc/runs.start", start, { cookie });
    expect(forged.status).toBe(403);
    expect(JSON.stringify(await forged.json())).toContain(CSRF_HEADER);
    const crossOrigin = await post("/trpc/runs.start", start, { cookie, [CSRF_HEADER]: csrfToken, origin: "https://evil.example" });
    expect(crossOrigin.status).toBe(403);
    const ok = await post("/trpc/runs.start", start, { cookie, [CSRF_HEADER]: csrfToken });
    expect(ok.status).toBe(200);

    // Logout needs the CSRF header too, then the cookie is dead.
    expect((await post("/api/auth/logout", {}, { cookie })).status).toBe(403);
    const out = await post("/api/auth/logout", {}, { cookie, [CSRF_HEADER]: csrfToken });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await fetch(`${server.url}/api/auth/session`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${server.url}/trpc/workflows.list`, { headers: { cookie } })).status).toBe(401);
  });

  it("signs in with an API token, with that token's role", async () => {
    const { secret } = await services.auth.createToken({ name: "vera", role: "viewer" }, "test");
    const login = await post("/api/auth/login", { token: secret });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const res = await post("/trpc/runs.start", { workflowId: "qa", inputs: {} }, { cookie, [CSRF_HEADER]: csrfToken });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/role viewer; this needs editor/);
  });

  it("checks credentials before looking at the input (no unauthenticated parsing or validation)", async () => {
    const anon = await post("/trpc/workflows.create", { graph: { nodes: "not a graph" } });
    expect(anon.status).toBe(401);
    const { secret } = await services.auth.createToken({ name: "v2", role: "viewer" }, "test");
    const viewer = await post("/trpc/workflows.create", { graph: { nodes: "not a graph" } }, { authorization: `Bearer ${secret}` });
    expect(viewer.status).toBe(403);
    const rest = await post("/api/workflows/qa/optimize", { nonsense: true });
    expect(rest.status).toBe(401);
    expect(rest.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("answers 400 for a malformed login body and 401 for a bad credential", async () => {
    expect((await post("/api/auth/login", { code: "x", token: "y" })).status).toBe(400);
    const bad = await post("/api/auth/login", { token: "ft_nope" });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
  });
});
