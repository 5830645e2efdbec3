/**
 * Which database errors are transient (lock contention, a transaction that waited too long):
 * retrying the same write later can succeed, and an optimization that died of one may resume.
 */

// Prisma codes: P1008 operation timed out, P2024 pool timeout, P2028 transaction API error
// (e.g. "Transaction already closed" / "Operation has timed out"), P2034 write conflict or deadlock.
const TRANSIENT_PRISMA_CODES = new Set(["P1008", "P2024", "P2028", "P2034"]);
// SQLite result codes surfaced by better-sqlite3 (`code`) or inside Prisma's driver-adapter messages.
const TRANSIENT_SQLITE = /SQLITE_BUSY|SQLITE_LOCKED|database is locked|database table is locked|Operation has timed out|Transaction already closed|timed out (?:during query execution|fetching a new connection)/i;

/** True when `error` (or one of its causes) is a lock/timeout failure worth retrying. */
export function isTransientDbError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== "object") return typeof e === "string" && TRANSIENT_SQLITE.test(e);
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && (TRANSIENT_PRISMA_CODES.has(code) || /^SQLITE_(BUSY|LOCKED)/.test(code))) return true;
    if (typeof message === "string" && TRANSIENT_SQLITE.test(message)) return true;
    e = cause;
  }
  return false;
}
