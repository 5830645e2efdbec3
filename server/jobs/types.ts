/**
 * Background work behind one interface, so the in-process pool can later be swapped for a
 * distributed queue without touching the services that submit jobs.
 */

/** A unit of background work; `run` must stop promptly once its signal aborts. */
export interface Job {
  /** Unique among active jobs (an optimization uses its run id). */
  id: string;
  /** What sort of work this is ("optimization", …), for listings and logs. */
  kind: string;
  run(signal: AbortSignal): Promise<void>;
}

export interface JobInfo {
  id: string;
  kind: string;
  state: "queued" | "running";
}

export interface JobRunner {
  /** Queues a job; CONFLICT when a job with this id is active or the runner is shutting down. */
  submit(job: Job): void;
  /** Aborts a running job (or drops a queued one) and resolves once it has stopped; false when no such job is active. */
  cancel(id: string): Promise<boolean>;
  /** Queued and running jobs. */
  active(): JobInfo[];
  /** Stops taking work and waits for the queued and running jobs to finish. */
  drain(): Promise<void>;
  /** Stops taking work, drops queued jobs, aborts running ones with a JobShutdownError reason, and waits for them. */
  shutdown(): Promise<void>;
}

/** The abort reason a job sees when the runner shuts down (not a user cancellation). */
export class JobShutdownError extends Error {
  constructor() {
    super("the job runner is shutting down");
    this.name = "JobShutdownError";
  }
}

/** True when `signal` was aborted because the runner is shutting down. */
export function abortedByShutdown(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof JobShutdownError;
}
