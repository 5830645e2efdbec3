import type { Graph } from "../schema/graph.js";
import type { NodeStatus, RunEvent, RunStatus } from "../schema/events.js";

/**
 * Where the executor writes its events. Implementations must persist a batch atomically
 * (one transaction per batch), so the executor never pays a transaction per event.
 */
export interface RunHistorySink {
  /** Called once before any event, with what a reader needs to re-run this run later. */
  begin(run: { runId: string; workflowId: string; graph: Graph; inputs: Record<string, unknown>; parentRunId?: string }): Promise<void>;
  /** Persists events in order; `events` is non-empty and sequence numbers are contiguous. */
  write(events: RunEvent[]): Promise<void>;
}

/** A finished (or interrupted) run as the history stored it; enough to re-run from a node. */
export interface StoredRun {
  runId: string;
  workflowId: string;
  status: RunStatus;
  graph: Graph;
  inputs: Record<string, unknown>;
  nodes: Record<string, { status: NodeStatus; output?: unknown; takenEdges?: string[] }>;
}

/** Reads stored runs (for re-run from a node). */
export interface RunHistoryReader {
  loadRun(runId: string): Promise<StoredRun | undefined>;
}
