import type { Graph, GraphInput } from "../schema/graph.js";
import type { PreparedGraph } from "../graph/prepare.js";
import type { ErrorInfo, NodeStatus, RunEvent, RunStatus } from "../schema/events.js";
import type { ProviderRegistry } from "../providers/types.js";
import type { MemoryStore } from "../memory/types.js";
import type { RunServices } from "../services/types.js";
import type { RunHistoryReader, RunHistorySink } from "./history.js";

/** Everything a run needs from outside the engine; the server, CLI and tests supply these. */
export interface RunOptions {
  /** Validated (and defaulted) before anything runs or is written. */
  graph: Graph | GraphInput | PreparedGraph;
  inputs: Record<string, unknown>;
  providers: ProviderRegistry;
  /** Durable history; omitted for in-memory runs (tests, benchmarks). */
  history?: RunHistorySink;
  /** Needed for `fromRun`: where the parent run's outputs are read from. */
  historyReader?: RunHistoryReader;
  /** Re-run: reuse the outputs of `fromRun.runId` upstream of `fromRun.nodeId`, execute the rest. */
  fromRun?: { runId: string; nodeId: string };
  /** Recorded in run.started: which parameter version each AI node's config came from. */
  parameterVersions?: Record<string, number>;
  /** Recorded in run.started: the AI nodes whose version was chosen for this run instead of production's. */
  parameterOverrides?: string[];
  /** Recorded in run.started: the graph is an unsaved draft of the workflow's saved `baseVersion`. */
  draft?: { baseVersion: number };
  /** Defaults to the graph id (the CLI and server pass the stored workflow id). */
  workflowId?: string;
  runId?: string;
  /**
   * Owner of the run's template renders, served in turn with other owners by the render workers
   * (default: the run id). An optimization passes its own id so that all its example runs count as one.
   */
  renderOwner?: string;
  /** Conversation memory of AI nodes with `memory` (engine/memory/); without it they run without memory and say so. */
  memory?: MemoryStore;
  /** Stored workflows and MCP servers the run's nodes and tools may call (engine/services). */
  services?: RunServices;
  /** An outside abort (e.g. the server shutting down) cancels the run. */
  signal?: AbortSignal;
  /** Time source, injectable for tests. */
  now?: () => number;
}

export interface NodeResult {
  status: NodeStatus;
  output?: unknown;
  error?: ErrorInfo;
  durationMs?: number;
  attempts?: number;
}

/** What a finished run resolves to. */
export interface RunResult {
  runId: string;
  status: Extract<RunStatus, "succeeded" | "failed" | "cancelled">;
  /** Output node id → its output. */
  outputs: Record<string, unknown>;
  nodes: Record<string, NodeResult>;
  error?: ErrorInfo;
  durationMs: number;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  costUsd: number;
  /** Set when the run history could not be written (the run itself still ran). */
  historyError?: string;
}

/** A run in progress. */
export interface RunHandle {
  readonly runId: string;
  /** Resolves once the history has recorded the run's start (at once without a history; never rejects). */
  readonly recorded: Promise<void>;
  /** Resolves when the run ends (never rejects; failures are in `status`). */
  readonly result: Promise<RunResult>;
  /** Every event from the start, then live ones, ending after the terminal event. */
  events(): AsyncIterable<RunEvent>;
  /** Calls `listener` for each event from now on; returns an unsubscribe function. */
  subscribe(listener: (e: RunEvent) => void): () => void;
  cancel(reason?: string): void;
  /** In-flight nodes finish; no new node starts until resume(). */
  pause(): void;
  resume(): void;
  status(): RunStatus;
}
