/**
 * Browser sessions and one-time login codes.
 *
 * `npm start` prints a login URL holding a one-time code (as Jupyter prints its token); the
 * editor exchanges the code (or an API token pasted into its sign-in form) for a session: a
 * random cookie value (HttpOnly, SameSite=Strict) whose SHA-256 is stored, plus a CSRF token
 * the editor echoes in a header on every mutation.
 */
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Principal } from "./principal.js";
import { RoleSchema, type Role } from "./roles.js";
import { newSecret, sha256Hex } from "./secret-hash.js";
import type { TokenInfo } from "./tokens.js";

export const LOGIN_CODE_PREFIX = "ftl_";
const SESSION_PREFIX = "fts_";

export interface SessionInfo {
  principal: Principal;
  csrfToken: string;
  expiresAt: Date;
}

export interface SessionOptions {
  /** Session lifetime (default 7 days), extended while the session is used. */
  ttlMs?: number;
  /** Login code lifetime (default 24 hours). */
  loginCodeTtlMs?: number;
}

type SessionRow = { tokenId: string | null; name: string; role: string; workflows: string | null; csrfToken: string; expiresAt: Date };

function principalOf(row: Pick<SessionRow, "tokenId" | "name" | "role" | "workflows">): Principal {
  return {
    id: row.tokenId ?? `login:${row.name}`,
    name: row.name,
    role: RoleSchema.parse(row.role),
    workflows: row.workflows === null ? null : (JSON.parse(row.workflows) as string[]),
    via: "session",
  };
}

/** Store of sessions and login codes. */
export class SessionStore {
  readonly ttlMs: number;
  private readonly loginCodeTtlMs: number;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaClient,
    opts: SessionOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 7 * 24 * 3600_000;
    this.loginCodeTtlMs = opts.loginCodeTtlMs ?? 24 * 3600_000;
  }

  /** A new one-time login code for `name` (default: an admin "owner"); returns the code to put in the URL. */
  async createLoginCode(opts: { name?: string; role?: Role } = {}): Promise<string> {
    const code = newSecret(LOGIN_CODE_PREFIX);
    const now = new Date();
    await this.prisma.loginCode.create({
      data: {
        codeHash: sha256Hex(code),
        name: opts.name ?? "owner",
        role: opts.role ?? "admin",
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.loginCodeTtlMs),
      },
    });
    return code;
  }

  /** Uses up a login code and opens a session; undefined when the code is unknown, used or expired. */
  async redeemLoginCode(code: string): Promise<{ cookie: string; session: SessionInfo } | undefined> {
    if (!code.startsWith(LOGIN_CODE_PREFIX)) return undefined;
    const codeHash = sha256Hex(code);
    const now = new Date();
    // Marking it used in the same statement that checks it makes a second redemption impossible.
    const used = await this.prisma.loginCode.updateMany({ where: { codeHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (used.count !== 1) return undefined;
    const row = await this.prisma.loginCode.findUniqueOrThrow({ where: { codeHash } });
    return this.open({ tokenId: null, name: row.name, role: row.role, workflows: null });
  }

  /** Opens a session for an (already verified) API token. */
  openForToken(token: TokenInfo): Promise<{ cookie: string; session: SessionInfo }> {
    return this.open({
      tokenId: token.id,
      name: token.name,
      role: token.role,
      workflows: token.workflows === null ? null : JSON.stringify(token.workflows),
    });
  }

  /** The live session behind a cookie value, or undefined. Extends its expiry at most once a minute. */
  async get(cookie: string): Promise<SessionInfo | undefined> {
    if (!cookie.startsWith(SESSION_PREFIX)) return undefined;
    const idHash = sha256Hex(cookie);
    const row = await this.prisma.session.findUnique({ where: { idHash }, include: { token: { select: { revokedAt: true, expiresAt: true } } } });
    const now = Date.now();
    if (!row || row.expiresAt.getTime() <= now) return undefined;
    // A session opened with a token ends with it.
    if (row.token && (row.token.revokedAt || (row.token.expiresAt && row.token.expiresAt.getTime() <= now))) return undefined;
    let expiresAt = row.expiresAt;
    if ((this.seen.get(idHash) ?? 0) < now - 60_000) {
      this.seen.set(idHash, now);
      expiresAt = new Date(now + this.ttlMs);
      await this.prisma.session.update({ where: { idHash }, data: { lastSeenAt: new Date(now), expiresAt } });
    }
    return { principal: principalOf(row), csrfToken: row.csrfToken, expiresAt };
  }

  /** Ends a session (logout). */
  async delete(cookie: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { idHash: sha256Hex(cookie) } });
  }

  /** Deletes expired sessions and dead login codes. */
  async prune(): Promise<void> {
    const now = new Date();
    await this.prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
    await this.prisma.loginCode.deleteMany({ where: { OR: [{ expiresAt: { lte: now } }, { usedAt: { not: null } }] } });
  }

  private async open(data: Omit<SessionRow, "csrfToken" | "expiresAt">): Promise<{ cookie: string; session: SessionInfo }> {
    const cookie = newSecret(SESSION_PREFIX);
    const csrfToken = newSecret("", 24);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await this.prisma.session.create({
      data: { idHash: sha256Hex(cookie), ...data, csrfToken, createdAt: now, expiresAt, lastSeenAt: now },
    });
    return { cookie, session: { principal: principalOf(data), csrfToken, expiresAt } };
  }
}
