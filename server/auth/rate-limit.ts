/**
 * A token-bucket rate limiter keyed by string (one bucket per principal and action): `burst`
 * requests at once, refilled at `perMinute`. In memory: limits are per server process.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    readonly burst: number = perMinute,
    private readonly now: () => number = Date.now,
  ) {
    if (!(perMinute > 0) || !(burst >= 1)) throw new Error("RateLimiter: perMinute must be > 0 and burst >= 1");
  }

  /** Takes one token for `key`: `{ ok: true }`, or `{ ok: false, retryAfterSec }` when the bucket is empty. */
  take(key: string): { ok: true } | { ok: false; retryAfterSec: number } {
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * ratePerMs);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000)) };
  }

  /** Drops full buckets (called now and then so idle keys do not accumulate). */
  prune(): void {
    const now = this.now();
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * (this.perMinute / 60_000) >= this.burst) this.buckets.delete(key);
    }
  }
}
