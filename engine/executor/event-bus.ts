import type { RunEvent, RunEventBody } from "../schema/events.js";
import { isTerminalEvent } from "../schema/events.js";
import type { RunHistorySink } from "./history.js";

const MAX_BATCH = 1000;

/**
 * Stamps events with sequence numbers, fans them out to listeners, keeps them for replay, and
 * hands them to the history sink in batches (one sink write — one transaction — per batch).
 */
export class EventBus {
  private seq = 0;
  private readonly log: RunEvent[] = [];
  private readonly listeners = new Set<(e: RunEvent) => void>();
  private pending: RunEvent[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private closed = false;
  /** First history write failure, if any; the run reports it instead of losing history silently. */
  historyError: unknown;

  /** `ready` is the sink's begin(): batches are written after it, without holding up the run. */
  constructor(
    readonly runId: string,
    private readonly sink: RunHistorySink | undefined,
    private readonly now: () => number,
    ready?: Promise<void>,
  ) {
    if (ready) this.flushing = ready.catch((err) => void (this.historyError ??= err));
  }

  /** Stamps and publishes one event. */
  emit(body: RunEventBody): RunEvent {
    // Stamped in place: bodies are fresh literals, and a copy per event shows up in profiles.
    const event = Object.assign(body, { runId: this.runId, seq: this.seq++, ts: this.now() }) as RunEvent;
    this.log.push(event);
    for (const l of this.listeners) l(event);
    if (this.sink) {
      this.pending.push(event);
      if (this.pending.length >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    }
    if (isTerminalEvent(event)) this.closed = true;
    return event;
  }

  /** Listens to events from now on. */
  subscribe(listener: (e: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replays past events, then yields live ones until the terminal event. */
  async *events(): AsyncIterable<RunEvent> {
    let i = 0;
    let wake: (() => void) | undefined;
    const unsubscribe = this.subscribe(() => wake?.());
    try {
      for (;;) {
        while (i < this.log.length) {
          const e = this.log[i++];
          yield e;
          if (isTerminalEvent(e)) return;
        }
        if (this.closed) return;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    } finally {
      unsubscribe();
    }
  }

  /** Writes what is pending; writes are chained so batches land in order. */
  flush(): Promise<void> {
    this.scheduled = false;
    if (!this.sink || this.pending.length === 0) return this.flushing;
    const batch = this.pending;
    this.pending = [];
    const sink = this.sink;
    this.flushing = this.flushing.then(() =>
      sink.write(batch).catch((err) => {
        this.historyError ??= err;
      }),
    );
    return this.flushing;
  }
}
