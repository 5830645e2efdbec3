import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import { GraphValidationError, NodeIdSchema, RunStatusSchema, type Graph, type GraphInput, type RunEvent } from "../../engine/browser.js";
import { checkRunInputSize } from "../../engine/graph/inputs.js";
import { parseGraphCooperatively } from "../../engine/graph/validate.js";
import { showValue } from "../../engine/util/show-value.js";
import { withDraftMarks } from "../services/draft-runs.js";
import { procedure, router } from "../trpc.js";

const viewer = procedure("viewer");
const editor = procedure("editor");

const RunId = z.string().min(1).max(200);
const RunRef = z.object({ runId: RunId });

/** A draft graph arrives untyped and is checked like a save (located issues, not zod's); see workflows.ts. */
const GraphDocument = z.custom<GraphInput>((v) => typeof v === "object" && v !== null && !Array.isArray(v), {
  message: "graph must be a JSON object",
});

/** The draft graph, validated as strictly as a save; its id must be the workflow's. */
async function parseDraft(doc: GraphInput, workflowId: string): Promise<Graph> {
  const graphId = (doc as { id?: unknown }).id;
  if (graphId !== workflowId) {
    throw new GraphValidationError([{ field: "id", message: `graph id ${showValue(graphId)} does not match workflow "${workflowId}"` }]);
  }
  return parseGraphCooperatively(doc);
}

/** An SSE `lastEventId` is the `seq` of the last event the client saw (see `tracked` below). */
const LastEventId = z
  .string()
  .regex(/^\d+$/, "lastEventId must be the seq of an event")
  .nullish();

export const runsRouter = router({
  /**
   * Starts a run of the workflow's latest version with production parameters; counts against the
   * caller's start rate. With `graph` it runs that unsaved draft of the workflow ("run what you
   * see"), validated as strictly as a save and recorded as a draft of `baseVersion` (default: latest).
   */
  start: editor
    .input(
      z.object({
        workflowId: NodeIdSchema,
        inputs: z.record(z.string(), z.unknown()).default({}),
        graph: GraphDocument.optional(),
        baseVersion: z.number().int().min(1).optional(),
        /** AI node id → a parameter version to run instead of production (e.g. a draft). */
        parameterVersions: z
          .record(NodeIdSchema, z.number().int().min(1))
          .refine((r) => Object.keys(r).length <= 100, { message: "at most 100 parameter version overrides" })
          .optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      ctx.access.workflow(input.workflowId);
      // Before the start is counted: an oversized request is refused as a whole (400 naming the field).
      checkRunInputSize(input.inputs);
      const graph = input.graph === undefined ? undefined : await parseDraft(input.graph, input.workflowId);
      ctx.services.auth.takeStart(ctx.principal);
      return ctx.services.runs.start({ workflowId: input.workflowId, inputs: input.inputs, graph, baseVersion: input.baseVersion, parameterVersions: input.parameterVersions });
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
    const [marked] = await withDraftMarks(ctx.services.db.prisma, [run]);
    return marked;
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
    .query(async ({ ctx, input }) => {
      if (input.workflowId) ctx.access.workflow(input.workflowId);
      const page = await ctx.services.runs.list({ ...input, workflowIds: ctx.access.workflowFilter() });
      return { ...page, runs: await withDraftMarks(ctx.services.db.prisma, page.runs) };
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
