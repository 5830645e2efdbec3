/**
 * API tokens: created with a role and optional workflow grants, stored as a SHA-256 of the
 * secret (the secret is returned once, at creation), revocable, optionally expiring.
 */
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Principal } from "./principal.js";
import { RoleSchema, type Role } from "./roles.js";
import { normalizeWorkflows } from "./scope.js";
import { newSecret, sha256Hex } from "./secret-hash.js";

/** Every token secret starts with this, so secret scanners and people can recognize it. */
export const TOKEN_PREFIX = "ft_";

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  workflows: string[] | null;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface CreateTokenInput {
  name: string;
  role: Role;
  /** Limit the token to these workflows (omit, null or empty for every workflow). */
  workflows?: string[] | null;
  createdBy: string;
  expiresAt?: Date | null;
}

type TokenRow = {
  id: string;
  name: string;
  role: string;
  workflows: string | null;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

function toInfo(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    role: RoleSchema.parse(row.role),
    workflows: row.workflows === null ? null : (JSON.parse(row.workflows) as string[]),
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}

/** The principal a token stands for. */
export function tokenPrincipal(t: Pick<TokenInfo, "id" | "name" | "role" | "workflows">): Principal {
  return { id: t.id, name: t.name, role: t.role, workflows: t.workflows, via: "token" };
}

const INFO_SELECT = {
  id: true,
  name: true,
  role: true,
  workflows: true,
  createdAt: true,
  createdBy: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
} as const;

/** Store of API tokens. */
export class TokenStore {
  /** lastUsedAt is written at most once a minute per token, not on every request. */
  private readonly touched = new Map<string, number>();

  constructor(private readonly prisma: PrismaClient) {}

  /** Creates a token; the returned `secret` is never stored and cannot be shown again. */
  async create(input: CreateTokenInput): Promise<{ token: TokenInfo; secret: string }> {
    const secret = newSecret(TOKEN_PREFIX);
    const workflows = normalizeWorkflows(input.workflows);
    const row = await this.prisma.apiToken.create({
      data: {
        id: `tok_${randomBytes(6).toString("hex")}`,
        name: input.name,
        role: RoleSchema.parse(input.role),
        secretHash: sha256Hex(secret),
        workflows: workflows === null ? null : JSON.stringify(workflows),
        createdAt: new Date(),
        createdBy: input.createdBy,
        expiresAt: input.expiresAt ?? null,
      },
      select: INFO_SELECT,
    });
    return { token: toInfo(row), secret };
  }

  /** Every token (never the secrets), newest first. */
  async list(): Promise<TokenInfo[]> {
    const rows = await this.prisma.apiToken.findMany({ select: INFO_SELECT, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    return rows.map(toInfo);
  }

  async get(id: string): Promise<TokenInfo | undefined> {
    const row = await this.prisma.apiToken.findUnique({ where: { id }, select: INFO_SELECT });
    return row ? toInfo(row) : undefined;
  }

  /** Revokes a token and ends its browser sessions; false when there is no such token. */
  async revoke(id: string): Promise<boolean> {
    const [updated] = await this.prisma.$transaction([
      this.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } }),
      this.prisma.session.deleteMany({ where: { tokenId: id } }),
    ]);
    if (updated.count > 0) return true;
    return (await this.prisma.apiToken.count({ where: { id } })) > 0;
  }

  /** The live (not revoked, not expired) token with this secret, or undefined. */
  async verify(secret: string): Promise<TokenInfo | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const row = await this.prisma.apiToken.findUnique({ where: { secretHash: sha256Hex(secret) }, select: INFO_SELECT });
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return undefined;
    const now = Date.now();
    if ((this.touched.get(row.id) ?? 0) < now - 60_000) {
      this.touched.set(row.id, now);
      await this.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
    }
    return toInfo(row);
  }

  /** True when at least one live admin token exists (auth is configured for remote use). */
  async hasAdmin(): Promise<boolean> {
    const n = await this.prisma.apiToken.count({
      where: { role: "admin", revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    });
    return n > 0;
  }
}
