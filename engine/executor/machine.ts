import { fromCallback, sendTo, setup } from "xstate";
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

type Launch = { type: "LAUNCH"; jobs: LaunchJob[] };

/**
 * The run's node executions, as one long-lived actor: it runs each launched job and reports back
 * to the run (failures are data, never rejections). One actor rather than one per node: XState
 * copies the children map on every spawn and stop, which made a 1,000-wide fan-out quadratic.
 * When the run reaches a final state the pool is stopped and late results are dropped.
 */
export const nodePool = fromCallback<Launch>(({ sendBack, receive }) => {
  receive(({ jobs }) => {
    for (const job of jobs) {
      void runNodeJob(job).then((result) => sendBack({ type: "NODE_DONE", actorId: job.actorId, nodeId: job.node.id, result } satisfies NodeDone));
    }
  });
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
  actors: { pool: nodePool },
  guards: {
    failedHard: ({ context }) => context.core.failure !== undefined,
    finished: ({ context }) => context.core.finished(),
  },
  actions: {
    launch: sendTo("pool", ({ context }): Launch => ({ type: "LAUNCH", jobs: context.core.takeLaunchable() })),
    settle: ({ context, event }) => {
      const done = event as NodeDone;
      context.core.complete(done, continues(context.core, done.nodeId));
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
  invoke: { id: "pool", src: "pool" },
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
        NODE_DONE: { actions: ["settle", "launch"] },
        JOIN_TIMEOUT: { actions: ["fireJoin", "launch"] },
        PAUSE: "paused",
      },
    },
    paused: {
      entry: ({ context }) => context.core.bus.emit({ type: "run.paused" }),
      always: [{ guard: "failedHard", target: "failed" }],
      on: {
        NODE_DONE: { actions: "settle" },
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
