import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { NodeIdSchema, parseGraph, type GraphInput } from "../../engine/browser.js";
import { publicProcedure, router } from "../trpc.js";

/**
 * The graph arrives as an untyped document and is checked by `parseGraph` (the engine's
 * GraphSchema, then validateGraph's structural checks), which throws a GraphValidationError
 * listing every located issue; the error middleware turns it into BAD_REQUEST with `issues`.
 * (Parsing with GraphSchema as the input validator would lose the node/edge locations.)
 */
const GraphDocument = z.custom<GraphInput>((v) => typeof v === "object" && v !== null && !Array.isArray(v), {
  message: "graph must be a JSON object",
});

export const workflowsRouter = router({
  list: publicProcedure.query(({ ctx }) => ctx.services.workflows.list()),

  get: publicProcedure.input(z.object({ id: NodeIdSchema })).query(async ({ ctx, input }) => {
    const wf = await ctx.services.workflows.get(input.id);
    if (!wf) throw new TRPCError({ code: "NOT_FOUND", message: `workflow "${input.id}" not found` });
    return wf;
  }),

  save: publicProcedure
    .input(z.object({ graph: GraphDocument, note: z.string().max(2000).optional() }))
    .mutation(({ ctx, input }) => ctx.services.workflows.save(parseGraph(input.graph), input.note)),
});
