// Tokens, login codes, sessions and request authentication on a real SQLite database.
import { mkdtempSync, rmSync } from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { authenticateRequest, CSRF_HEADER, parseCookies, SESSION_COOKIE } from "./http.js";
import type { Principal } from "./principal.js";
import { RateLimiter } from "./rate-limit.js";
import { ROLES } from "./roles.js";
import { assertMayGrant, grantWithin, normalizeWorkflows } from "./scope.js";
import { sha256Hex } from "./secret-hash.js";
import { AuthService } from "./service.js";

let dir: string;
let db: FlowtuneDatabase;
let auth: AuthService;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-auth-"));
  db = await openDatabase({ url: `file:${path.join(dir, "a.db")}` });
  auth = new AuthService(db.prisma, { policy: { startsPerMinute: 60, startBurst: 2, loginFailuresPerMinute: 3 } });
});

afterAll(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A minimal request as authenticateRequest reads it. */
function request(method: string, headers: Record<string, string>): http.IncomingMessage {
  return { method, headers: { host: "127.0.0.1:5175", ...headers }, socket: { remoteAddress: "127.0.0.1" } } as unknown as http.IncomingMessage;
}

describe("API tokens", () => {
  it("stores only a hash of the secret and resolves the secret to its principal", async () => {
    const { token, secret } = await auth.createToken({ name: "ci", role: "editor", workflows: ["qa", "qa"] }, "admin");
    expect(secret).toMatch(/^ft_[A-Za-z0-9_-]{40,}$/);
    expect(token.workflows).toEqual(["qa"]);
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.secretHash).toBe(sha256Hex(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(await auth.fromBearer(secret)).toEqual({ id: token.id, name: "ci", role: "editor", workflows: ["qa"], via: "token" });
    const events = await auth.log.list();
    expect(events[0]).toMatchObject({ action: "token.created", actor: "admin", target: token.id });
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it("refuses unknown, revoked and expired tokens", async () => {
    await expect(auth.fromBearer("ft_nope")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const { token, secret } = await auth.createToken({ name: "old", role: "viewer" }, "admin");
    expect(await auth.revokeToken(token.id, "admin")).toBe(true);
    await expect(auth.fromBearer(secret)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const expired = await auth.createToken({ name: "exp", role: "viewer", expiresAt: new Date(Date.now() - 1000) }, "admin");
    await expect(auth.fromBearer(expired.secret)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await auth.revokeToken("tok_missing", "admin")).toBe(false);
  });
});

describe("login codes and sessions", () => {
  it("a login code opens one session, once", async () => {
    const url = await auth.loginUrl("http://127.0.0.1:5175/");
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:5175\/login#code=ftl_/);
    const code = url.split("#code=")[1];
    const { cookie, session } = await auth.login({ code }, "1.2.3.4");
    expect(session.principal).toMatchObject({ name: "owner", role: "admin", workflows: null, via: "session" });
    expect((await auth.fromCookie(cookie))?.principal.name).toBe("owner");
    await expect(auth.login({ code }, "1.2.3.4")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("a token's session carries its role and grants and ends when the token is revoked", async () => {
    const { token, secret } = await auth.createToken({ name: "eve", role: "viewer", workflows: ["triage"] }, "admin");
    const { cookie } = await auth.login({ token: secret }, "1.2.3.5");
    expect((await auth.fromCookie(cookie))?.principal).toMatchObject({ id: token.id, role: "viewer", workflows: ["triage"] });
    await auth.revokeToken(token.id, "admin");
    expect(await auth.fromCookie(cookie)).toBeUndefined();
  });

  it("rate-limits failed sign-ins per client address", async () => {
    for (let i = 0; i < 3; i++) await expect(auth.login({ token: "ft_bad" }, "9.9.9.9")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(auth.login({ token: "ft_bad" }, "9.9.9.9")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await expect(auth.login({ token: "ft_bad" }, "8.8.8.8")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("authenticateRequest", () => {
  it("accepts a Bearer token and refuses a bad one or another scheme", async () => {
    const { secret } = await auth.createToken({ name: "bot", role: "editor" }, "admin");
    expect((await authenticateRequest(auth, request("POST", { authorization: `Bearer ${secret}` }))).principal?.name).toBe("bot");
    expect((await authenticateRequest(auth, request("GET", { authorization: "Bearer ft_wrong" }))).error?.code).toBe("UNAUTHENTICATED");
    expect((await authenticateRequest(auth, request("GET", { authorization: `Basic ${secret}` }))).error?.code).toBe("UNAUTHENTICATED");
    expect(await authenticateRequest(auth, request("GET", {}))).toEqual({ principal: null });
  });

  it("needs the CSRF header and the same origin for a cookie session's mutations, not its reads", async () => {
    const { cookie, session } = await auth.login({ code: await auth.sessions.createLoginCode() }, "1.2.3.6");
    const jar = `${SESSION_COOKIE}=${cookie}; other=1`;
    expect(parseCookies(jar)[SESSION_COOKIE]).toBe(cookie);
    expect((await authenticateRequest(auth, request("GET", { cookie: jar }))).principal?.name).toBe("owner");
    const noCsrf = await authenticateRequest(auth, request("POST", { cookie: jar }));
    expect(noCsrf.principal).toBeNull();
    expect(noCsrf.error?.code).toBe("FORBIDDEN");
    expect((await authenticateRequest(auth, request("POST", { cookie: jar, [CSRF_HEADER]: "wrong" }))).error?.code).toBe("FORBIDDEN");
    const ok = await authenticateRequest(auth, request("POST", { cookie: jar, [CSRF_HEADER]: session.csrfToken, origin: "http://127.0.0.1:5175" }));
    expect(ok.principal?.name).toBe("owner");
    const crossSite = await authenticateRequest(auth, request("POST", { cookie: jar, [CSRF_HEADER]: session.csrfToken, origin: "https://evil.example" }));
    expect(crossSite.error?.code).toBe("FORBIDDEN");
    // A stale cookie is simply "not signed in".
    expect(await authenticateRequest(auth, request("GET", { cookie: `${SESSION_COOKIE}=fts_stale` }))).toEqual({ principal: null });
  });
});

describe("RateLimiter", () => {
  it("allows a burst, then refills at the per-minute rate", () => {
    let now = 0;
    const limiter = new RateLimiter(6, 2, () => now);
    expect(limiter.take("a").ok).toBe(true);
    expect(limiter.take("a").ok).toBe(true);
    const denied = limiter.take("a");
    expect(denied).toEqual({ ok: false, retryAfterSec: 10 });
    expect(limiter.take("b").ok).toBe(true);
    now += 10_000;
    expect(limiter.take("a").ok).toBe(true);
    expect(limiter.take("a").ok).toBe(false);
  });
});

describe("start rate per principal", () => {
  it("throws RATE_LIMITED with a retry delay once the burst is spent; the local principal is not limited", async () => {
    const p = { id: "tok_x", name: "x", role: "editor" as const, workflows: null, via: "token" as const };
    auth.takeStart(p);
    auth.takeStart(p);
    expect(() => auth.takeStart(p)).toThrow(expect.objectContaining({ code: "RATE_LIMITED", retryAfterSec: 1 }));
    const local = { ...p, id: "local", via: "local" as const };
    for (let i = 0; i < 5; i++) auth.takeStart(local);
  });
});

describe("credential scope", () => {
  const scoped = (role: Principal["role"], workflows: string[] | null, id = "tok_scoped"): Principal => ({ id, name: "scoped", role, workflows, via: "token" });

  it("grantWithin: role at most the outer one, workflows a subset; null and [] mean every workflow", () => {
    expect(grantWithin({ role: "viewer", workflows: ["a"] }, { role: "admin", workflows: null })).toBe(true);
    expect(grantWithin({ role: "admin", workflows: null }, { role: "admin", workflows: ["a"] })).toBe(false);
    expect(grantWithin({ role: "admin", workflows: [] }, { role: "admin", workflows: ["a"] })).toBe(false);
    expect(grantWithin({ role: "admin", workflows: ["a", "a"] }, { role: "admin", workflows: ["a", "b"] })).toBe(true);
    expect(grantWithin({ role: "admin", workflows: ["a"] }, { role: "editor", workflows: ["a"] })).toBe(false);
    expect(normalizeWorkflows([])).toBeNull();
    expect(normalizeWorkflows(["b", "a", "b"])).toEqual(["a", "b"]);
  });

  it("assertMayGrant refuses exactly the grants that are not within the principal's (property)", () => {
    const ids = fc.constantFrom("a", "b", "c");
    const grant = fc.record({ role: fc.constantFrom(...ROLES), workflows: fc.option(fc.array(ids, { maxLength: 4 }), { nil: null }) });
    fc.assert(
      fc.property(grant, grant, (outer, inner) => {
        const own = normalizeWorkflows(outer.workflows);
        let refused = false;
        try {
          assertMayGrant(scoped(outer.role, own), inner, "token");
        } catch (err) {
          expect(err).toMatchObject({ code: "FORBIDDEN" });
          refused = true;
        }
        expect(refused).toBe(!grantWithin(inner, { role: outer.role, workflows: own }));
      }),
      { numRuns: 500 },
    );
  });

  it("createTokenAs names the field that goes beyond the caller's scope and writes no token", async () => {
    const before = await db.prisma.apiToken.count();
    await expect(auth.createTokenAs(scoped("editor", null), { name: "x", role: "admin" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/role editor .* role admin \(field "role"\)/) });
    await expect(auth.createTokenAs(scoped("admin", ["triage"]), { name: "x", role: "viewer" })).rejects.toMatchObject({ message: expect.stringMatching(/without a "workflows" list/) });
    await expect(auth.createTokenAs(scoped("admin", ["triage"]), { name: "x", role: "viewer", workflows: [] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(auth.createTokenAs(scoped("admin", ["triage"]), { name: "x", role: "viewer", workflows: ["triage", "qa", "ops"] })).rejects.toMatchObject({ message: expect.stringMatching(/workflows \["ops","qa"\] named in "workflows"/) });
    const many = Array.from({ length: 1000 }, (_, i) => `wf_${String(i).padStart(4, "0")}_${"x".repeat(80)}`);
    const long = await auth.createTokenAs(scoped("admin", many.slice(0, 500)), { name: "x", role: "viewer", workflows: many }).catch((e: Error) => e);
    expect((long as Error).message).toMatch(/and 490 more named in "workflows" \(its grants: .* and 490 more\)/);
    expect((long as Error).message.length).toBeLessThan(3000);
    expect(await db.prisma.apiToken.count()).toBe(before);
    const ok = await auth.createTokenAs(scoped("admin", ["triage"]), { name: "child", role: "admin", workflows: ["triage"] });
    expect(ok.token).toMatchObject({ role: "admin", workflows: ["triage"], createdBy: "scoped" });
  });

  it("a token-backed caller cannot mint a token that outlives its own; the local principal is not capped", async () => {
    const parent = await auth.createToken({ name: "parent", role: "admin", expiresAt: new Date(Date.now() + 5 * 86_400_000) }, "admin");
    const p = scoped("admin", null, parent.token.id);
    await expect(auth.createTokenAs(p, { name: "forever", role: "viewer" })).rejects.toMatchObject({ message: expect.stringMatching(/"expiresInDays" to at most 4/) });
    await expect(auth.createTokenAs(p, { name: "later", role: "viewer", expiresAt: new Date(Date.now() + 6 * 86_400_000) })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(auth.createTokenAs(p, { name: "sooner", role: "viewer", expiresAt: new Date(Date.now() + 4 * 86_400_000) })).resolves.toBeTruthy();
    await expect(auth.createTokenAs({ ...p, id: "local", via: "local" }, { name: "cli", role: "admin" })).resolves.toBeTruthy();
    // Nor invite: the invited session would renew on use long after the inviter's token expired.
    const codes = await db.prisma.loginCode.count();
    await expect(auth.inviteAs(p, { name: "friend", role: "admin" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/would outlive it/) });
    expect(await db.prisma.loginCode.count()).toBe(codes);
  });

  it("revokeTokenAs and inviteAs stay within scope; refusals are logged and change nothing", async () => {
    const p = scoped("admin", ["triage"]);
    const wide = await auth.createToken({ name: "wide", role: "viewer" }, "admin");
    const mine = await auth.createToken({ name: "mine", role: "viewer", workflows: ["triage"] }, "admin");
    await expect(auth.revokeTokenAs(p, wide.token.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await auth.tokens.get(wide.token.id))?.revokedAt).toBeNull();
    expect(await auth.revokeTokenAs(p, mine.token.id)).toBe(true);
    expect(await auth.revokeTokenAs(p, "tok_missing")).toBe(false);
    expect((await auth.listTokensFor(p)).map((t) => t.id)).not.toContain(wide.token.id);

    const codes = await db.prisma.loginCode.count();
    await expect(auth.inviteAs(p, { name: "friend", role: "viewer" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(auth.inviteAs(scoped("editor", null), { name: "friend", role: "admin" })).rejects.toMatchObject({ message: expect.stringMatching(/field "role"/) });
    expect(await db.prisma.loginCode.count()).toBe(codes);
    expect(await auth.inviteAs(scoped("admin", null), { name: "friend", role: "viewer" })).toMatch(/^ftl_/);

    const actions = (await auth.log.list(20)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["token.revoke.refused", "invite.refused", "invite.created"]));
  });
});
