import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";
import { AbortedError, TemplateError } from "../errors.js";
import { formatCount, type ResourceLimits } from "../limits.js";
import { RegexWorkError } from "../util/safe-regex.js";
import type { WorkerJob, WorkerMessage } from "./render-worker.js";

/** One render for the pool: a template, its scope (or placeholders) and the limits to apply. */
export interface RenderRequest {
  source: string;
  scope?: object;
  placeholders?: boolean;
  limits: Readonly<ResourceLimits>;
  /** Who the render is for (a run, an optimization): owners are served in turn. Default: one shared owner. */
  owner?: string;
}

/** One regex match for the pool: a pattern already checked by the caller, the text, and the limits (`regexWorkerWorkUnits`, `regexWorkerMs`). */
export interface RegexTestRequest {
  pattern: string;
  caseInsensitive: boolean;
  text: string;
  limits: Readonly<ResourceLimits>;
  /** As for renders: owners are served in turn. */
  owner?: string;
  /** A match still queued when this aborts is dropped (one already running ends by its deadline). */
  signal?: AbortSignal;
}

interface Pending {
  job: WorkerJob;
  owner: string;
  resolve: (result: string | boolean) => void;
  reject: (err: Error) => void;
  /** Set once a worker took it: only a render that ran can have exceeded a limit. */
  dispatched?: boolean;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  pending?: Pending;
  timer?: NodeJS.Timeout;
}

/** A slot-level failure (deadline, crash, heap): its message may depend on the job it hit. */
type FailureMessage = string | ((job: WorkerJob) => string);

const BOOT = new URL("./render-worker-boot.mjs", import.meta.url);

/** Hard deadline of one render: Liquid stops itself at the render limit; this catches a single long operation. */
export function renderDeadlineMs(limits: Readonly<ResourceLimits>): number {
  return 2 * limits.templateRenderMs + 100;
}

// A worker's failure as the error its caller expects: TemplateError for renders, RegexWorkError for regex matches.
function failure(job: WorkerJob, message: string): Error {
  return job.kind === "regex" ? new RegexWorkError(message) : new TemplateError(message);
}

// Names in messages: what a job is, and what runs it ("template renderer" as before regex jobs shared the pool).
const WHAT = { render: "template render", regex: "regex match" } as const;
const RUNNER = { render: "template renderer", regex: "regex worker" } as const;

/**
 * Runs template renders and big regex matches in worker threads, so that no template or pattern
 * can block the caller's event loop: each job has a deadline after which its worker is terminated
 * (and replaced), and each worker has a bounded heap. Idle workers do not keep the process alive.
 *
 * Fair: waiting jobs are queued per owner and owners are served in turn, so one run's backlog
 * (a map over many items, each hitting the deadline) delays another run by about one job, not
 * by the backlog. Fail-fast: once a source exceeded the time or memory limit for an owner, that
 * owner's further renders of it fail at once with the same message instead of costing a worker each.
 */
export class RenderWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue = new OwnerQueue<Pending>();
  private readonly exceeded = new ExceededSources();
  private nextId = 1;
  private readonly counts = { dispatched: 0, failedFast: 0, spawned: 0 };

  constructor(private readonly size = 2) {}

  /** Renders in a worker; rejects with a TemplateError (including deadline and memory failures). */
  render(req: RenderRequest): Promise<string> {
    const owner = req.owner ?? "";
    const known = this.exceeded.get(owner, req.source, req.limits);
    if (known) {
      this.counts.failedFast++;
      return Promise.reject(new TemplateError(known));
    }
    return new Promise((resolve, reject) => {
      const job: WorkerJob = { kind: "render", id: this.nextId++, source: req.source, scope: req.scope, placeholders: req.placeholders, limits: { ...req.limits } };
      const pending: Pending = { job, owner, resolve: (r) => resolve(r as string), reject: (err) => fail(err) };
      const fail = (err: Error) => {
        reject(err);
        if (!pending.dispatched || !isTimeOrMemoryLimit(err.message)) return;
        this.exceeded.set(owner, req.source, req.limits, err.message);
        // The same owner's renders of this source still waiting fail now, without waiting for a worker.
        for (const p of this.queue.remove(owner, (q) => q.job.kind === "render" && q.job.source === req.source)) {
          this.counts.failedFast++;
          p.reject(new TemplateError(err.message));
        }
      };
      this.queue.push(owner, pending);
      this.pump();
    });
  }

  /**
   * Runs one regex match in a worker, within `regexWorkerWorkUnits` and a deadline of `regexWorkerMs`;
   * resolves whether it matched. Rejects with a RegexWorkError naming the limit, or an AbortedError when
   * `signal` aborts while the match is still queued.
   */
  testRegex(req: RegexTestRequest): Promise<boolean> {
    const owner = req.owner ?? "";
    if (req.signal?.aborted) return Promise.reject(new AbortedError("regex match cancelled"));
    return new Promise((resolve, reject) => {
      const job: WorkerJob = { kind: "regex", id: this.nextId++, pattern: req.pattern, caseInsensitive: req.caseInsensitive, text: req.text, limits: { ...req.limits } };
      const onAbort = () => {
        if (this.queue.remove(owner, (q) => q === pending).length) reject(new AbortedError("regex match cancelled"));
      };
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        req.signal?.removeEventListener("abort", onAbort);
        f(v);
      };
      const pending: Pending = { job, owner, resolve: settle((r) => resolve(r as boolean)), reject: settle(reject) };
      req.signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(owner, pending);
      this.pump();
    });
  }

  /** Terminates every worker; queued and running jobs fail. */
  async close(): Promise<void> {
    for (const p of this.queue.drain()) p.reject(failure(p.job, `${RUNNER[p.job.kind]} closed`));
    await Promise.all([...this.slots].map((s) => this.retire(s, (job) => `${RUNNER[job.kind]} closed`)));
  }

  /** Workers alive (for tests). */
  get workerCount(): number {
    return this.slots.length;
  }

  /** Jobs sent to a worker, renders failed fast (a known over-limit source), workers started: for tests and diagnostics. */
  get stats(): Readonly<{ dispatched: number; failedFast: number; spawned: number }> {
    return { ...this.counts };
  }

  private pump(): void {
    while (this.queue.size) {
      const slot = this.slots.find((s) => s.ready && !s.pending);
      if (!slot) break;
      const next = this.queue.shift()!;
      // A render queued before an earlier one of the same owner and source exceeded a limit fails at once too.
      const known = next.job.kind === "render" ? this.exceeded.get(next.owner, next.job.source, next.job.limits) : undefined;
      if (known) {
        this.counts.failedFast++;
        next.reject(new TemplateError(known));
      } else this.dispatch(slot, next);
    }
    const starting = this.slots.filter((s) => !s.ready).length;
    if (this.queue.size > starting && this.slots.length < this.size) this.spawn(this.queue.peek()!.job.limits);
    for (const s of this.slots) {
      if (s.pending || (!s.ready && this.queue.size)) s.worker.ref();
      else s.worker.unref();
    }
  }

  private spawn(limits: Readonly<ResourceLimits>): void {
    const worker = new Worker(BOOT, { resourceLimits: { maxOldGenerationSizeMb: limits.templateWorkerHeapMb }, stdout: false, stderr: false });
    this.counts.spawned++;
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    worker.on("message", (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on("error", (err: Error & { code?: string }) => {
      const oom = err.code === "ERR_WORKER_OUT_OF_MEMORY";
      const message = (job: WorkerJob) =>
        oom ? `${WHAT[job.kind]} exceeded the ${job.kind === "render" ? "renderer" : "worker"}'s ${formatCount(limits.templateWorkerHeapMb)} MB heap (templateWorkerHeapMb)` : `${RUNNER[job.kind]} failed: ${err.message}`;
      // A worker that cannot even start fails what is queued instead of respawning forever.
      if (!slot.ready) for (const p of this.queue.drain()) p.reject(failure(p.job, message(p.job)));
      void this.retire(slot, message);
    });
    worker.on("exit", () => void this.retire(slot, (job) => `${RUNNER[job.kind]} exited`));
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    if (m.type === "ready") {
      slot.ready = true;
    } else if (m.type === "started" && slot.pending?.job.id === m.id) {
      const job = slot.pending.job;
      const [ms, message] =
        job.kind === "regex"
          ? [job.limits.regexWorkerMs, `regex match exceeded ${formatCount(job.limits.regexWorkerMs)} ms (regexWorkerMs)`]
          : [renderDeadlineMs(job.limits), `template render exceeded ${formatCount(job.limits.templateRenderMs)} ms (templateRenderMs)`];
      slot.timer = setTimeout(() => void this.retire(slot, message), ms);
    } else if (m.type === "done" && slot.pending?.job.id === m.id) {
      clearTimeout(slot.timer);
      const p = slot.pending;
      slot.pending = undefined;
      if (m.ok) p.resolve(m.result);
      else p.reject(failure(p.job, m.message));
    }
    this.pump();
  }

  private dispatch(slot: Slot, p: Pending): void {
    this.counts.dispatched++;
    p.dispatched = true;
    slot.pending = p;
    try {
      slot.worker.postMessage(p.job);
    } catch (err) {
      // Only plain data can cross to a worker (e.g. not functions).
      slot.pending = undefined;
      p.reject(failure(p.job, p.job.kind === "render" ? `template variables cannot be passed to the renderer: ${(err as Error).message}` : `regex match could not be sent to a worker: ${(err as Error).message}`));
    }
  }

  // Removes a worker (deadline, crash, exit or close) and fails its job with `message`.
  private async retire(slot: Slot, message: FailureMessage): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    clearTimeout(slot.timer);
    const p = slot.pending;
    slot.pending = undefined;
    if (p) p.reject(failure(p.job, typeof message === "string" ? message : message(p.job)));
    this.pump();
    await slot.worker.terminate();
  }
}

// Limits that depend on how long or how much a render takes: a retry of the same source is as costly.
function isTimeOrMemoryLimit(message: string): boolean {
  return /\((templateRenderMs|templateMemory|templateWorkerHeapMb)\)/.test(message);
}

/**
 * FIFO queues per owner, served round-robin: each shift takes from the owner whose turn it is, which
 * then goes to the back. An owner with nothing queued joins at the front (it has had no turn yet),
 * so a newcomer waits behind no backlog at all.
 */
export class OwnerQueue<T> {
  private readonly queues = new Map<string, T[]>();
  private readonly turns: string[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(owner: string, item: T): void {
    const q = this.queues.get(owner);
    if (q) q.push(item);
    else {
      this.queues.set(owner, [item]);
      this.turns.unshift(owner);
    }
    this.count++;
  }

  /** The item the next shift returns. */
  peek(): T | undefined {
    return this.turns.length ? this.queues.get(this.turns[0])![0] : undefined;
  }

  /** Takes the first item of the owner whose turn it is; that owner goes to the back of the line. */
  shift(): T | undefined {
    const owner = this.turns.shift();
    if (owner === undefined) return undefined;
    const q = this.queues.get(owner)!;
    const item = q.shift()!;
    if (q.length) this.turns.push(owner);
    else this.queues.delete(owner);
    this.count--;
    return item;
  }

  /** Removes and returns the items of `owner` that `match` accepts, keeping the owner's turn. */
  remove(owner: string, match: (item: T) => boolean): T[] {
    const q = this.queues.get(owner);
    if (!q) return [];
    const removed = q.filter(match);
    if (!removed.length) return [];
    const kept = q.filter((x) => !match(x));
    this.count -= removed.length;
    if (kept.length) this.queues.set(owner, kept);
    else {
      this.queues.delete(owner);
      this.turns.splice(this.turns.indexOf(owner), 1);
    }
    return removed;
  }

  /** Removes and returns everything queued. */
  drain(): T[] {
    const all = this.turns.flatMap((o) => this.queues.get(o)!);
    this.queues.clear();
    this.turns.length = 0;
    this.count = 0;
    return all;
  }
}

const MAX_EXCEEDED = 10_000;

/** Which sources exceeded a time or memory limit for which owner, under which limits (bounded, oldest forgotten first; sources kept as hashes). */
class ExceededSources {
  private readonly messages = new Map<string, string>();

  get(owner: string, source: string, limits: Readonly<ResourceLimits>): string | undefined {
    return this.messages.get(key(owner, source, limits));
  }

  set(owner: string, source: string, limits: Readonly<ResourceLimits>, message: string): void {
    if (this.messages.size >= MAX_EXCEEDED) this.messages.delete(this.messages.keys().next().value as string);
    this.messages.set(key(owner, source, limits), message);
  }
}

function key(owner: string, source: string, l: Readonly<ResourceLimits>): string {
  const hash = createHash("sha256").update(source).digest("base64");
  return `${owner}\u0000${hash}\u0000${l.templateRenderMs}/${l.templateMemory}/${l.templateWorkerHeapMb}`;
}
