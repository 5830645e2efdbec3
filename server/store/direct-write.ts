/**
 * Write transactions run synchronously on Prisma's own better-sqlite3 connection (see
 * sqliteConnectionOf in server/db.ts): nothing can interleave with them, they cannot hit Prisma's
 * interactive-transaction timeouts, and they take the write lock first (`BEGIN IMMEDIATE`), so a
 * read-then-write never fails on a lock upgrade.
 *
 * Waiting for another process's write lock is bounded: `BEGIN IMMEDIATE` blocks the event loop for
 * at most `lockWaitMs` (SQLite's busy handler), then fails with SQLITE_BUSY, which callers retry
 * asynchronously with backoff (withDbRetry in ./transient.ts) instead of blocking for the
 * connection's whole busy_timeout.
 */
import type Database from "better-sqlite3";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { sqliteConnectionOf } from "../db.js";

/** Default synchronous wait for the write lock before SQLITE_BUSY (ms). */
export const DIRECT_LOCK_WAIT_MS = 50;

export interface DirectWriteOptions {
  /** Commit with synchronous=NORMAL (no fsync) even when the connection runs with FULL. */
  relaxSync?: boolean;
  /** How long BEGIN IMMEDIATE may wait synchronously for the write lock (default DIRECT_LOCK_WAIT_MS). */
  lockWaitMs?: number;
}

interface TransactionStatements {
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
}
const statements = new WeakMap<Database.Database, TransactionStatements>();
function transactionStatements(db: Database.Database): TransactionStatements {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = { begin: db.prepare("BEGIN IMMEDIATE"), commit: db.prepare("COMMIT"), rollback: db.prepare("ROLLBACK") }));
  return s;
}

/** Runs `f` with the connection's busy_timeout set to `ms`, restoring it afterwards. */
function withBusyTimeout<T>(db: Database.Database, ms: number, f: () => T): T {
  const previous = Number(db.pragma("busy_timeout", { simple: true }));
  if (previous === ms) return f();
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(ms))}`);
  try {
    return f();
  } finally {
    db.pragma(`busy_timeout = ${previous}`);
  }
}

/**
 * Runs `apply` (synchronous better-sqlite3 statements) in one write transaction on Prisma's
 * connection and returns `{ value }`, or undefined when the client has no such connection (the
 * caller then writes through Prisma). Throws SQLITE_BUSY when the lock stayed taken for
 * `lockWaitMs`; the transaction is rolled back whenever `apply` throws, so a retry is safe.
 */
export async function writeDirect<T>(prisma: PrismaClient, apply: (db: Database.Database) => T, options: DirectWriteOptions = {}): Promise<{ value: T } | undefined> {
  const db = sqliteConnectionOf(prisma);
  if (!db) return undefined;
  const lockWaitMs = options.lockWaitMs ?? DIRECT_LOCK_WAIT_MS;
  if (db.inTransaction) {
    // A Prisma transaction is open on the shared connection: queue behind it on Prisma's
    // transaction lock instead of writing inside it (its rollback would take our rows along).
    const value = await prisma.$transaction(async () => withBusyTimeout(db, lockWaitMs, () => apply(db)), { maxWait: 30_000, timeout: 30_000 });
    return { value };
  }
  // Set outside the transaction (as SQLite requires for some pragmas); it applies at COMMIT.
  const previousSync = options.relaxSync ? Number(db.pragma("synchronous", { simple: true })) : 0;
  if (previousSync > 1) db.pragma("synchronous = NORMAL");
  const tx = transactionStatements(db);
  try {
    // Synchronous from BEGIN to COMMIT, so nothing else can use the connection in between.
    withBusyTimeout(db, lockWaitMs, () => tx.begin.run());
    try {
      const value = apply(db);
      tx.commit.run();
      return { value };
    } catch (error) {
      if (db.inTransaction) tx.rollback.run();
      throw error;
    }
  } finally {
    if (previousSync > 1) db.pragma(`synchronous = ${previousSync}`);
  }
}
