/**
 * Folds a run's event stream into what the editor shows: the run's status and totals, and each
 * node's status, timing, output, error and token usage. Pure; events at or below the last seq
 * seen are ignored, so a replayed or resumed stream never double-counts.
 */
import type { ErrorInfo, NodeStatus, RunEvent, RunStatus } from "../../engine/browser.js";

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface NodeRunState {
  status: NodeStatus;
  /** Event time (ms epoch) of the latest node.started. */
  startedTs?: number;
  durationMs?: number;
  attempts?: number;
  input?: unknown;
  output?: unknown;
  /** Partial outputs received so far (async joins, mapped items). */
  partials?: number;
  error?: ErrorInfo;
  /** skipped / cancelled reason, or the last retry's error message. */
  reason?: string;
  usage?: Usage;
  costUsd?: number;
  reused?: boolean;
  /** Routers: the ids of the conditional edges taken. */
  takenEdges?: string[];
}

export interface RunState {
  runId: string | null;
  status: RunStatus;
  lastSeq: number;
  startedTs?: number;
  durationMs?: number;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: ErrorInfo;
  cancelReason?: string;
  usage?: Usage;
  costUsd?: number;
  /** Node id → state; an entry object is replaced (never mutated) when its node changes. */
  nodes: Record<string, NodeRunState>;
}

export type RunAction = { type: "reset"; runId: string | null } | { type: "event"; event: RunEvent };

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

export function runReducer(state: RunState, action: RunAction): RunState {
  if (action.type === "reset") return emptyRun(action.runId);
  const e = action.event;
  if (e.runId !== state.runId || e.seq <= state.lastSeq) return state;
  const next: RunState = { ...state, lastSeq: e.seq };
  const setNode = (nodeId: string, patch: Partial<NodeRunState>) => {
    const prev = state.nodes[nodeId] ?? { status: "pending" as NodeStatus };
    next.nodes = { ...next.nodes, [nodeId]: { ...prev, ...patch } };
  };
  switch (e.type) {
    case "run.started":
      next.status = "running";
      next.startedTs = e.ts;
      next.inputs = e.inputs;
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
      setNode(e.nodeId, { status: "queued" });
      break;
    case "node.started":
      setNode(e.nodeId, { status: "running", startedTs: e.ts, attempts: e.attempt, input: e.input, error: undefined });
      break;
    case "node.retrying":
      setNode(e.nodeId, { status: "running", attempts: e.attempt, reason: `retrying: ${e.error.message}` });
      break;
    case "node.partial":
      setNode(e.nodeId, { output: e.output, partials: (state.nodes[e.nodeId]?.partials ?? 0) + 1 });
      break;
    case "node.succeeded":
      setNode(e.nodeId, {
        status: "succeeded",
        output: e.output,
        durationMs: e.durationMs,
        usage: e.usage,
        costUsd: e.costUsd,
        reused: e.reused,
        takenEdges: e.takenEdges,
        attempts: e.attempts ?? state.nodes[e.nodeId]?.attempts,
        reason: undefined,
      });
      break;
    case "node.failed":
      setNode(e.nodeId, {
        status: "failed",
        error: e.error,
        durationMs: e.durationMs,
        usage: e.usage,
        attempts: e.attempts ?? state.nodes[e.nodeId]?.attempts,
        reason: e.continued ? "the run continued (error policy)" : undefined,
      });
      break;
    case "node.skipped":
      setNode(e.nodeId, { status: "skipped", reason: e.reason });
      break;
    case "node.cancelled":
      setNode(e.nodeId, { status: "cancelled", reason: e.reason });
      break;
  }
  if (isFinished(next.status)) {
    // Nodes still queued or running when the run ended did not finish.
    for (const [id, n] of Object.entries(next.nodes)) {
      if (n.status === "queued" || n.status === "running") {
        next.nodes = { ...next.nodes, [id]: { ...n, status: "cancelled", reason: n.reason ?? "the run ended" } };
      }
    }
  }
  return next;
}
