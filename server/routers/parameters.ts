import { z } from "zod";
import { NodeIdSchema } from "../../engine/browser.js";
import { publicProcedure, router } from "../trpc.js";

// Authentication comes later: the caller's identity will come from ctx (the session) instead.
const ACTOR = "api";

const NodeRef = z.object({ workflowId: NodeIdSchema, nodeId: NodeIdSchema });
const Version = z.number().int().min(1);
const Reason = z.string().trim().min(1).max(2000);

export const parametersRouter = router({
  /** Every version of an AI node (oldest first) and its production version; creates v1 on first touch. */
  versions: publicProcedure.input(NodeRef).query(({ ctx, input }) => ctx.services.parameters.listVersions(input.workflowId, input.nodeId, ACTOR)),

  /** The production version of an AI node, with its parameters and the pointer's move history. */
  production: publicProcedure.input(NodeRef).query(async ({ ctx, input }) => {
    const { production, versions } = await ctx.services.parameters.listVersions(input.workflowId, input.nodeId, ACTOR);
    const history = await ctx.services.parameters.history(input.workflowId, input.nodeId);
    return { version: versions.find((v) => v.version === production)!, history };
  }),

  /** Points production at `version`; NOT_FOUND for an unknown version. */
  promote: publicProcedure
    .input(NodeRef.extend({ version: Version, reason: Reason }))
    .mutation(({ ctx, input }) => ctx.services.parameters.promote({ ...input, actor: ACTOR })),

  /** Moves production back (to the version before the last promotion, or `to`); CONFLICT when there is nothing to roll back. */
  rollback: publicProcedure
    .input(NodeRef.extend({ to: Version.optional(), reason: Reason }))
    .mutation(({ ctx, input }) => ctx.services.parameters.rollback({ ...input, actor: ACTOR })),

  /** Parameter changes and metric deltas from version a to version b. */
  diff: publicProcedure
    .input(NodeRef.extend({ a: Version, b: Version }))
    .query(({ ctx, input }) => ctx.services.parameters.diff(input.workflowId, input.nodeId, input.a, input.b)),

  /** Audit events of a workflow (or one node), newest first. */
  audit: publicProcedure
    .input(z.object({ workflowId: NodeIdSchema, nodeId: NodeIdSchema.optional(), limit: z.number().int().min(1).max(1000).default(100) }))
    .query(({ ctx, input }) => ctx.services.parameters.audit(input.workflowId, { nodeId: input.nodeId, limit: input.limit })),
});
