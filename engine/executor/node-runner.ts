import { FlowtuneError, NodeExecutionError, errorMessage, type ErrorCode } from "../errors.js";
import type { GraphIndex } from "../graph/model.js";
import { nodeDefinition } from "../nodes/registry.js";
import type { NodeEventBody, NodeOutcome } from "../nodes/types.js";
import { raceAbort, withRetry } from "../providers/retry.js";
import { forEachConcurrent } from "../util/pool.js";
import type { ProviderRegistry, TokenUsage } from "../providers/types.js";
import type { ErrorInfo, RunEventBody } from "../schema/events.js";
import type { GraphNode, ParallelEdge } from "../schema/graph.js";
import type { TemplateScope } from "../template/template.js";
import type { NodeMemoryContext } from "../memory/types.js";
import type { RunServices } from "../services/types.js";

/** Everything one node execution needs. */
export interface NodeJob {
  node: GraphNode;
  input: unknown;
  scope: TemplateScope;
  /** Set when the node runs once per item of a list. */
  map?: { edge: ParallelEdge; items: unknown[]; error?: string };
  providers: ProviderRegistry;
  index: GraphIndex;
  /** Aborts when the run is cancelled or fails, or a join no longer needs this branch. */
  signal: AbortSignal;
  emit: (e: RunEventBody) => void;
  /** Owner of this node's template renders (the run, or the optimization running it). */
  renderOwner?: string;
  /** The run's conversation memory (AI nodes with `memory`). */
  memory?: NodeMemoryContext;
  /** Stored workflows and MCP servers (RunOptions.services). */
  services?: RunServices;
}

/** How a node execution ended. Never a rejection: failures are data. */
export type NodeJobResult =
  | { ok: true; outcome: NodeOutcome; attempts: number; durationMs: number; itemErrors?: Array<string | undefined> }
  | { ok: false; error: ErrorInfo; attempts: number; durationMs: number; usage?: TokenUsage };

// Errors that another attempt cannot fix.
// CONFLICT: a state that waiting will not change, e.g. an optimization budget that is spent.
const PERMANENT: ErrorCode[] = ["TEMPLATE_ERROR", "NO_ROUTE", "JOIN_FAILED", "PROVIDER_NOT_FOUND", "EXPRESSION_ERROR", "INPUT_INVALID", "CONFLICT"];

/** Runs a node with its error policy (retries with backoff) and timeout; maps over items when mapped. */
export async function runNodeJob(job: NodeJob): Promise<NodeJobResult> {
  const started = performance.now();
  let attempts = 0;
  const policy = job.node.onError ?? { mode: "stop" as const };
  const retries = policy.mode === "retry" ? policy.maxRetries : 0;
  if (job.map?.error) {
    return { ok: false, error: { code: "NODE_EXECUTION_FAILED", message: job.map.error, nodeId: job.node.id }, attempts: 0, durationMs: 0 };
  }
  try {
    const run = async (attempt: number) => {
      attempts = attempt;
      return job.map ? runMapped(job, attempt) : { outcome: await attemptOnce(job, job.input, job.scope, job.signal) };
    };
    const r = await withRetry(run, {
      retries,
      baseMs: policy.mode === "retry" ? policy.backoffMs : 0,
      factor: policy.mode === "retry" ? policy.backoffFactor : 1,
      jitter: 0.2,
      signal: job.signal,
      isRetryable: (e) => !job.signal.aborted && !(e instanceof FlowtuneError && PERMANENT.includes(e.code)),
      onRetry: ({ attempt, error, delayMs }) =>
        job.emit({ type: "node.retrying", nodeId: job.node.id, attempt, delayMs, error: toErrorInfo(error, job.node.id) }),
    });
    return { ok: true, outcome: r.outcome, itemErrors: "itemErrors" in r ? r.itemErrors : undefined, attempts, durationMs: performance.now() - started };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err, job.node.id), attempts, durationMs: performance.now() - started };
  }
}

// One attempt, bounded by the node's timeout; the node's own signal aborts in-flight provider calls.
async function attemptOnce(job: NodeJob, input: unknown, scope: TemplateScope, parent: AbortSignal, item?: number): Promise<NodeOutcome> {
  const def = nodeDefinition(job.node.kind);
  const timeoutMs = job.node.timeoutMs;
  const emit = (e: NodeEventBody) => job.emit({ ...e, nodeId: job.node.id, ...(item !== undefined ? { index: item } : {}) } as RunEventBody);
  if (!timeoutMs) return def.execute({ node: job.node, input, scope, providers: job.providers, signal: parent, index: job.index, renderOwner: job.renderOwner, emit, memory: job.memory, services: job.services });
  const ctl = new AbortController();
  const onParent = () => ctl.abort(parent.reason);
  parent.addEventListener("abort", onParent, { once: true });
  const timer = setTimeout(
    () => ctl.abort(new NodeExecutionError(job.node.id, `node "${job.node.id}" timed out after ${timeoutMs} ms`, "NODE_TIMEOUT")),
    timeoutMs,
  );
  try {
    return await raceAbort(def.execute({ node: job.node, input, scope, providers: job.providers, signal: ctl.signal, index: job.index, renderOwner: job.renderOwner, emit, memory: job.memory, services: job.services }), ctl.signal);
  } finally {
    clearTimeout(timer);
    parent.removeEventListener("abort", onParent);
  }
}

// Runs the node once per item with at most maxConcurrency in flight; results keep item order.
// Each item reports node.item.started, then node.item.succeeded, failed or cancelled (a sibling's
// failure stopped it); items of a node the run itself aborted report nothing more (node.cancelled says it).
async function runMapped(job: NodeJob, attempt: number): Promise<{ outcome: NodeOutcome; itemErrors: Array<string | undefined> }> {
  const { items, edge } = job.map!;
  const nodeId = job.node.id;
  const results: unknown[] = new Array(items.length).fill(null);
  const itemErrors: Array<string | undefined> = new Array(items.length).fill(undefined);
  const usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  let cost = 0;
  const continueOnError = job.node.onError?.mode === "continue" || (job.node.onError?.mode === "retry" && job.node.onError.then === "continue");
  // A failing item (without continue) stops its siblings too.
  const stop = new AbortController();
  const signal = AbortSignal.any([job.signal, stop.signal]);
  await forEachConcurrent(items.length, edge.maxConcurrency, async (i) => {
    const scope = { ...job.scope, input: items[i], item: items[i], index: i };
    const started = performance.now();
    job.emit({ type: "node.item.started", nodeId, index: i, attempt, input: items[i] });
    try {
      // Raced so that a stopped sibling settles at once and the node's events end in order.
      const out = await raceAbort(attemptOnce(job, items[i], scope, signal, i), signal);
      results[i] = out.output;
      addUsage(usage, out.usage);
      cost += out.costUsd ?? 0;
      job.emit({ type: "node.partial", nodeId, index: i, output: out.output });
      job.emit({ type: "node.item.succeeded", nodeId, index: i, attempt, output: out.output, durationMs: performance.now() - started, usage: out.usage, costUsd: out.costUsd });
    } catch (err) {
      // Never rethrown here: the pool must wait for every started item before the node settles.
      if (job.signal.aborted) return;
      if (stop.signal.aborted) {
        job.emit({ type: "node.item.cancelled", nodeId, index: i, attempt, reason: `stopped: ${errorMessage(stop.signal.reason)}` });
        return;
      }
      const error = toErrorInfo(err, nodeId);
      job.emit({ type: "node.item.failed", nodeId, index: i, attempt, error, durationMs: performance.now() - started, continued: continueOnError });
      if (continueOnError) itemErrors[i] = error.message;
      else stop.abort(err);
    }
  }, signal);
  if (job.signal.aborted) throw job.signal.reason;
  if (stop.signal.aborted) throw stop.signal.reason;
  return { outcome: { output: results, usage, costUsd: cost }, itemErrors };
}

/** Adds `b` into `a`. */
export function addUsage(a: TokenUsage, b?: TokenUsage): void {
  if (!b) return;
  a.promptTokens += b.promptTokens;
  a.completionTokens += b.completionTokens;
  a.totalTokens += b.totalTokens;
}

/** A serializable error record naming the node. */
export function toErrorInfo(err: unknown, nodeId: string): ErrorInfo {
  if (err instanceof FlowtuneError) return { code: err.code, message: err.message, nodeId: err.location.nodeId ?? nodeId };
  return { code: "NODE_EXECUTION_FAILED", message: errorMessage(err), nodeId };
}
