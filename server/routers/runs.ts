import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import { NodeIdSchema, RunStatusSchema, type RunEvent } from "../../engine/browser.js";
import { publicProcedure, router } from "../trpc.js";

const RunId = z.string().min(1).max(200);
const RunRef = z.object({ runId: RunId });

/** An SSE `lastEventId` is the `seq` of the last event the client saw (see `tracked` below). */
const LastEventId = z
  .string()
  .regex(/^\d+$/, "lastEventId must be the seq of an event")
  .nullish();

export const runsRouter = router({
  start: publicProcedure
    .input(
      z.object({
        workflowId: NodeIdSchema,
        inputs: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.runs.start({ workflowId: input.workflowId, inputs: input.inputs })),

  rerun: publicProcedure
    .input(z.object({ runId: RunId, fromNodeId: NodeIdSchema }))
    .mutation(({ ctx, input }) => ctx.services.runs.rerun(input)),

  cancel: publicProcedure.input(RunRef).mutation(({ ctx, input }) => ({ ok: ctx.services.runs.cancel(input.runId) })),
  pause: publicProcedure.input(RunRef).mutation(({ ctx, input }) => ({ ok: ctx.services.runs.pause(input.runId) })),
  resume: publicProcedure.input(RunRef).mutation(({ ctx, input }) => ({ ok: ctx.services.runs.resume(input.runId) })),

  get: publicProcedure.input(RunRef).query(async ({ ctx, input }) => {
    const run = await ctx.services.runs.get(input.runId);
    if (!run) throw new TRPCError({ code: "NOT_FOUND", message: `run "${input.runId}" not found` });
    return run;
  }),

  list: publicProcedure
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
    .query(({ ctx, input }) => ctx.services.runs.list(input)),

  /**
   * The run's events: stored ones first (replayed from the database), then live ones; the
   * stream ends after the terminal event. Every event is `tracked` with its seq, so a client
   * that reconnects (httpSubscriptionLink sends `lastEventId`) resumes right after the last
   * event it got, without loss or repetition.
   */
  events: publicProcedure
    .input(z.object({ runId: RunId, lastEventId: LastEventId }))
    .subscription(async ({ ctx, input, signal }) => {
      const runs = ctx.services.runs;
      // Checked before the stream starts (a generator body would only run on first read):
      // a live run is in memory, any other run the client can know of is in the history.
      if (!runs.handle(input.runId) && !(await runs.get(input.runId))) {
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
