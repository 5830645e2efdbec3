import { abortError } from "../providers/retry.js";

/** Tokens and USD: what a call may cost (a reservation) or did cost. */
export interface Amount {
  tokens: number;
  costUsd: number;
}

/**
 * The reservations of the calls in flight, and the callers waiting for one of them to settle.
 * `changed()` wakes every waiter (each re-checks whether its call fits now).
 */
export class InFlight {
  readonly reserved: Amount = { tokens: 0, costUsd: 0 };
  private readonly waiters = new Set<() => void>();

  /** Holds a reservation for a call that starts now. */
  hold(a: Amount): void {
    this.reserved.tokens += a.tokens;
    this.reserved.costUsd += a.costUsd;
  }

  /** Gives a settled call's reservation back (callers record its actual spend first). */
  release(a: Amount): void {
    this.reserved.tokens -= a.tokens;
    // Float sums drift: never leave a negative crumb once nothing is in flight.
    this.reserved.costUsd = Math.max(0, this.reserved.costUsd - a.costUsd);
    this.changed();
  }

  /** Something that decides admission changed: every waiter checks again. */
  changed(): void {
    const all = [...this.waiters];
    this.waiters.clear();
    for (const wake of all) wake();
  }

  /** Resolves at the next change; rejects with an AbortError once `signal` aborts. */
  next(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiters.delete(wake);
        reject(abortError(signal!));
      };
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.waiters.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
