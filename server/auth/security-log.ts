import type { PrismaClient } from "../../generated/prisma/client.js";

export interface SecurityEventRecord {
  id: number;
  action: string;
  actor: string;
  target: string | null;
  at: Date;
  details: Record<string, unknown> | null;
}

/** Append-only log of security-relevant actions (token created/revoked, logins, provider changes). Never holds a secret. */
export class SecurityLog {
  constructor(private readonly prisma: PrismaClient) {}

  async record(action: string, actor: string, target?: string, details?: Record<string, unknown>): Promise<void> {
    await this.prisma.securityEvent.create({
      data: { action, actor, target: target ?? null, details: details ? JSON.stringify(details) : null },
    });
  }

  /** Newest first. */
  async list(limit = 100): Promise<SecurityEventRecord[]> {
    const rows = await this.prisma.securityEvent.findMany({ orderBy: { id: "desc" }, take: limit });
    return rows.map((r) => ({ ...r, details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null }));
  }
}
