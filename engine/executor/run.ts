import { randomUUID } from "node:crypto";
import { createActor } from "xstate";
import { errorMessage, FlowtuneError } from "../errors.js";
import { resolveInputs } from "../graph/inputs.js";
import { descendantsOf, topologicalOrder } from "../graph/model.js";
import { isPreparedGraph, prepareGraphCooperatively } from "../graph/prepare.js";
import type { ErrorInfo, RunEvent, RunStatus } from "../schema/events.js";
import { EventBus } from "./event-bus.js";
import { runMachine } from "./machine.js";
import { RunCore } from "./run-core.js";
import { Scheduler } from "./scheduler.js";
import type { NodeResult, RunHandle, RunOptions, RunResult } from "./types.js";

/**
 * Validates the graph and inputs, then starts a run. Invalid graphs or inputs throw before
 * anything is written to the history.
 */
export async function createRun(opts: RunOptions): Promise<RunHandle> {
  const now = opts.now ?? Date.now;
  // A server starts runs of stored graphs of up to 2,000 nodes: validating one must not hold the event loop.
  const prepared = isPreparedGraph(opts.graph) ? opts.graph : await prepareGraphCooperatively(opts.graph);
  const graph = prepared.graph;
  let inputs: Record<string, unknown>;
  let reused: Map<string, { output: unknown; takenEdges?: string[] }> | undefined;
  if (opts.fromRun) {
    const parent = await opts.historyReader?.loadRun(opts.fromRun.runId);
    if (!parent) throw new FlowtuneError("NOT_FOUND", `run ${opts.fromRun.runId} not found`);
    const idx = prepared.index;
    if (!idx.nodes.has(opts.fromRun.nodeId)) {
      throw new FlowtuneError("NOT_FOUND", `node "${opts.fromRun.nodeId}" does not exist in the graph`, { nodeId: opts.fromRun.nodeId });
    }
    inputs = parent.inputs;
    const rerun = descendantsOf(idx, opts.fromRun.nodeId);
    reused = new Map();
    for (const [id, n] of Object.entries(parent.nodes)) {
      if (!rerun.has(id) && idx.nodes.has(id) && n.status === "succeeded") reused.set(id, { output: n.output, takenEdges: n.takenEdges });
    }
  } else {
    inputs = resolveInputs(graph, opts.inputs);
  }

  const index = prepared.index;
  const runId = opts.runId ?? randomUUID();
  const workflowId = opts.workflowId ?? graph.id;
  // The run starts at once; the history's begin() is the head of its write chain.
  const begun = opts.history?.begin({ runId, workflowId, graph, inputs, parentRunId: opts.fromRun?.runId });
  const bus = new EventBus(runId, opts.history, now, begun);
  const scheduler = new Scheduler(index);
  const joinTimers: NodeJS.Timeout[] = [];
  const armed = new Set<string>();
  const core = new RunCore(
    index,
    scheduler,
    bus,
    opts.providers,
    inputs,
    (aggId, ms) => {
      if (armed.has(aggId)) return;
      armed.add(aggId);
      joinTimers.push(setTimeout(() => actor.send({ type: "JOIN_TIMEOUT", nodeId: aggId }), ms));
    },
    opts.renderOwner ?? runId,
    opts.memory ? { store: opts.memory, workflowId, runId } : undefined,
    opts.services,
  );
  const started = now();

  bus.emit({
    type: "run.started",
    workflowId,
    graphChecksum: prepared.checksum,
    inputs,
    parentRunId: opts.fromRun?.runId,
    fromNodeId: opts.fromRun?.nodeId,
    parameterVersions: opts.parameterVersions,
    ...(opts.parameterOverrides?.length ? { parameterOverrides: opts.parameterOverrides } : {}),
    ...(opts.draft ? { draft: opts.draft } : {}),
  });
  if (reused) {
    // Reused nodes must never become ready: they are settled from the parent run instead.
    for (const id of reused.keys()) scheduler.markFired(id);
    for (const id of topologicalOrder(index).order) {
      const r = reused.get(id);
      if (r) core.reuse(id, r.output, r.takenEdges);
    }
  }
  for (const id of scheduler.roots()) {
    if (!scheduler.isFired(id)) {
      scheduler.markFired(id);
      core.ready.push(id);
    }
  }

  // Created only now: the machine's initial entry already launches the ready nodes.
  const actor = createActor(runMachine, { input: { core } });
  let resolveResult!: (r: RunResult) => void;
  const result = new Promise<RunResult>((r) => (resolveResult = r));
  const timers: NodeJS.Timeout[] = [];
  if (graph.timeoutMs) {
    const ms = graph.timeoutMs;
    timers.push(setTimeout(() => actor.send({ type: "TIMEOUT", error: { code: "RUN_TIMEOUT", message: `run timed out after ${ms} ms` } }), ms));
  }
  const onOuterAbort = () => actor.send({ type: "CANCEL", reason: String(opts.signal?.reason ?? "aborted") });
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });

  actor.subscribe({
    complete: () => {
      for (const t of [...timers, ...joinTimers]) clearTimeout(t);
      opts.signal?.removeEventListener("abort", onOuterAbort);
      const snap = actor.getSnapshot();
      const status = snap.value as RunResult["status"];
      const durationMs = now() - started;
      const outputs: Record<string, unknown> = {};
      for (const n of graph.nodes) {
        if (n.kind === "output" && scheduler.status.get(n.id) === "succeeded") outputs[n.id] = scheduler.outputs.get(n.id);
      }
      const error: ErrorInfo | undefined = snap.context.error;
      if (status === "succeeded") {
        bus.emit({ type: "run.completed", outputs, durationMs, usage: { ...core.usage }, costUsd: core.costUsd });
      } else if (status === "failed") {
        bus.emit({ type: "run.failed", error: error!, durationMs });
      } else {
        bus.emit({ type: "run.cancelled", reason: snap.context.cancelReason ?? "cancelled", durationMs });
      }
      const nodes: Record<string, NodeResult> = {};
      for (const [id, st] of scheduler.status) nodes[id] = { status: st, output: scheduler.outputs.get(id), error: core.nodeErrors.get(id) };
      void bus.flush().then(() =>
        resolveResult({
          runId,
          status,
          outputs,
          nodes,
          error,
          durationMs,
          usage: { ...core.usage },
          costUsd: core.costUsd,
          historyError: bus.historyError === undefined ? undefined : errorMessage(bus.historyError),
        }),
      );
    },
  });
  if (opts.signal?.aborted) queueMicrotask(onOuterAbort);
  actor.start();

  let paused = false;
  return {
    runId,
    recorded: (begun ?? Promise.resolve()).catch(() => undefined),
    result,
    events: () => bus.events(),
    subscribe: (l: (e: RunEvent) => void) => bus.subscribe(l),
    cancel: (reason = "cancelled by user") => actor.send({ type: "CANCEL", reason }),
    pause: () => {
      paused = true;
      actor.send({ type: "PAUSE" });
    },
    resume: () => {
      paused = false;
      actor.send({ type: "RESUME" });
    },
    status: (): RunStatus => {
      const v = actor.getSnapshot().value as string;
      return v === "running" && paused ? "paused" : (v as RunStatus);
    },
  };
}

/** Runs a graph to completion and returns its result. */
export async function runGraph(opts: RunOptions): Promise<RunResult> {
  return (await createRun(opts)).result;
}
