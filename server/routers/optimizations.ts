import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import { NodeIdSchema, OptimizeConfigSchema } from "../../engine/browser.js";
import { publicProcedure, router } from "../trpc.js";

// Authentication comes later: the caller's identity will come from ctx (the session) instead.
const ACTOR = "api";

const RunId = z.string().min(1).max(200);
const RunRef = z.object({ runId: RunId });
const Status = z.enum(["running", "completed", "failed", "cancelled", "interrupted"]);

/** An SSE `lastEventId` is the `seq` of the last progress event the client saw. */
const LastEventId = z
  .string()
  .regex(/^\d+$/, "lastEventId must be the seq of an event")
  .nullish();

export const optimizationsRouter = router({
  /** Validates and records the run, returns `{ runId }` at once; the optimization runs in the background. */
  start: publicProcedure
    .input(z.object({ workflowId: NodeIdSchema, config: OptimizeConfigSchema, dataset: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) => ctx.services.optimizer.start({ ...input, actor: ACTOR })),

  get: publicProcedure.input(RunRef).query(async ({ ctx, input }) => {
    const run = await ctx.services.optimizer.get(input.runId);
    if (!run) throw new TRPCError({ code: "NOT_FOUND", message: `optimization run "${input.runId}" not found` });
    return run;
  }),

  list: publicProcedure
    .input(
      z
        .object({
          workflowId: NodeIdSchema.optional(),
          status: Status.optional(),
          limit: z.number().int().min(1).max(500).default(50),
          cursor: z.string().min(1).optional(),
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => ctx.services.optimizer.list(input)),

  /** Stops a running optimization; it stays resumable. */
  cancel: publicProcedure.input(RunRef).mutation(({ ctx, input }) => ctx.services.optimizer.cancel(input.runId)),

  /** Continues an interrupted or cancelled optimization in the background (stored candidates are not re-evaluated). */
  resume: publicProcedure.input(RunRef).mutation(({ ctx, input }) => ctx.services.optimizer.resume(input.runId)),

  candidates: publicProcedure
    .input(
      RunRef.extend({
        split: z.string().min(1).max(50).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        cursor: z.number().int().min(0).optional(),
        perExample: z.boolean().default(false),
      }),
    )
    .query(({ ctx, input }) => ctx.services.optimizer.candidates(input.runId, input)),

  /**
   * Progress events (candidates done, best objectives, spend, status changes), each `tracked`
   * with its seq so a reconnecting client (lastEventId) resumes after the last one it saw.
   */
  progress: publicProcedure
    .input(z.object({ runId: RunId, lastEventId: LastEventId }))
    .subscription(async ({ ctx, input, signal }) => {
      const afterSeq = input.lastEventId != null ? Number(input.lastEventId) : undefined;
      // Awaited here, so an unknown run is NOT_FOUND before the stream starts.
      const events = await ctx.services.optimizer.progress(input.runId, afterSeq, signal);
      return (async function* () {
        for await (const event of events) yield tracked(String(event.seq), event);
      })();
    }),
});
