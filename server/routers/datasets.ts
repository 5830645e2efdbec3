import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { FlowtuneError, OptimizeConfigSchema, splitIndices } from "../../engine/index.js";
import { DatasetFileNameSchema, DatasetNameSchema } from "../../engine/schema/labels.js";
import { procedure, router } from "../trpc.js";

const viewer = procedure("viewer");
const editor = procedure("editor");

/** Largest dataset text accepted over the API (10 MB). */
export const MAX_DATASET_TEXT = 10 * 1024 * 1024;

const NameOrId = z.string().min(1).max(200);

/** The optimizer's own split ratios schema (and its default, 0.4 / 0.3 / 0.3), so the preview cannot drift from it. */
const SplitRatios = OptimizeConfigSchema.shape.split;

export type SplitName = "train" | "validation" | "test";

export const datasetsRouter = router({
  /** Parses the text (CSV when fileName ends in .csv, else JSONL) and stores it as a new version (or the same one for identical rows). */
  import: editor
    .input(
      z.object({
        name: DatasetNameSchema,
        fileName: DatasetFileNameSchema,
        // Size only: an empty text is refused below with a message naming the file, not as a zod issue list.
        text: z.string().max(MAX_DATASET_TEXT, `a dataset may have at most ${MAX_DATASET_TEXT} characters`),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (!input.text.trim()) throw new FlowtuneError("INPUT_INVALID", `dataset file "${input.fileName}" is empty: it has no rows`, { field: "text" });
      // Datasets are shared: a new version of an existing name changes what other workflows' optimizations read.
      if (ctx.access.workflowFilter() !== undefined && (await ctx.services.datasets.get(input.name, undefined, { limit: 0 }))) {
        ctx.access.unlimited(`adding a version to the shared dataset "${input.name}"`);
      }
      return ctx.services.datasets.importDataset(input);
    }),

  /** Every version of every dataset, by name, newest version first. */
  list: viewer.query(({ ctx }) => ctx.services.datasets.list()),

  /** One dataset (by id, or by name: newest version unless `version`) with a page of its rows. */
  get: viewer
    .input(
      z.object({
        nameOrId: NameOrId,
        version: z.number().int().min(1).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      }),
    )
    .query(async ({ ctx, input }) => {
      const ds = await ctx.services.datasets.get(input.nameOrId, input.version, { offset: input.offset, limit: input.limit });
      if (!ds) throw new TRPCError({ code: "NOT_FOUND", message: `dataset "${input.nameOrId}"${input.version ? ` v${input.version}` : ""} not found` });
      return ds;
    }),

  /**
   * How the optimizer would split a dataset version: counts per split, and the split of each row of
   * one page (`offset`, `limit`). Uses the engine's splitIndices with the ratios normalized exactly as
   * the optimization loop does, so the preview is what an optimization with this seed will use.
   */
  splits: viewer
    .input(
      z.object({
        nameOrId: NameOrId,
        version: z.number().int().min(1).optional(),
        seed: z.number().int().default(0),
        ratios: SplitRatios,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      }),
    )
    .query(async ({ ctx, input }) => {
      const ds = await ctx.services.datasets.get(input.nameOrId, input.version);
      if (!ds) throw new TRPCError({ code: "NOT_FOUND", message: `dataset "${input.nameOrId}"${input.version ? ` v${input.version}` : ""} not found` });
      const { ratios } = input;
      const total = ratios.train + ratios.validation + ratios.test;
      const fractions = { train: ratios.train / total, validation: ratios.validation / total, test: ratios.test / total };
      const split = splitIndices(
        ds.records.map((r) => r.data),
        { seed: input.seed, fractions },
      );
      const end = Math.min(ds.records.length, input.offset + input.limit);
      const of = new Map<number, SplitName>();
      for (const name of ["train", "validation", "test"] as const) for (const i of split[name]) if (i >= input.offset && i < end) of.set(i, name);
      const assignments: Array<{ index: number; split: SplitName }> = [];
      for (let i = input.offset; i < end; i++) assignments.push({ index: ds.records[i].index, split: of.get(i)! });
      return {
        id: ds.id,
        name: ds.name,
        version: ds.version,
        rows: ds.records.length,
        seed: input.seed,
        ratios,
        fractions,
        counts: { train: split.train.length, validation: split.validation.length, test: split.test.length },
        offset: input.offset,
        limit: input.limit,
        assignments,
      };
    }),

  /** Deletes one version (editors with an unlimited token) (id, or name + version) or all versions of a name; CONFLICT when an optimization used it. */
  delete: editor
    .input(z.object({ nameOrId: NameOrId, version: z.number().int().min(1).optional() }))
    .mutation(async ({ ctx, input }) => {
      // Datasets are shared by every workflow: a token limited to some workflows may not remove one.
      ctx.access.unlimited("deleting a dataset");
      const deleted = await ctx.services.datasets.delete(input.nameOrId, input.version);
      if (deleted === 0) throw new TRPCError({ code: "NOT_FOUND", message: `dataset "${input.nameOrId}" not found` });
      return { deleted };
    }),
});
