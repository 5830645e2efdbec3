import { enqueueActions, fromCallback, setup, stopChild } from "xstate";
import type { ErrorInfo } from "../schema/events.js";
import { runNodeJob } from "./node-runner.js";
import type { LaunchJob, NodeActorOutput, RunCore } from "./run-core.js";

export type RunMachineEvent =
  | { type: "PAUSE" }
  | { type: "RESUME" }
  | { type: "CANCEL"; reason: string }
  | { type: "TIMEOUT"; error: ErrorInfo }
  | { type: "JOIN_TIMEOUT"; nodeId: string }
  | NodeDone;

type NodeDone = { type: "NODE_DONE"; actorId: string } & NodeActorOutput;

/**
 * One node execution as an actor: runs the node job and reports back to the run (failures are
 * data, never rejections). A callback actor rather than fromPromise: it costs no extra
 * AbortController, and a stopped actor's late result is dropped by XState.
 */
export const nodeActor = fromCallback<NodeDone, LaunchJob>(({ input, sendBack }) => {
  void runNodeJob(input).then((result) => sendBack({ type: "NODE_DONE", actorId: input.actorId, nodeId: input.node.id, result }));
});

function continues(core: RunCore, nodeId: string): boolean {
  const p = core.index.nodes.get(nodeId)!.onError;
  return p?.mode === "continue" || (p?.mode === "retry" && p.then === "continue");
}

/**
 * The run machine: `running` launches ready nodes as child actors, `paused` lets in-flight nodes
 * finish without launching new ones; `succeeded`, `failed` and `cancelled` are final. The
 * scheduling rules themselves live in the Scheduler that RunCore wraps.
 */
export const runMachine = setup({
  types: {
    context: {} as { core: RunCore; error?: ErrorInfo; cancelReason?: string },
    input: {} as { core: RunCore },
    events: {} as RunMachineEvent,
  },
  actors: { node: nodeActor },
  guards: {
    failedHard: ({ context }) => context.core.failure !== undefined,
    finished: ({ context }) => context.core.finished(),
  },
  actions: {
    launch: enqueueActions(({ context, enqueue }) => {
      for (const job of context.core.takeLaunchable()) enqueue.spawnChild("node", { id: job.actorId, input: job });
    }),
    settle: ({ context, event }) => {
      const done = event as NodeDone;
      context.core.complete(done, continues(context.core, done.nodeId));
    },
    // XState copies the children map on every spawn: removing each node actor as it finishes
    // keeps a step O(in-flight), not O(run).
    reap: stopChild(({ event }) => (event as NodeDone).actorId),
    fireJoin: ({ context, event }) => {
      const { nodeId } = event as { nodeId: string };
      context.core.apply(context.core.scheduler.fireJoinEarly(nodeId));
    },
  },
}).createMachine({
  id: "run",
  context: ({ input }) => ({ core: input.core }),
  initial: "running",
  on: {
    CANCEL: { target: ".cancelled", actions: ({ context, event }) => (context.cancelReason = event.reason) },
    TIMEOUT: { target: ".failed", actions: ({ context, event }) => (context.error = event.error) },
  },
  states: {
    running: {
      entry: "launch",
      always: [
        { guard: "failedHard", target: "failed" },
        { guard: "finished", target: "succeeded" },
      ],
      on: {
        NODE_DONE: { actions: ["reap", "settle", "launch"] },
        JOIN_TIMEOUT: { actions: ["fireJoin", "launch"] },
        PAUSE: "paused",
      },
    },
    paused: {
      entry: ({ context }) => context.core.bus.emit({ type: "run.paused" }),
      always: [{ guard: "failedHard", target: "failed" }],
      on: {
        NODE_DONE: { actions: ["reap", "settle"] },
        JOIN_TIMEOUT: { actions: "fireJoin" },
        RESUME: { target: "running", actions: ({ context }) => context.core.bus.emit({ type: "run.resumed" }) },
      },
    },
    succeeded: { type: "final" },
    failed: {
      type: "final",
      entry: ({ context }) => {
        context.error ??= context.core.failure;
        context.core.abortAll(`run failed: ${context.error?.message ?? "unknown error"}`);
      },
    },
    cancelled: { type: "final", entry: ({ context }) => context.core.abortAll(`run cancelled: ${context.cancelReason}`) },
  },
});
