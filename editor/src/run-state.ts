/**
 * Folds a run's event stream into what the editor shows: the run's status and totals, and each
 * node's status, timing, output, error and token usage. Pure; events at or below the last seq
 * seen are ignored, so a replayed or resumed stream never double-counts.
 *
 * A stored run's detail (`runs.get`) can be folded in too (`{ type: "detail" }`): it fills what
 * the events lack and settles runs whose event log has no terminal event (runs the server marked
 * INTERRUPTED after a restart). Events always win over the detail.
 *
 * When a run ends failed or cancelled, the nodes of its graph (from the detail) that never ran
 * are shown "skipped" with why ("upstream node "x" failed"), and the failed node keeps its error.
 * (Inferring the nodes that never ran: run-skipped.ts.)
 */
import type { ErrorInfo, NodeStatus, RunEvent, RunStatus } from "../../engine/browser.js";
import { markNeverRan } from "./run-skipped.js";
import type { RunDetail } from "./trpc.js";

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** One failed attempt that the node's retry policy retried. */
export interface RetryRecord {
  attempt: number;
  delayMs: number;
  error: ErrorInfo;
  ts: number;
}

export interface NodeRunState {
  status: NodeStatus;
  /** Event time (ms epoch) of node.queued. */
  queuedTs?: number;
  /** Event time (ms epoch) of the latest node.started. */
  startedTs?: number;
  /** Event time (ms epoch) of the node's final event (succeeded/failed/skipped/cancelled). */
  finishedTs?: number;
  durationMs?: number;
  attempts?: number;
  input?: unknown;
  output?: unknown;
  /** Partial outputs received so far (async joins, mapped items). */
  partials?: number;
  /** Mapped items' results by index, from indexed node.partial events. */
  items?: Record<number, unknown>;
  error?: ErrorInfo;
  /** The attempts that failed and were retried, oldest first. */
  retries?: RetryRecord[];
  /** skipped / cancelled reason, or the last retry's error message. */
  reason?: string;
  usage?: Usage;
  costUsd?: number;
  reused?: boolean;
  /** failed, but the error policy let the run go on. */
  continued?: boolean;
  /** Routers: the ids of the conditional edges taken. */
  takenEdges?: string[];
}

/** What the reducer reads of the server's `runs.get` reply. */
export type StoredRunDetail = Pick<
  RunDetail,
  | "id"
  | "status"
  | "parentRunId"
  | "fromNodeId"
  | "startedAt"
  | "finishedAt"
  | "durationMs"
  | "promptTokens"
  | "completionTokens"
  | "totalTokens"
  | "costUsd"
  | "lastSeq"
  | "error"
  | "inputs"
  | "outputs"
  | "nodes"
> & {
  /** The graph the run ran (its snapshot): which nodes never ran once it ended. */
  graph?: RunGraphShape;
  /** Set for a run of an unsaved draft: the saved version the draft was edited from. */
  draft?: { baseVersion: number } | null;
};

/** What the reducer reads of a run's graph: node ids and the edges between them. */
export interface RunGraphShape {
  nodes: ReadonlyArray<{ id: string }>;
  edges?: ReadonlyArray<{ source: string; target: string }>;
}

export interface RunState {
  runId: string | null;
  status: RunStatus;
  lastSeq: number;
  workflowId?: string;
  startedTs?: number;
  finishedTs?: number;
  durationMs?: number;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: ErrorInfo;
  cancelReason?: string;
  usage?: Usage;
  costUsd?: number;
  /** Set for a re-run: the run it re-ran and the node it re-ran from. */
  parentRunId?: string;
  fromNodeId?: string;
  /** AI node id → the parameter version the run used (from run.started). */
  parameterVersions?: Record<string, number>;
  /** AI nodes whose version was chosen for this run (not production's), from run.started. */
  parameterOverrides?: string[];
  /** Set for a run of an unsaved draft graph: the saved version it was edited from. */
  draft?: { baseVersion: number };
  /** True once a terminal event was folded. */
  ended?: boolean;
  /** The stored detail, once loaded. */
  detail?: StoredRunDetail;
  /** True once the stored detail was merged (the state is complete). */
  settled?: boolean;
  /** Node id → state; an entry object is replaced (never mutated) when its node changes. */
  nodes: Record<string, NodeRunState>;
}

export type RunAction =
  | { type: "reset"; runId: string | null }
  | { type: "event"; event: RunEvent }
  /** `complete`: merge now even if the events seen do not reach the detail's last seq (the stream failed). */
  | { type: "detail"; detail: StoredRunDetail; complete?: boolean };

export function emptyRun(runId: string | null = null): RunState {
  return { runId, status: "pending", lastSeq: -1, nodes: {} };
}

export function isFinished(status: RunStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "cancelled";
}

/** True for the events that end a run (mirrors the engine's isTerminalEvent, without importing code). */
export function isTerminalEvent(e: RunEvent): boolean {
  return e.type === "run.completed" || e.type === "run.failed" || e.type === "run.cancelled";
}

/** True when no more events can come for the run: a terminal event was seen, or the stored run is finished and every stored event was seen. */
export function isComplete(state: RunState): boolean {
  if (state.runId === null) return true;
  if (state.ended || state.settled) return true;
  return false;
}

/** Whether the run's event stream should be (still) open. */
export function needsStream(state: RunState): boolean {
  return state.runId !== null && !isComplete(state);
}

function toMs(value: string | Date | null | undefined): number | undefined {
  if (value == null) return undefined;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? t : undefined;
}

export function runReducer(state: RunState, action: RunAction): RunState {
  if (action.type === "reset") return emptyRun(action.runId);
  if (action.type === "detail") {
    if (action.detail.id !== state.runId || state.settled) return state;
    return settle({ ...state, detail: action.detail }, action.complete === true);
  }
  const e = action.event;
  if (e.runId !== state.runId || e.seq <= state.lastSeq) return state;
  const next: RunState = { ...state, lastSeq: e.seq };
  const setNode = (nodeId: string, patch: Partial<NodeRunState>) => {
    const prev = next.nodes[nodeId] ?? { status: "pending" as NodeStatus };
    next.nodes = { ...next.nodes, [nodeId]: { ...prev, ...patch } };
  };
  switch (e.type) {
    case "run.started":
      next.status = "running";
      next.workflowId = e.workflowId;
      next.startedTs = e.ts;
      next.inputs = e.inputs;
      if (e.parentRunId !== undefined) next.parentRunId = e.parentRunId;
      if (e.fromNodeId !== undefined) next.fromNodeId = e.fromNodeId;
      if (e.parameterVersions !== undefined) next.parameterVersions = e.parameterVersions;
      if (e.parameterOverrides !== undefined) next.parameterOverrides = e.parameterOverrides;
      if (e.draft !== undefined) next.draft = e.draft;
      break;
    case "run.paused":
      next.status = "paused";
      break;
    case "run.resumed":
      next.status = "running";
      break;
    case "run.completed":
      next.status = "succeeded";
      next.outputs = e.outputs;
      next.durationMs = e.durationMs;
      next.usage = e.usage;
      next.costUsd = e.costUsd;
      break;
    case "run.failed":
      next.status = "failed";
      next.error = e.error;
      next.durationMs = e.durationMs;
      break;
    case "run.cancelled":
      next.status = "cancelled";
      next.cancelReason = e.reason;
      next.durationMs = e.durationMs;
      break;
    case "node.queued":
      setNode(e.nodeId, { status: "queued", queuedTs: e.ts });
      break;
    case "node.started":
      setNode(e.nodeId, { status: "running", startedTs: e.ts, attempts: e.attempt, input: e.input, error: undefined });
      break;
    case "node.retrying": {
      const prev = next.nodes[e.nodeId]?.retries ?? [];
      setNode(e.nodeId, {
        status: "running",
        attempts: e.attempt,
        reason: `retrying: ${e.error.message}`,
        retries: [...prev, { attempt: e.attempt, delayMs: e.delayMs, error: e.error, ts: e.ts }],
      });
      break;
    }
    case "node.partial": {
      const prev = next.nodes[e.nodeId];
      const patch: Partial<NodeRunState> = { output: e.output, partials: (prev?.partials ?? 0) + 1 };
      if (e.index !== undefined) patch.items = { ...prev?.items, [e.index]: e.output };
      setNode(e.nodeId, patch);
      break;
    }
    case "node.succeeded":
      setNode(e.nodeId, {
        status: "succeeded",
        output: e.output,
        durationMs: e.durationMs,
        finishedTs: e.ts,
        usage: e.usage,
        costUsd: e.costUsd,
        reused: e.reused,
        takenEdges: e.takenEdges,
        attempts: e.attempts ?? next.nodes[e.nodeId]?.attempts,
        reason: undefined,
      });
      break;
    case "node.failed":
      setNode(e.nodeId, {
        status: "failed",
        error: e.error,
        durationMs: e.durationMs,
        finishedTs: e.ts,
        usage: e.usage,
        continued: e.continued,
        attempts: e.attempts ?? next.nodes[e.nodeId]?.attempts,
        reason: e.continued ? "the run continued (error policy)" : undefined,
      });
      break;
    case "node.skipped":
      setNode(e.nodeId, { status: "skipped", reason: e.reason, finishedTs: e.ts });
      break;
    case "node.cancelled":
      setNode(e.nodeId, { status: "cancelled", reason: e.reason, finishedTs: e.ts });
      break;
  }
  if (isTerminalEvent(e)) {
    next.ended = true;
    next.finishedTs = e.ts;
  }
  if (isFinished(next.status)) {
    closeUnfinished(next);
    markNeverRan(next);
  }
  return next.detail ? settle(next, false) : next;
}

/** Nodes still queued or running when the run ended did not finish. */
function closeUnfinished(next: RunState): void {
  for (const [id, n] of Object.entries(next.nodes)) {
    if (n.status === "queued" || n.status === "running") {
      next.nodes = { ...next.nodes, [id]: { ...n, status: "cancelled", reason: n.reason ?? "the run ended" } };
    }
  }
}

/**
 * Merges the stored detail once the events seen cover it (or `force`): fills fields the events
 * did not give, and takes the stored status of a finished run whose log has no terminal event.
 * A detail of a run still going on is only kept (the events will bring the rest).
 */
function settle(state: RunState, force: boolean): RunState {
  const d = state.detail;
  if (!d || state.settled) return state;
  const finished = isFinished(d.status);
  if (!force && !(finished && state.lastSeq >= d.lastSeq) && !state.ended) return state;
  if (!finished && !state.ended) return state;
  const next: RunState = { ...state, settled: true };
  if (!state.ended) {
    next.status = d.status;
    if (d.error && !next.error) next.error = d.error;
  }
  next.startedTs ??= toMs(d.startedAt);
  next.finishedTs ??= toMs(d.finishedAt);
  next.durationMs ??= d.durationMs ?? undefined;
  next.inputs ??= d.inputs;
  next.outputs ??= d.outputs;
  next.parentRunId ??= d.parentRunId ?? undefined;
  next.fromNodeId ??= d.fromNodeId ?? undefined;
  next.draft ??= d.draft ?? undefined;
  if (!next.usage && d.totalTokens > 0) {
    next.usage = { promptTokens: d.promptTokens, completionTokens: d.completionTokens, totalTokens: d.totalTokens };
  }
  next.costUsd ??= d.costUsd || undefined;
  let nodes = next.nodes;
  for (const n of d.nodes) {
    const prev = nodes[n.nodeId];
    const merged: NodeRunState = { ...(prev ?? { status: n.status }) };
    if (!prev || (!state.ended && !isNodeFinal(prev.status))) merged.status = n.status;
    merged.startedTs ??= toMs(n.startedAt);
    merged.finishedTs ??= toMs(n.finishedAt);
    merged.durationMs ??= n.durationMs ?? undefined;
    if (merged.attempts === undefined && n.attempts > 0) merged.attempts = n.attempts;
    if (merged.input === undefined && n.input !== undefined) merged.input = n.input;
    if (merged.output === undefined && n.output !== undefined) merged.output = n.output;
    merged.error ??= n.error;
    merged.reason ??= n.reason ?? undefined;
    merged.reused ??= n.reused || undefined;
    if (!merged.usage && n.totalTokens > 0) {
      merged.usage = { promptTokens: n.promptTokens, completionTokens: n.completionTokens, totalTokens: n.totalTokens };
    }
    merged.costUsd ??= n.costUsd || undefined;
    if (!prev || !shallowEqual(prev, merged)) nodes = { ...nodes, [n.nodeId]: merged };
  }
  next.nodes = nodes;
  if (isFinished(next.status)) {
    closeUnfinished(next);
    markNeverRan(next);
  }
  return next;
}
function isNodeFinal(status: NodeStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "skipped" || status === "cancelled";
}

function shallowEqual(a: object, b: object): boolean {
  const ka = Object.keys(a) as Array<keyof typeof a>;
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
}
