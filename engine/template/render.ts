import { limits, type ResourceLimits } from "../limits.js";
import { compileWith, placeholderScope, renderWith, TemplateBudgetError } from "./render-core.js";
import type { TemplateScope } from "./template.js";
import type * as WorkerPoolModule from "./worker-pool.js";
import type { RegexTestRequest, RenderRequest, RenderWorkerPool } from "./worker-pool.js";

// Measured (docs/security.md): liquidjs's own limits stop loops, ranges and doubling, but one filter call
// (e.g. `sort` of a large list) or many renders in a row can still hold a thread for seconds, so templates
// with tags or costly filters render in a worker with a deadline. Text-and-output templates first try
// inline within a small budget, and move to a worker only when they exceed it.
const INLINE_MS = 20;
const INLINE_MEMORY = 1_000_000;

function inlineBudget(lim: Readonly<ResourceLimits>): ResourceLimits {
  return { ...lim, templateRenderMs: Math.min(lim.templateRenderMs, INLINE_MS), templateMemory: Math.min(lim.templateMemory, INLINE_MEMORY) };
}

// Loaded on first use, by a specifier the bundler does not follow: node:worker_threads must stay out
// of the editor's bundle (which imports the node kinds but never renders).
const WORKER_POOL_MODULE = "./worker-pool.js";
let pool: Promise<RenderWorkerPool> | undefined;

function workers(): Promise<RenderWorkerPool> {
  pool ??= (import(/* @vite-ignore */ WORKER_POOL_MODULE) as Promise<typeof WorkerPoolModule>).then((m) => new m.RenderWorkerPool());
  return pool;
}

async function inWorker(req: RenderRequest): Promise<string> {
  return (await workers()).render(req);
}

/**
 * Runs one regex match in the render workers (a job kind of their pool, so regex matches and renders
 * share the workers and the owners' turns); see RenderWorkerPool.testRegex.
 */
export async function testRegexInWorker(req: RegexTestRequest): Promise<boolean> {
  return (await workers()).testRegex(req);
}

/** Options of one render. */
export interface RenderOptions {
  /**
   * Who the render is for: the run id, an optimization's id for everything it renders, or a batch's. The render
   * workers serve owners in turn, and a source that exceeded a time or memory limit for an owner
   * fails at once on that owner's later renders. Default: one owner shared by all unowned renders.
   */
  owner?: string;
}

/**
 * Renders a template against a scope; objects print as JSON. Throws TemplateError for bad syntax,
 * refused tags and every exceeded limit (time, memory, loop iterations, output size).
 */
export async function renderTemplate(source: string, scope: TemplateScope, opts: RenderOptions = {}): Promise<string> {
  const lim = limits();
  if (compileWith(lim, source).inline) {
    try {
      return renderWith(inlineBudget(lim), source, scope);
    } catch (err) {
      if (!(err instanceof TemplateBudgetError)) throw err;
    }
  }
  return inWorker({ source, scope, limits: lim, owner: opts.owner });
}

/** Renders with every variable present (as "x"); throws TemplateError when the template cannot render at all. */
export async function checkTemplateRenders(source: string, opts: RenderOptions = {}): Promise<void> {
  const lim = limits();
  if (compileWith(lim, source).inline) {
    try {
      renderWith(inlineBudget(lim), source, placeholderScope());
      return;
    } catch (err) {
      if (!(err instanceof TemplateBudgetError)) throw err;
    }
  }
  await inWorker({ source, placeholders: true, limits: lim, owner: opts.owner });
}

/** The render pool's counters (see RenderWorkerPool.stats), or undefined before the first worker render. */
export async function templateWorkerStats(): Promise<RenderWorkerPool["stats"] | undefined> {
  return (await pool)?.stats;
}

/** Terminates the render workers (tests, shutdown); a later render starts new ones. */
export async function closeTemplateWorkers(): Promise<void> {
  const p = pool;
  pool = undefined;
  await (await p)?.close();
}
