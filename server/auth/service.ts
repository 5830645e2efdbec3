/**
 * Authentication for the HTTP API: API tokens (Bearer), browser sessions (cookie + CSRF token),
 * one-time login codes, the security log, and the per-principal rate limits on starting work.
 */
import type { PrismaClient } from "../../generated/prisma/client.js";
import { envNumber } from "../env.js";
import { AccessError, forbidden, unauthenticated } from "./errors.js";
import type { Principal } from "./principal.js";
import { RateLimiter } from "./rate-limit.js";
import type { Role } from "./roles.js";
import { assertMayGrant, assertUnrestricted, mayManage } from "./scope.js";
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

  /**
   * Creates an API token and records who did. Unchecked: for the trusted local principal (CLI,
   * tests); API callers go through `createTokenAs`.
   */
  async createToken(input: Omit<CreateTokenInput, "createdBy">, actor: string): Promise<{ token: TokenInfo; secret: string }> {
    const created = await this.tokens.create({ ...input, createdBy: actor });
    await this.log.record("token.created", actor, created.token.id, { name: input.name, role: input.role, workflows: created.token.workflows });
    return created;
  }

  /**
   * Creates an API token on behalf of `principal`, within its own scope: role at most its own,
   * workflows within its grants (a limited principal must list them), and, when the principal's
   * own token expires, expiring no later. FORBIDDEN (naming the field) otherwise; nothing is written.
   */
  async createTokenAs(principal: Principal, input: Omit<CreateTokenInput, "createdBy">): Promise<{ token: TokenInfo; secret: string }> {
    await this.refusing(principal, "token.create.refused", async () => {
      assertMayGrant(principal, { role: input.role, workflows: input.workflows ?? null }, "token");
      const ownExpiry = await this.expiryOf(principal);
      if (ownExpiry && (!input.expiresAt || input.expiresAt.getTime() > ownExpiry.getTime())) {
        const days = Math.floor((ownExpiry.getTime() - Date.now()) / 86_400_000);
        throw forbidden(
          `"${principal.name}" uses a token that expires at ${ownExpiry.toISOString()}; a token it creates cannot outlive it: set "expiresInDays" to at most ${days}` +
            (days < 1 ? " (less than a day is left: ask an admin whose token lasts longer)" : ""),
        );
      }
    });
    return this.createToken(input, principal.name);
  }

  /** The tokens `principal` may manage (within its own scope; every token for an unrestricted admin), newest first. */
  async listTokensFor(principal: Principal): Promise<TokenInfo[]> {
    return (await this.tokens.list()).filter((t) => mayManage(principal, t));
  }

  /** Revokes a token; false when there is no such token. Unchecked: for the trusted local principal. */
  async revokeToken(id: string, actor: string): Promise<boolean> {
    const ok = await this.tokens.revoke(id);
    if (ok) await this.log.record("token.revoked", actor, id);
    return ok;
  }

  /** Revokes a token on behalf of `principal`: FORBIDDEN when the token grants more than the principal has; false when there is none. */
  async revokeTokenAs(principal: Principal, id: string): Promise<boolean> {
    const token = await this.tokens.get(id);
    if (!token) return false;
    await this.refusing(principal, "token.revoke.refused", async () => {
      if (!mayManage(principal, token)) {
        const on = token.workflows ? `${token.workflows.length} workflow${token.workflows.length > 1 ? "s" : ""} not all within its grants` : "every workflow";
        throw forbidden(`"${principal.name}" may not revoke token "${id}": it grants ${token.role} on ${on}`);
      }
    }, id);
    return this.revokeToken(id, principal.name);
  }

  /**
   * A one-time sign-in code for someone else, on behalf of `principal`. A login code's session
   * grants every workflow, so a principal limited to some workflows may not create one; the role
   * is at most the principal's own.
   */
  async inviteAs(principal: Principal, input: { name: string; role: Role }): Promise<string> {
    await this.refusing(principal, "invite.refused", async () => {
      assertUnrestricted(principal, "an invite (its sign-in grants every workflow)");
      assertMayGrant(principal, { role: input.role, workflows: null }, "invite");
      // The invited session is not tied to the inviter's token and renews on use: it would outlive an expiring inviter.
      const ownExpiry = await this.expiryOf(principal);
      if (ownExpiry) {
        throw forbidden(`"${principal.name}" uses a token that expires at ${ownExpiry.toISOString()}; an invite's session would outlive it: ask an admin whose token does not expire`);
      }
    }, input.name);
    const code = await this.sessions.createLoginCode(input);
    await this.log.record("invite.created", principal.name, input.name, { role: input.role });
    return code;
  }

  /** A one-time login URL for `base` (e.g. http://127.0.0.1:5175). The code travels in the fragment, so it never reaches server logs. */
  async loginUrl(base: string, opts: { name?: string; role?: Role } = {}): Promise<string> {
    const code = await this.sessions.createLoginCode(opts);
    return `${base.replace(/\/+$/, "")}/login#code=${code}`;
  }

  /** When the principal's own credential (its API token, also behind a token's session) expires; null for never or unknown. */
  private async expiryOf(principal: Principal): Promise<Date | null> {
    if (principal.via === "local" || !principal.id.startsWith("tok_")) return null;
    return (await this.tokens.get(principal.id))?.expiresAt ?? null;
  }

  /** Runs a scope check; a refusal is recorded in the security log (an escalation attempt) and rethrown. */
  private async refusing(principal: Principal, action: string, check: () => Promise<void>, target?: string): Promise<void> {
    try {
      await check();
    } catch (err) {
      if (err instanceof AccessError) await this.log.record(action, principal.name, target ?? principal.id, { reason: err.message });
      throw err;
    }
  }
}
