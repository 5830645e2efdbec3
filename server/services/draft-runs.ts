/**
 * Which runs ran an unsaved draft graph (the editor's "run what you see"): read from the
 * `draft` field of their run.started event (seq 0), one query per page of runs. The Run row has
 * no column for it; json_extract reads the one field without loading the event's inputs.
 */
import type { PrismaClient } from "../../generated/prisma/client.js";

/** SQLite binds at most 32,766 variables per statement; a page of runs is at most 500. */
const CHUNK = 500;

/** Run id → the saved version its draft was edited from, for the given runs that ran a draft. */
export async function draftBaseVersions(prisma: PrismaClient, runIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < runIds.length; i += CHUNK) {
    const ids = runIds.slice(i, i + CHUNK);
    const rows = await prisma.$queryRawUnsafe<Array<{ runId: string; baseVersion: number | bigint | null }>>(
      `SELECT "runId", json_extract("payload", '$.draft.baseVersion') AS "baseVersion" FROM "RunEvent" WHERE "seq" = 0 AND "type" = 'run.started' AND "runId" IN (${ids.map(() => "?").join(",")})`,
      ...ids,
    );
    for (const r of rows) if (r.baseVersion != null) out.set(r.runId, Number(r.baseVersion));
  }
  return out;
}

/** The runs with `draft: { baseVersion }` set on those that ran a draft, and `draft: null` on the others. */
export async function withDraftMarks<T extends { id: string }>(prisma: PrismaClient, runs: T[]): Promise<Array<T & { draft: { baseVersion: number } | null }>> {
  const marks = runs.length > 0 ? await draftBaseVersions(prisma, runs.map((r) => r.id)) : new Map<string, number>();
  return runs.map((r) => {
    const base = marks.get(r.id);
    return { ...r, draft: base === undefined ? null : { baseVersion: base } };
  });
}
