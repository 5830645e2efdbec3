import { Worker } from "node:worker_threads";
import { TemplateError } from "../errors.js";
import { formatCount, type ResourceLimits } from "../limits.js";
import type { RenderJob, WorkerMessage } from "./render-worker.js";

/** One render for the pool: a template, its scope (or placeholders) and the limits to apply. */
export interface RenderRequest {
  source: string;
  scope?: object;
  placeholders?: boolean;
  limits: Readonly<ResourceLimits>;
}

interface Pending {
  job: RenderJob;
  resolve: (text: string) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  pending?: Pending;
  timer?: NodeJS.Timeout;
}

const BOOT = new URL("./render-worker-boot.mjs", import.meta.url);

/** Hard deadline of one render: Liquid stops itself at the render limit; this catches a single long operation. */
export function renderDeadlineMs(limits: Readonly<ResourceLimits>): number {
  return 2 * limits.templateRenderMs + 100;
}

/**
 * Renders templates in worker threads, so that no template can block the caller's event loop: each
 * render has a deadline after which its worker is terminated (and replaced), and each worker has a
 * bounded heap. Idle workers do not keep the process alive.
 */
export class RenderWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;

  constructor(private readonly size = 2) {}

  /** Renders in a worker; rejects with a TemplateError (including deadline and memory failures). */
  render(req: RenderRequest): Promise<string> {
    return new Promise((resolve, reject) => {
      const job: RenderJob = { id: this.nextId++, source: req.source, scope: req.scope, placeholders: req.placeholders, limits: { ...req.limits } };
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  /** Terminates every worker; queued and running renders fail. */
  async close(): Promise<void> {
    for (const p of this.queue.splice(0)) p.reject(new TemplateError("template renderer closed"));
    await Promise.all([...this.slots].map((s) => this.retire(s, "template renderer closed")));
  }

  /** Workers alive (for tests). */
  get workerCount(): number {
    return this.slots.length;
  }

  private pump(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s) => s.ready && !s.pending);
      if (!slot) break;
      this.dispatch(slot, this.queue.shift()!);
    }
    const starting = this.slots.filter((s) => !s.ready).length;
    if (this.queue.length > starting && this.slots.length < this.size) this.spawn(this.queue[0].job.limits);
    for (const s of this.slots) {
      if (s.pending || (!s.ready && this.queue.length)) s.worker.ref();
      else s.worker.unref();
    }
  }

  private spawn(limits: Readonly<ResourceLimits>): void {
    const worker = new Worker(BOOT, { resourceLimits: { maxOldGenerationSizeMb: limits.templateWorkerHeapMb }, stdout: false, stderr: false });
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    worker.on("message", (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on("error", (err: Error & { code?: string }) => {
      const oom = err.code === "ERR_WORKER_OUT_OF_MEMORY";
      const message = oom
        ? `template render exceeded the renderer's ${formatCount(limits.templateWorkerHeapMb)} MB heap (templateWorkerHeapMb)`
        : `template renderer failed: ${err.message}`;
      // A worker that cannot even start fails what is queued instead of respawning forever.
      if (!slot.ready) for (const p of this.queue.splice(0)) p.reject(new TemplateError(message));
      void this.retire(slot, message);
    });
    worker.on("exit", () => void this.retire(slot, "template renderer exited"));
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    if (m.type === "ready") {
      slot.ready = true;
    } else if (m.type === "started" && slot.pending?.job.id === m.id) {
      const limits = slot.pending.job.limits;
      slot.timer = setTimeout(() => void this.retire(slot, `template render exceeded ${formatCount(limits.templateRenderMs)} ms (templateRenderMs)`), renderDeadlineMs(limits));
    } else if (m.type === "done" && slot.pending?.job.id === m.id) {
      clearTimeout(slot.timer);
      const p = slot.pending;
      slot.pending = undefined;
      if (m.ok) p.resolve(m.text);
      else p.reject(new TemplateError(m.message));
    }
    this.pump();
  }

  private dispatch(slot: Slot, p: Pending): void {
    slot.pending = p;
    try {
      slot.worker.postMessage(p.job);
    } catch (err) {
      // Only plain data can cross to a worker (e.g. not functions).
      slot.pending = undefined;
      p.reject(new TemplateError(`template variables cannot be passed to the renderer: ${(err as Error).message}`));
    }
  }

  // Removes a worker (deadline, crash, exit or close) and fails its render with `message`.
  private async retire(slot: Slot, message: string): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    clearTimeout(slot.timer);
    slot.pending?.reject(new TemplateError(message));
    slot.pending = undefined;
    this.pump();
    await slot.worker.terminate();
  }
}
