/**
 * Which database errors are transient (lock contention, a transaction that waited too long):
 * retrying the same write later can succeed, and an optimization that died of one may resume.
 * withDbRetry repeats a write that failed so, with bounded, jittered backoff.
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

export interface DbRetryOptions {
  /** Give up (rethrow the last error) once this much time has passed since the first attempt (default 30 s). */
  timeoutMs?: number;
  /** At most this many attempts in all (default 50). */
  maxAttempts?: number;
  /** First backoff ceiling; it doubles per attempt up to `maxDelayMs` (defaults 10 ms and 1 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each wait, e.g. to log contention. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `op`, and again after a jittered exponential backoff ("full jitter") whenever it fails
 * with a transient database error (isTransientDbError), within a time and attempt budget. `op`
 * must be safe to repeat: one transaction that either committed or rolled back entirely.
 */
export async function withDbRetry<T>(op: () => Promise<T>, options: DbRetryOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, maxAttempts = 50, baseDelayMs = 10, maxDelayMs = 1_000 } = options;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      if (!isTransientDbError(error) || attempt >= maxAttempts) throw error;
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      // Full jitter spreads processes that collided apart; never below 1 ms so the lock holder can run.
      const delay = Math.max(1, Math.round(Math.random() * ceiling));
      if (Date.now() + delay > deadline) throw error;
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
