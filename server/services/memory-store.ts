/**
 * Conversation memory on the database (engine/memory/types.ts's MemoryAdmin): one MemoryThread
 * row per (workflow, AI node, thread id) holding the seq counter and the running summary, one
 * MemoryTurn row per message. An append bumps the counter and inserts its messages in one
 * write transaction (server/store/direct-write.ts), so two runs (or processes) appending to a
 * thread at once each get their own consecutive seqs.
 */
import { randomUUID } from "node:crypto";
import {
  boundContent,
  MEMORY_MAX_STORED_MESSAGES,
  MEMORY_MAX_SUMMARY_CHARS,
  type MemoryAdmin,
  type MemoryRole,
  type MemoryThreadInfo,
  type MemoryTurn,
  type ThreadKey,
} from "../../engine/memory/types.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { sqliteTimestamp } from "../store/canonical.js";
import { writeDirect } from "../store/direct-write.js";
import { withDbRetry } from "../store/transient.js";

const SQL = {
  bump: `UPDATE "MemoryThread" SET "nextSeq" = "nextSeq" + ?, "updatedAt" = ? WHERE "workflowId" = ? AND "nodeId" = ? AND "threadId" = ?`,
  create: `INSERT INTO "MemoryThread" ("id","workflowId","nodeId","threadId","nextSeq","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?)`,
  find: `SELECT "id","nextSeq" FROM "MemoryThread" WHERE "workflowId" = ? AND "nodeId" = ? AND "threadId" = ?`,
  insert: `INSERT INTO "MemoryTurn" ("threadKey","seq","role","content","runId","createdAt") VALUES (?,?,?,?,?,?)`,
  prune: `DELETE FROM "MemoryTurn" WHERE "threadKey" = ? AND "seq" <= ?`,
};

/** Threads one listing returns at most. */
export const MAX_THREADS_LISTED = 500;

type TurnRow = { seq: number; role: string; content: string; runId: string | null; createdAt: Date };

const toTurn = (r: TurnRow): MemoryTurn => ({ seq: r.seq, role: r.role as MemoryRole, content: r.content, ...(r.runId ? { runId: r.runId } : {}), createdAt: r.createdAt });
const where = (k: ThreadKey) => ({ workflowId: k.workflowId, nodeId: k.nodeId, threadId: k.threadId });
type ThreadRow = { workflowId: string; nodeId: string; threadId: string; nextSeq: number; summaryVersion: number; updatedAt: Date; _count: { turns: number } };
const info = (r: ThreadRow): MemoryThreadInfo => ({ workflowId: r.workflowId, nodeId: r.nodeId, threadId: r.threadId, messages: r._count.turns, lastSeq: r.nextSeq - 1, summaryVersion: r.summaryVersion, updatedAt: r.updatedAt });
const isUniqueViolation = (e: unknown) => (e as { code?: unknown } | null)?.code === "P2002";

/** A database-backed memory store; `maxStoredMessages` bounds each thread (oldest pruned). */
export function createPrismaMemoryStore(prisma: PrismaClient, opts: { maxStoredMessages?: number } = {}): MemoryAdmin {
  const max = opts.maxStoredMessages ?? MEMORY_MAX_STORED_MESSAGES;
  const threadOf = (k: ThreadKey) => prisma.memoryThread.findUnique({ where: { workflowId_nodeId_threadId: where(k) } });
  return {
    async recent(key, { limit, afterSeq = 0 }) {
      const t = await threadOf(key);
      if (!t) return [];
      const rows = await prisma.memoryTurn.findMany({ where: { threadKey: t.id, seq: { gt: afterSeq } }, orderBy: { seq: "desc" }, take: Math.max(0, limit) });
      return rows.reverse().map(toTurn);
    },

    async append(key, messages) {
      const n = messages.length;
      if (n === 0) return [];
      const at = new Date();
      const rows = messages.map((m) => ({ role: m.role, content: boundContent(m.content), runId: m.runId ?? null }));
      const toStored = (first: number) => rows.map((r, i) => toTurn({ ...r, seq: first + i, createdAt: at }));
      const once = async () => {
        // One synchronous BEGIN IMMEDIATE transaction: the counter is read and bumped under the write lock.
        const direct = await writeDirect(prisma, (db) => {
          const ts = sqliteTimestamp(at);
          const k = [key.workflowId, key.nodeId, key.threadId];
          if (db.prepare(SQL.bump).run(n, ts, ...k).changes === 0) db.prepare(SQL.create).run(`mt_${randomUUID()}`, ...k, 1 + n, ts, ts);
          const t = db.prepare<unknown[], { id: string; nextSeq: number | bigint }>(SQL.find).get(...k)!;
          // Prisma's connection reads integers as BigInt.
          const next = Number(t.nextSeq);
          const first = next - n;
          const insert = db.prepare(SQL.insert);
          rows.forEach((r, i) => insert.run(t.id, first + i, r.role, r.content, r.runId, ts));
          db.prepare(SQL.prune).run(t.id, next - 1 - max);
          return first;
        });
        if (direct) return toStored(direct.value);
        // Another kind of client: a Prisma transaction whose first statement is the write.
        return prisma.$transaction(async (tx) => {
          const bumped = await tx.memoryThread.updateMany({ where: where(key), data: { nextSeq: { increment: n } } });
          if (bumped.count === 0) await tx.memoryThread.create({ data: { id: `mt_${randomUUID()}`, ...where(key), nextSeq: 1 + n } });
          const t = await tx.memoryThread.findUniqueOrThrow({ where: { workflowId_nodeId_threadId: where(key) }, select: { id: true, nextSeq: true } });
          const first = t.nextSeq - n;
          await tx.memoryTurn.createMany({ data: rows.map((r, i) => ({ ...r, threadKey: t.id, seq: first + i, createdAt: at })) });
          await tx.memoryTurn.deleteMany({ where: { threadKey: t.id, seq: { lte: t.nextSeq - 1 - max } } });
          return toStored(first);
        });
      };
      try {
        return await withDbRetry(once);
      } catch (error) {
        // Two first appends at once through Prisma: the loser's create hit the winner's row; now it bumps it.
        if (!isUniqueViolation(error)) throw error;
        return withDbRetry(once);
      }
    },

    async summary(key) {
      const t = await threadOf(key);
      if (!t || t.summaryVersion === 0 || t.summary === null) return undefined;
      return { text: t.summary, version: t.summaryVersion, throughSeq: t.summaryThroughSeq };
    },

    async saveSummary(key, summary, expectedVersion) {
      // Compare-and-set on the version: a run that read an older summary does not overwrite a newer one.
      const { count } = await withDbRetry(() =>
        prisma.memoryThread.updateMany({
          where: { ...where(key), summaryVersion: expectedVersion },
          data: { summary: boundContent(summary.text, MEMORY_MAX_SUMMARY_CHARS), summaryVersion: expectedVersion + 1, summaryThroughSeq: summary.throughSeq },
        }),
      );
      return count === 1;
    },

    async threads(workflowId, o = {}) {
      const rows = await prisma.memoryThread.findMany({
        where: { workflowId, ...(o.nodeId ? { nodeId: o.nodeId } : {}) },
        orderBy: { updatedAt: "desc" },
        take: Math.min(o.limit ?? MAX_THREADS_LISTED, MAX_THREADS_LISTED),
        include: { _count: { select: { turns: true } } },
      });
      return rows.map(info);
    },

    async thread(key) {
      const r = await prisma.memoryThread.findUnique({ where: { workflowId_nodeId_threadId: where(key) }, include: { _count: { select: { turns: true } } } });
      return r ? info(r) : undefined;
    },

    async turns(key, o = {}) {
      const t = await threadOf(key);
      if (!t) return [];
      const rows = await prisma.memoryTurn.findMany({
        where: { threadKey: t.id, ...(o.beforeSeq !== undefined ? { seq: { lt: o.beforeSeq } } : {}) },
        orderBy: { seq: "desc" },
        take: Math.min(o.limit ?? max, max),
      });
      return rows.reverse().map(toTurn);
    },

    async clear(key) {
      // The turns go with the thread (ON DELETE CASCADE).
      const { count } = await withDbRetry(() => prisma.memoryThread.deleteMany({ where: where(key) }));
      return count > 0;
    },
  };
}

const stores = new WeakMap<PrismaClient, MemoryAdmin>();

/** The memory store of this database (one per client, built on first use). */
export function memoryOf(prisma: PrismaClient): MemoryAdmin {
  let s = stores.get(prisma);
  if (!s) stores.set(prisma, (s = createPrismaMemoryStore(prisma)));
  return s;
}
