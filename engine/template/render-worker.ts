import { parentPort } from "node:worker_threads";
import type { ResourceLimits } from "../limits.js";
import { compileSafeRegex, RegexWork } from "../util/safe-regex.js";
import { placeholderScope, renderWith, setParseCacheChars } from "./render-core.js";

/** A render job sent to a worker. */
export interface RenderJob {
  kind: "render";
  id: number;
  source: string;
  /** Omitted with `placeholders`: every variable then renders as "x". */
  scope?: object;
  placeholders?: boolean;
  limits: ResourceLimits;
}

/** A regex match sent to a worker: one that is over the inline work limit (`regexWorkUnits`) but within `regexWorkerWorkUnits`. */
export interface RegexJob {
  kind: "regex";
  id: number;
  pattern: string;
  caseInsensitive: boolean;
  text: string;
  limits: ResourceLimits;
}

/** Any job a worker runs. */
export type WorkerJob = RenderJob | RegexJob;

/** What a worker posts: ready once loaded, started when a job begins (the deadline starts then), done with the result (text of a render, match of a regex) or the error. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "started"; id: number }
  | { type: "done"; id: number; ok: true; result: string | boolean }
  | { type: "done"; id: number; ok: false; message: string };

// Parsed templates cost ~45 bytes per source character; keep them to a small share of the worker's heap.
setParseCacheChars(500_000);

const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);

function run(job: WorkerJob): string | boolean {
  if (job.kind === "regex") {
    // The worker's own bound is the larger one; the caller checked it too, this keeps the worker safe on its own.
    const re = compileSafeRegex(job.pattern, { caseInsensitive: job.caseInsensitive, limits: job.limits });
    return re.test(job.text, new RegexWork(job.limits.regexWorkerWorkUnits, "regexWorkerWorkUnits"));
  }
  return renderWith(job.limits, job.source, job.placeholders ? placeholderScope() : (job.scope ?? {}));
}

port.on("message", (job: WorkerJob) => {
  post({ type: "started", id: job.id });
  try {
    post({ type: "done", id: job.id, ok: true, result: run(job) });
  } catch (err) {
    post({ type: "done", id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
});
post({ type: "ready" });
