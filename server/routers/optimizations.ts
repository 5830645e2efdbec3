import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import { NodeIdSchema, OptimizeConfigSchema } from "../../engine/browser.js";
import { ReasonSchema } from "../../engine/schema/labels.js";
import { exampleDatasetRefName, importExampleDataset } from "../services/examples.js";
import { procedure, router } from "../trpc.js";

const viewer = procedure("viewer");
const editor = procedure("editor");

const RunId = z.string().min(1).max(200);
const RunRef = z.object({ runId: RunId });
const Status = z.enum(["running", "completed", "failed", "cancelled", "interrupted"]);
/** Closing notes of a finalized optimization: free text, at most 20 000 characters. */
const OptimizationNotes = z.string().trim().min(1, "notes must not be empty").max(20_000);

/** An SSE `lastEventId` is the `seq` of the last progress event the client saw. */
const LastEventId = z
  .string()
  .regex(/^\d+$/, "lastEventId must be the seq of an event")
  .nullish();

export const optimizationsRouter = router({
  /**
   * Validates and records the run, returns `{ runId }` at once; the optimization runs in the
   * background. Counts against the caller's start rate and concurrent-optimization cap; the
   * server's budget caps apply.
   */
  start: editor
    .input(z.object({ workflowId: NodeIdSchema, config: OptimizeConfigSchema, dataset: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) => {
      ctx.access.workflow(input.workflowId);
      ctx.services.auth.takeStart(ctx.principal);
      return ctx.services.optimizer.start({ ...input, actor: ctx.principal.name });
    }),

  /** The run record: status, summaries (test figures null when not re-scored), totals of every model call, stopReason, budgetExhausted. */
  get: viewer.input(RunRef).query(async ({ ctx, input }) => {
    const run = await ctx.services.optimizer.get(input.runId);
    if (!run) throw new TRPCError({ code: "NOT_FOUND", message: `optimization run "${input.runId}" not found` });
    ctx.access.workflow(run.workflowId);
    return run;
  }),

  /** Newest first, paginated; a caller limited to some workflows sees only theirs. */
  list: viewer
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
    .query(({ ctx, input }) => {
      if (input.workflowId) ctx.access.workflow(input.workflowId);
      return ctx.services.optimizer.list({ ...input, workflowIds: ctx.access.workflowFilter() });
    }),

  /** Stops a running optimization; it stays resumable. */
  cancel: editor.input(RunRef).mutation(async ({ ctx, input }) => {
    await ctx.access.optimization(input.runId);
    return ctx.services.optimizer.cancel(input.runId);
  }),

  /**
   * Continues an interrupted or cancelled optimization, or one that failed for a transient cause
   * (error code TRANSIENT or INTERRUPTED), in the background: stored candidates are not
   * re-evaluated and the recorded spend carries on. CONFLICT (saying why) for a real failure.
   */
  resume: editor.input(RunRef).mutation(async ({ ctx, input }) => {
    await ctx.access.optimization(input.runId);
    ctx.services.auth.takeStart(ctx.principal);
    return ctx.services.optimizer.resume(input.runId, ctx.principal.name);
  }),

  /**
   * Saves one evaluated candidate's parameters as a `candidate` version of each target node
   * (idempotent: the same parameters give the same version, `created: false`); returns
   * `[{ nodeId, version, created }]`. NOT_FOUND for an unknown run or candidate, CONFLICT for a
   * rejected (or failed) one.
   */
  saveCandidate: editor
    .input(RunRef.extend({ index: z.number().int().min(0) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.access.optimization(input.runId);
      return ctx.services.optimizer.saveCandidate(input.runId, input.index, ctx.principal.name);
    }),

  /**
   * Saves one evaluated candidate as a version of each target node and promotes it, with the
   * reason recorded, in one transaction (a failed promotion leaves no version behind); returns
   * `[{ nodeId, version, created, changed, from }]`. Errors as saveCandidate, and INPUT_INVALID
   * naming `reason`.
   */
  promoteCandidate: editor
    .input(RunRef.extend({ index: z.number().int().min(0), reason: ReasonSchema }))
    .mutation(async ({ ctx, input }) => {
      await ctx.access.optimization(input.runId);
      return ctx.services.optimizer.promoteCandidate(input.runId, input.index, input.reason, ctx.principal.name);
    }),

  /**
   * Imports the dataset file an optimizer node names when it is one of the examples folder's
   * (`examples/qa.dataset.jsonl` → dataset `qa`); any other path is NOT_FOUND: the server never
   * opens a file a user names. Same versioning as datasets.import (the same rows: no new version).
   */
  importExampleDataset: editor
    .input(z.object({ ref: z.string().min(1).max(500) }))
    .mutation(async ({ ctx, input }) => {
      const name = exampleDatasetRefName(input.ref);
      // As datasets.import: a token limited to some workflows may not version a shared dataset.
      if (name && ctx.access.workflowFilter() !== undefined && (await ctx.services.datasets.get(name, undefined, { limit: 0 }))) {
        ctx.access.unlimited(`adding a version to the shared dataset "${name}"`);
      }
      return importExampleDataset(ctx.services.datasets, input.ref);
    }),

  /**
   * Finalizes a run that is no longer running with closing notes (what was learned, what was
   * promoted); finalizing again replaces them. CONFLICT while the run is running.
   */
  finalize: editor
    .input(RunRef.extend({ notes: OptimizationNotes }))
    .mutation(async ({ ctx, input }) => {
      await ctx.access.optimization(input.runId);
      return ctx.services.optimizer.finalize(input.runId, input.notes);
    }),

  candidates: viewer
    .input(
      RunRef.extend({
        split: z.string().min(1).max(50).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        cursor: z.number().int().min(0).optional(),
        perExample: z.boolean().default(false),
      }),
    )
    .query(async ({ ctx, input }) => {
      await ctx.access.optimization(input.runId);
      return ctx.services.optimizer.candidates(input.runId, input);
    }),

  /**
   * Progress events (candidates done, best objectives, spend, status changes), each `tracked`
   * with its seq so a reconnecting client (lastEventId) resumes after the last one it saw.
   */
  progress: viewer
    .input(z.object({ runId: RunId, lastEventId: LastEventId }))
    .subscription(async ({ ctx, input, signal }) => {
      await ctx.access.optimization(input.runId);
      const afterSeq = input.lastEventId != null ? Number(input.lastEventId) : undefined;
      // Awaited here, so an unknown run is NOT_FOUND before the stream starts.
      const events = await ctx.services.optimizer.progress(input.runId, afterSeq, signal);
      return (async function* () {
        for await (const event of events) yield tracked(String(event.seq), event);
      })();
    }),
});
