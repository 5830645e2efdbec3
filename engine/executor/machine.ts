import { enqueueActions, fromPromise, setup, type DoneActorEvent } from "xstate";
import type { ErrorInfo } from "../schema/events.js";
import { runNodeJob } from "./node-runner.js";
import type { LaunchJob, NodeActorOutput, RunCore } from "./run-core.js";

export type RunMachineEvent =
  | { type: "PAUSE" }
  | { type: "RESUME" }
  | { type: "CANCEL"; reason: string }
  | { type: "TIMEOUT"; error: ErrorInfo }
  | { type: "JOIN_TIMEOUT"; nodeId: string };

type NodeDone = DoneActorEvent<NodeActorOutput>;

/** One node execution as an actor: runs the node job and reports back (failures are data, never rejections). */
export const nodeActor = fromPromise<NodeActorOutput, LaunchJob>(async ({ input }) => ({
  nodeId: input.node.id,
  result: await runNodeJob(input),
}));

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
    events: {} as RunMachineEvent | NodeDone,
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
      const out = (event as NodeDone).output;
      context.core.complete(out, continues(context.core, out.nodeId));
    },
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
        "xstate.done.actor.*": { actions: ["settle", "launch"] },
        JOIN_TIMEOUT: { actions: ["fireJoin", "launch"] },
        PAUSE: "paused",
      },
    },
    paused: {
      entry: ({ context }) => context.core.bus.emit({ type: "run.paused" }),
      always: [{ guard: "failedHard", target: "failed" }],
      on: {
        "xstate.done.actor.*": { actions: "settle" },
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
