import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { NodeIdSchema } from "../../engine/browser.js";
import { ReasonSchema } from "../../engine/schema/labels.js";
import { effectiveParams } from "../services/managed-edits.js";
import { procedure, router } from "../trpc.js";

const viewer = procedure("viewer");
const editor = procedure("editor");

const NodeRef = z.object({ workflowId: NodeIdSchema, nodeId: NodeIdSchema });
const Version = z.number().int().min(1);
const Reason = ReasonSchema;

export const parametersRouter = router({
  /**
   * What each AI node of the workflow's latest graph runs: managed (a production version other
   * than v1 wins over the graph's fields) or not, the version, the parameters, and the draft that
   * holds the graph's pending edits. NOT_FOUND for an unknown workflow.
   */
  effective: viewer.input(z.object({ workflowId: NodeIdSchema })).query(async ({ ctx, input }) => {
    ctx.access.workflow(input.workflowId);
    const wf = await ctx.services.workflows.get(input.workflowId);
    if (!wf) throw new TRPCError({ code: "NOT_FOUND", message: `workflow "${input.workflowId}" not found` });
    return { workflowId: wf.id, workflowVersion: wf.version, nodes: await effectiveParams(ctx.services.parameters, wf.id, wf.graph) };
  }),

  /** Every version of an AI node (oldest first) and its production version; creates v1 on first touch. */
  versions: viewer.input(NodeRef).query(({ ctx, input }) => {
    ctx.access.workflow(input.workflowId);
    return ctx.services.parameters.listVersions(input.workflowId, input.nodeId, ctx.principal.name);
  }),

  /** The production version of an AI node, with its parameters and the pointer's move history. */
  production: viewer.input(NodeRef).query(async ({ ctx, input }) => {
    ctx.access.workflow(input.workflowId);
    const { production, versions } = await ctx.services.parameters.listVersions(input.workflowId, input.nodeId, ctx.principal.name);
    const history = await ctx.services.parameters.history(input.workflowId, input.nodeId);
    return { version: versions.find((v) => v.version === production)!, history };
  }),

  /** Points production at `version`; NOT_FOUND for an unknown version. */
  promote: editor
    .input(NodeRef.extend({ version: Version, reason: Reason }))
    .mutation(({ ctx, input }) => {
      ctx.access.workflow(input.workflowId);
      return ctx.services.parameters.promote({ ...input, actor: ctx.principal.name });
    }),

  /** Moves production back (to the version before the last promotion, or `to`); CONFLICT when there is nothing to roll back. */
  rollback: editor
    .input(NodeRef.extend({ to: Version.optional(), reason: Reason }))
    .mutation(({ ctx, input }) => {
      ctx.access.workflow(input.workflowId);
      return ctx.services.parameters.rollback({ ...input, actor: ctx.principal.name });
    }),

  /** Parameter changes and metric deltas from version a to version b. */
  diff: viewer
    .input(NodeRef.extend({ a: Version, b: Version }))
    .query(({ ctx, input }) => {
      ctx.access.workflow(input.workflowId);
      return ctx.services.parameters.diff(input.workflowId, input.nodeId, input.a, input.b);
    }),

  /** Audit events of a workflow (or one node), newest first. */
  audit: viewer
    .input(z.object({ workflowId: NodeIdSchema, nodeId: NodeIdSchema.optional(), limit: z.number().int().min(1).max(1000).default(100) }))
    .query(({ ctx, input }) => {
      ctx.access.workflow(input.workflowId);
      return ctx.services.parameters.audit(input.workflowId, { nodeId: input.nodeId, limit: input.limit });
    }),
});
