import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import { NodeIdSchema, RunStatusSchema, type RunEvent } from "../../engine/browser.js";
import { checkRunInputSize } from "../../engine/graph/inputs.js";
import { procedure, router } from "../trpc.js";

const viewer = procedure("viewer");
const editor = procedure("editor");

const RunId = z.string().min(1).max(200);
const RunRef = z.object({ runId: RunId });

/** An SSE `lastEventId` is the `seq` of the last event the client saw (see `tracked` below). */
const LastEventId = z
  .string()
  .regex(/^\d+$/, "lastEventId must be the seq of an event")
  .nullish();

export const runsRouter = router({
  /** Starts a run of the workflow's latest version with production parameters; counts against the caller's start rate. */
  start: editor
    .input(
      z.object({
        workflowId: NodeIdSchema,
        inputs: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.access.workflow(input.workflowId);
      // Before the start is counted: an oversized request is refused as a whole (400 naming the field).
      checkRunInputSize(input.inputs);
      ctx.services.auth.takeStart(ctx.principal);
      return ctx.services.runs.start({ workflowId: input.workflowId, inputs: input.inputs });
    }),

  rerun: editor.input(z.object({ runId: RunId, fromNodeId: NodeIdSchema })).mutation(async ({ ctx, input }) => {
    await ctx.access.run(input.runId);
    ctx.services.auth.takeStart(ctx.principal);
    return ctx.services.runs.rerun(input);
  }),

  cancel: editor.input(RunRef).mutation(async ({ ctx, input }) => {
    await ctx.access.run(input.runId);
    return { ok: ctx.services.runs.cancel(input.runId) };
  }),
  pause: editor.input(RunRef).mutation(async ({ ctx, input }) => {
    await ctx.access.run(input.runId);
    return { ok: ctx.services.runs.pause(input.runId) };
  }),
  resume: editor.input(RunRef).mutation(async ({ ctx, input }) => {
    await ctx.access.run(input.runId);
    return { ok: ctx.services.runs.resume(input.runId) };
  }),

  get: viewer.input(RunRef).query(async ({ ctx, input }) => {
    const run = await ctx.services.runs.get(input.runId);
    if (!run) throw new TRPCError({ code: "NOT_FOUND", message: `run "${input.runId}" not found` });
    ctx.access.workflow(run.workflowId);
    return run;
  }),

  /** Newest first, paginated; a caller limited to some workflows sees only their runs. */
  list: viewer
    .input(
      z
        .object({
          workflowId: NodeIdSchema.optional(),
          status: RunStatusSchema.optional(),
          limit: z.number().int().min(1).max(500).optional(),
          cursor: z.string().min(1).optional(),
        })
        .default({}),
    )
    .query(({ ctx, input }) => {
      if (input.workflowId) ctx.access.workflow(input.workflowId);
      return ctx.services.runs.list({ ...input, workflowIds: ctx.access.workflowFilter() });
    }),

  /**
   * The run's events: stored ones first (replayed from the database), then live ones; the
   * stream ends after the terminal event. Every event is `tracked` with its seq, so a client
   * that reconnects (httpSubscriptionLink sends `lastEventId`) resumes right after the last
   * event it got, without loss or repetition.
   */
  events: viewer
    .input(z.object({ runId: RunId, lastEventId: LastEventId }))
    .subscription(async ({ ctx, input, signal }) => {
      const runs = ctx.services.runs;
      // Checked before the stream starts (a generator body would only run on first read):
      // a live run is in memory, any other run the client can know of is in the history.
      if (!(await ctx.access.run(input.runId)) && !runs.handle(input.runId)) {
        throw new TRPCError({ code: "NOT_FOUND", message: `run "${input.runId}" not found` });
      }
      const afterSeq = input.lastEventId != null ? Number(input.lastEventId) : undefined;
      const events: AsyncIterable<RunEvent> = runs.events(input.runId, afterSeq, signal);
      return (async function* () {
        for await (const event of events) {
          yield tracked(String(event.seq), event);
        }
      })();
    }),
});
