import { parentPort } from "node:worker_threads";
import type { ResourceLimits } from "../limits.js";
import { placeholderScope, renderWith, setParseCacheChars } from "./render-core.js";

/** A render job sent to a worker. */
export interface RenderJob {
  id: number;
  source: string;
  /** Omitted with `placeholders`: every variable then renders as "x". */
  scope?: object;
  placeholders?: boolean;
  limits: ResourceLimits;
}

/** What a worker posts: ready once loaded, started when a render begins (the deadline starts then), done with the text or the error. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "started"; id: number }
  | { type: "done"; id: number; ok: true; text: string }
  | { type: "done"; id: number; ok: false; message: string };

// Parsed templates cost ~45 bytes per source character; keep them to a small share of the worker's heap.
setParseCacheChars(500_000);

const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);

port.on("message", (job: RenderJob) => {
  post({ type: "started", id: job.id });
  try {
    const text = renderWith(job.limits, job.source, job.placeholders ? placeholderScope() : (job.scope ?? {}));
    post({ type: "done", id: job.id, ok: true, text });
  } catch (err) {
    post({ type: "done", id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
});
post({ type: "ready" });
