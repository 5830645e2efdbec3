import { FlowtuneError } from "../../engine/index.js";
import { JobShutdownError, type Job, type JobInfo, type JobRunner } from "./types.js";

export interface InProcessJobRunnerOptions {
  /** Jobs running at once (default 2). */
  concurrency?: number;
  /** Called with whatever a job throws (default: console.error). */
  onError?: (err: unknown, job: Job) => void;
}

interface Entry {
  job: Job;
  ctl: AbortController;
  state: "queued" | "running";
  /** Settles when the job has stopped (or was dropped from the queue). */
  done: Promise<void>;
  settle: () => void;
}

/** A queue and a fixed-size worker pool in this process. */
export class InProcessJobRunner implements JobRunner {
  private readonly concurrency: number;
  private readonly onError: (err: unknown, job: Job) => void;
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private running = 0;
  private closed = false;

  constructor(options: InProcessJobRunnerOptions = {}) {
    this.concurrency = Math.max(1, Math.trunc(options.concurrency ?? 2));
    this.onError = options.onError ?? ((err, job) => console.error(`flowtune: job ${job.kind} ${job.id} failed:`, err));
  }

  /** Queues `job`; it starts as soon as a worker is free. */
  submit(job: Job): void {
    if (this.closed) throw new FlowtuneError("CONFLICT", "the job runner is shutting down");
    if (this.entries.has(job.id)) throw new FlowtuneError("CONFLICT", `job ${job.id} is already active`);
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const entry: Entry = { job, ctl: new AbortController(), state: "queued", done, settle };
    this.entries.set(job.id, entry);
    this.queue.push(entry);
    this.pump();
  }

  /** Aborts (or dequeues) the job and waits until it has stopped. */
  async cancel(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    if (entry.state === "queued") this.dequeue(entry);
    else entry.ctl.abort(new Error("cancelled"));
    await entry.done;
    return true;
  }

  /** Queued and running jobs, in submission order. */
  active(): JobInfo[] {
    return [...this.entries.values()].map((e) => ({ id: e.job.id, kind: e.job.kind, state: e.state }));
  }

  /** Stops taking work; resolves when everything queued or running has finished. */
  async drain(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.entries.values()].map((e) => e.done));
  }

  /** Stops taking work, drops the queue, aborts running jobs and waits for them to stop. */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const entry of [...this.queue]) this.dequeue(entry);
    const running = [...this.entries.values()];
    for (const entry of running) entry.ctl.abort(new JobShutdownError());
    await Promise.all(running.map((e) => e.done));
  }

  private dequeue(entry: Entry): void {
    this.queue.splice(this.queue.indexOf(entry), 1);
    this.entries.delete(entry.job.id);
    entry.settle();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const entry = this.queue.shift()!;
      entry.state = "running";
      this.running++;
      // Runs on a later tick, so submit() never runs job code synchronously.
      void Promise.resolve()
        .then(() => entry.job.run(entry.ctl.signal))
        .catch((err: unknown) => this.onError(err, entry.job))
        .finally(() => {
          this.running--;
          this.entries.delete(entry.job.id);
          entry.settle();
          this.pump();
        });
    }
  }
}
