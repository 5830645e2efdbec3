/** An event with its position in a job's progress stream. */
export type Sequenced<T> = T & { seq: number };

/**
 * A job's progress events, kept in memory with increasing sequence numbers so any number of
 * readers can follow it and a reconnecting reader resumes after the last seq it saw.
 */
export class ProgressChannel<T extends object> {
  private readonly events: Array<Sequenced<T>> = [];
  private waiters: Array<() => void> = [];
  private nextSeq: number;
  private closedFlag = false;

  /**
   * `firstSeq` defaults to the clock in microseconds, so a channel re-created by a later process
   * numbers its events after any seq a client saw from an earlier one.
   */
  constructor(firstSeq = Date.now() * 1000) {
    this.nextSeq = firstSeq;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The newest event, if any. */
  last(): Sequenced<T> | undefined {
    return this.events[this.events.length - 1];
  }

  /** Appends an event (reopening a closed channel) and wakes the readers. */
  push(event: T): Sequenced<T> {
    const sequenced = { ...event, seq: this.nextSeq++ } as Sequenced<T>;
    this.events.push(sequenced);
    this.closedFlag = false;
    this.wake();
    return sequenced;
  }

  /** Appends a final event (if given) and ends every reader once it has read everything. */
  close(event?: T): void {
    if (event) this.push(event);
    this.closedFlag = true;
    this.wake();
  }

  /** Events with seq > afterSeq, then live ones, until the channel is closed (or `signal` aborts). */
  async *read(afterSeq = -1, signal?: AbortSignal): AsyncGenerator<Sequenced<T>, void, unknown> {
    let i = this.events.findIndex((e) => e.seq > afterSeq);
    if (i < 0) i = this.events.length;
    const onAbort = () => this.wake();
    signal?.addEventListener("abort", onAbort);
    try {
      for (;;) {
        while (i < this.events.length) yield this.events[i++];
        if (this.closedFlag || signal?.aborted) return;
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
