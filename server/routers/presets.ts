/**
 * Named run-input presets of a workflow: viewers list them, editors save (create or replace by
 * name) and delete them. A token limited to some workflows reaches only theirs.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { NodeIdSchema } from "../../engine/browser.js";
import { safeText } from "../../engine/schema/text.js";
import { presetsOf } from "../services/presets.js";
import { procedure, router } from "../trpc.js";

const viewer = procedure("viewer");
const editor = procedure("editor");

/** A preset's name: one line of safe text (no control or bidi-override characters). */
export const PresetNameSchema = z.string().trim().pipe(safeText({ min: 1, max: 100 }));

const PresetRef = z.object({ workflowId: NodeIdSchema, name: PresetNameSchema });

export const presetsRouter = router({
  /** The workflow's presets, by name (with their inputs). */
  list: viewer.input(z.object({ workflowId: NodeIdSchema })).query(({ ctx, input }) => {
    ctx.access.workflow(input.workflowId);
    return presetsOf(ctx.services.db.prisma).list(input.workflowId);
  }),

  /** Saves the inputs under the name (replacing a preset of that name); checked like a run's inputs. */
  save: editor
    .input(PresetRef.extend({ inputs: z.record(z.string(), z.unknown()) }))
    .mutation(({ ctx, input }) => {
      ctx.access.workflow(input.workflowId);
      return presetsOf(ctx.services.db.prisma).save({ ...input, actor: ctx.principal.name });
    }),

  delete: editor.input(PresetRef).mutation(async ({ ctx, input }) => {
    ctx.access.workflow(input.workflowId);
    if (!(await presetsOf(ctx.services.db.prisma).delete(input.workflowId, input.name))) {
      throw new TRPCError({ code: "NOT_FOUND", message: `input preset "${input.name}" of workflow "${input.workflowId}" not found` });
    }
    return { ok: true as const };
  }),
});
