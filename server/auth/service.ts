/**
 * Authentication for the HTTP API: API tokens (Bearer), browser sessions (cookie + CSRF token),
 * one-time login codes, the security log, and the per-principal rate limits on starting work.
 */
import type { PrismaClient } from "../../generated/prisma/client.js";
import { envNumber } from "../env.js";
import { AccessError, unauthenticated } from "./errors.js";
import type { Principal } from "./principal.js";
import { RateLimiter } from "./rate-limit.js";
import type { Role } from "./roles.js";
import { SecurityLog } from "./security-log.js";
import { SessionStore, type SessionInfo, type SessionOptions } from "./sessions.js";
import { TokenStore, tokenPrincipal, type CreateTokenInput, type TokenInfo } from "./tokens.js";

export interface AuthPolicy {
  /** Runs and optimizations one principal may start per minute (a token bucket; default 60). */
  startsPerMinute: number;
  /** How many starts may come at once before the per-minute rate applies (default 20). */
  startBurst: number;
  /** Failed sign-ins accepted per client address per minute before 429 (default 10). */
  loginFailuresPerMinute: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { startsPerMinute: 60, startBurst: 20, loginFailuresPerMinute: 10 };

/** Reads the policy overrides from the environment (FLOWTUNE_RATE_STARTS_PER_MINUTE, FLOWTUNE_RATE_STARTS_BURST). */
export function authPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<AuthPolicy> {
  const num = (name: string) => envNumber(env, name, { positive: true });
  const policy: Partial<AuthPolicy> = {};
  const perMinute = num("FLOWTUNE_RATE_STARTS_PER_MINUTE");
  const burst = num("FLOWTUNE_RATE_STARTS_BURST");
  if (perMinute !== undefined) policy.startsPerMinute = perMinute;
  if (burst !== undefined) policy.startBurst = burst;
  return policy;
}

export class AuthService {
  readonly tokens: TokenStore;
  readonly sessions: SessionStore;
  readonly log: SecurityLog;
  readonly policy: AuthPolicy;
  private readonly starts: RateLimiter;
  private readonly loginFailures: RateLimiter;

  constructor(prisma: PrismaClient, opts: { policy?: Partial<AuthPolicy>; sessions?: SessionOptions } = {}) {
    this.tokens = new TokenStore(prisma);
    this.sessions = new SessionStore(prisma, opts.sessions);
    this.log = new SecurityLog(prisma);
    this.policy = { ...DEFAULT_AUTH_POLICY, ...opts.policy };
    this.starts = new RateLimiter(this.policy.startsPerMinute, this.policy.startBurst);
    this.loginFailures = new RateLimiter(this.policy.loginFailuresPerMinute);
  }

  /** The principal of a Bearer token; UNAUTHENTICATED when it is unknown, revoked or expired. */
  async fromBearer(secret: string): Promise<Principal> {
    const token = await this.tokens.verify(secret.trim());
    if (!token) throw unauthenticated("invalid, expired or revoked API token");
    return tokenPrincipal(token);
  }

  /** The live session behind a cookie value, or undefined. */
  fromCookie(cookie: string): Promise<SessionInfo | undefined> {
    return this.sessions.get(cookie);
  }

  /** Counts one run or optimization start against the principal's rate; RATE_LIMITED (429) when it is spent. */
  takeStart(principal: Principal): void {
    if (principal.via === "local") return;
    const r = this.starts.take(principal.id);
    if (!r.ok) {
      throw new AccessError(
        "RATE_LIMITED",
        `too many runs and optimizations started by "${principal.name}" (limit ${this.policy.startsPerMinute} per minute); retry in ${r.retryAfterSec} s`,
        r.retryAfterSec,
      );
    }
  }

  /**
   * Signs in with a one-time login code or an API token and opens a session. UNAUTHENTICATED
   * for a bad credential; RATE_LIMITED after too many failures from the same client address.
   */
  async login(input: { code?: string; token?: string }, client: string): Promise<{ cookie: string; session: SessionInfo }> {
    let opened: { cookie: string; session: SessionInfo } | undefined;
    if (input.code) opened = await this.sessions.redeemLoginCode(input.code.trim());
    else if (input.token) {
      const token = await this.tokens.verify(input.token.trim());
      if (token) opened = await this.sessions.openForToken(token);
    }
    if (!opened) {
      await this.log.record("login.failed", "anonymous", undefined, { client, with: input.code ? "code" : "token" });
      const r = this.loginFailures.take(client);
      if (!r.ok) throw new AccessError("RATE_LIMITED", `too many failed sign-ins; retry in ${r.retryAfterSec} s`, r.retryAfterSec);
      throw unauthenticated(input.code ? "this login link is invalid, expired or already used: run `flowtune login-url` for a new one" : "invalid, expired or revoked API token");
    }
    const p = opened.session.principal;
    await this.log.record("login", p.name, p.id, { role: p.role, with: input.code ? "code" : "token" });
    return opened;
  }

  /** Ends a session. */
  async logout(cookie: string, principal: Principal): Promise<void> {
    await this.sessions.delete(cookie);
    await this.log.record("logout", principal.name, principal.id);
  }

  /** Creates an API token (admins only, checked by the caller) and records who did. */
  async createToken(input: Omit<CreateTokenInput, "createdBy">, actor: string): Promise<{ token: TokenInfo; secret: string }> {
    const created = await this.tokens.create({ ...input, createdBy: actor });
    await this.log.record("token.created", actor, created.token.id, { name: input.name, role: input.role, workflows: created.token.workflows });
    return created;
  }

  /** Revokes a token; false when there is no such token. */
  async revokeToken(id: string, actor: string): Promise<boolean> {
    const ok = await this.tokens.revoke(id);
    if (ok) await this.log.record("token.revoked", actor, id);
    return ok;
  }

  /** A one-time login URL for `base` (e.g. http://127.0.0.1:5175). The code travels in the fragment, so it never reaches server logs. */
  async loginUrl(base: string, opts: { name?: string; role?: Role } = {}): Promise<string> {
    const code = await this.sessions.createLoginCode(opts);
    return `${base.replace(/\/+$/, "")}/login#code=${code}`;
  }
}
