import type { Spend } from "./budget.js";

/** Attempts per write before a spend write counts as failed, and the first backoff (doubling). */
const ATTEMPTS = 4;
const BACKOFF_MS = 25;

/**
 * Writes an optimization's spend totals durably, coalescing concurrent requests: `flush()`
 * resolves once a write that includes every change made before the call has committed. Writes
 * are serialised (one in flight) and carry absolute totals, so a later write never undoes an
 * earlier one. A failing write is retried with bounded backoff, then rejects the flush.
 */
export class SpendRecorder {
  private version = 0;
  private committed = 0;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly spend: Spend,
    private readonly save: ((spend: Spend) => Promise<void>) | undefined,
  ) {}

  /** Notes that the totals changed (call right after changing them). */
  changed(): void {
    this.version++;
  }

  /** Waits until the totals as of now are recorded. */
  async flush(): Promise<void> {
    if (!this.save) return;
    const target = this.version;
    while (this.committed < target) {
      this.inflight ??= this.writeOnce().finally(() => (this.inflight = undefined));
      await this.inflight;
    }
  }

  private async writeOnce(): Promise<void> {
    const version = this.version;
    const snapshot = { ...this.spend };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.save!(snapshot);
        break;
      } catch (err) {
        if (attempt >= ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
    this.committed = Math.max(this.committed, version);
  }
}
