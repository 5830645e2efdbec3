import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { GraphValidationError, NodeIdSchema, type Graph, type GraphInput } from "../../engine/browser.js";
import { parseGraphCooperatively } from "../../engine/graph/validate.js";
import { NoteSchema } from "../../engine/schema/labels.js";
import { showValue } from "../../engine/util/show-value.js";
import type { Access } from "../auth/access.js";
import { saveGraph } from "../services/managed-edits.js";
import { diffGraphs } from "../store/workflow-diff.js";
import { storableGraph, type SaveMode, type WorkflowRecord } from "../store/workflows.js";
import { procedure, router, type Context } from "../trpc.js";

const viewer = procedure("viewer");
const editor = procedure("editor");

/**
 * The graph arrives as an untyped document and is checked by `parseGraphCooperatively` (the engine's
 * GraphSchema, then validateGraph's structural checks, yielding to other requests between nodes), which throws a GraphValidationError
 * listing every located issue; the error middleware turns it into BAD_REQUEST with `issues`.
 * (Parsing with GraphSchema as the input validator would lose the node/edge locations.)
 */
const GraphDocument = z.custom<GraphInput>((v) => typeof v === "object" && v !== null && !Array.isArray(v), {
  message: "graph must be a JSON object",
});

/** `$schema` written into exported graph files (relative, as in examples/*.flow.json). */
export const GRAPH_SCHEMA_REF = "../docs/graph.schema.json";

const Note = NoteSchema.optional();
const Version = z.number().int().min(1);
const WorkflowRef = z.object({ id: NodeIdSchema });
const VersionRef = z.object({ id: NodeIdSchema, version: Version });

function notFound(id: string, version?: number): TRPCError {
  const what = version === undefined ? `workflow "${id}"` : `version ${version} of workflow "${id}"`;
  return new TRPCError({ code: "NOT_FOUND", message: `${what} not found` });
}

type AuthedContext = Context & { access: Access };

/** The workflow at `version` (default: latest), or NOT_FOUND; FORBIDDEN without a grant for it. */
async function load(ctx: AuthedContext, id: string, version?: number): Promise<WorkflowRecord> {
  ctx.access.workflow(id);
  const wf = version === undefined ? await ctx.services.workflows.get(id) : await ctx.services.workflows.getVersion(id, version);
  if (!wf) throw notFound(id, version);
  return wf;
}

/**
 * Validates a graph document and saves it in the given mode (the store drops `$schema`); FORBIDDEN
 * without a grant for its id. Edits of managed parameters become drafts (`managedEdits`).
 */
async function saveDocument(ctx: AuthedContext, doc: unknown, note: string | undefined, mode: SaveMode) {
  const graph = await parseGraphCooperatively(doc);
  ctx.access.workflow(graph.id);
  return saveGraph(ctx.services, graph, note, { mode, actor: ctx.principal?.name ?? "system" });
}

/** The exported file: pretty JSON with `$schema` first, newline-terminated. */
function exportText(graph: Graph): string {
  return `${JSON.stringify({ $schema: GRAPH_SCHEMA_REF, ...storableGraph(graph) }, null, 2)}\n`;
}

const versionsRouter = router({
  /** Version history, newest first (without graphs). */
  list: viewer.input(WorkflowRef).query(async ({ ctx, input }) => {
    await load(ctx, input.id);
    return ctx.services.workflows.listVersions(input.id);
  }),

  get: viewer.input(VersionRef).query(({ ctx, input }) => load(ctx, input.id, input.version)),

  /** What changed from version `a` to version `b`. */
  diff: viewer
    .input(z.object({ id: NodeIdSchema, a: Version, b: Version }))
    .query(async ({ ctx, input }) => {
      const [a, b] = await Promise.all([load(ctx, input.id, input.a), load(ctx, input.id, input.b)]);
      return { id: input.id, a: input.a, b: input.b, ...diffGraphs(a.graph, b.graph) };
    }),

  /** Saves an old version's graph as the newest version (no new version if it is the latest already). */
  restore: editor
    .input(z.object({ id: NodeIdSchema, version: Version, note: Note }))
    .mutation(async ({ ctx, input }) => {
      const old = await load(ctx, input.id, input.version);
      return saveGraph(ctx.services, old.graph, input.note ?? `restored version ${input.version}`, { mode: "update", actor: ctx.principal.name });
    }),
});

export const workflowsRouter = router({
  /** Every workflow the caller has a grant for. */
  list: viewer.query(async ({ ctx }) => {
    const all = await ctx.services.workflows.list();
    const allowed = ctx.access.workflowFilter();
    return allowed ? all.filter((w) => allowed.includes(w.id)) : all;
  }),

  get: viewer
    .input(z.object({ id: NodeIdSchema, version: Version.optional() }))
    .query(({ ctx, input }) => load(ctx, input.id, input.version)),

  /** Creates a workflow at version 1; CONFLICT if the id exists. */
  create: editor
    .input(z.object({ graph: GraphDocument, note: Note }))
    .mutation(({ ctx, input }) => saveDocument(ctx, input.graph, input.note, "create")),

  /** Adds a version when the graph changed; the graph's id must be `id`; NOT_FOUND if unknown. */
  update: editor
    .input(z.object({ id: NodeIdSchema, graph: GraphDocument, note: Note }))
    .mutation(({ ctx, input }) => {
      const graphId = (input.graph as { id?: unknown }).id;
      if (graphId !== input.id) {
        throw new GraphValidationError([
          { field: "id", message: `graph id ${showValue(graphId)} does not match workflow "${input.id}"` },
        ]);
      }
      return saveDocument(ctx, input.graph, input.note, "update");
    }),

  /** Create-or-update (kept for existing clients). */
  save: editor
    .input(z.object({ graph: GraphDocument, note: Note }))
    .mutation(({ ctx, input }) => saveDocument(ctx, input.graph, input.note, "upsert")),

  delete: editor.input(WorkflowRef).mutation(async ({ ctx, input }) => {
    ctx.access.workflow(input.id);
    if (!(await ctx.services.workflows.delete(input.id))) throw notFound(input.id);
    return { ok: true as const };
  }),

  /** Parses and validates a graph file's text, then creates the workflow or adds a version. */
  import: editor
    .input(z.object({ json: z.string().min(1).max(5_000_000), note: Note }))
    .mutation(({ ctx, input }) => {
      let doc: unknown;
      try {
        doc = JSON.parse(input.json);
      } catch (error) {
        throw new GraphValidationError([{ message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }]);
      }
      return saveDocument(ctx, doc, input.note ?? "imported", "upsert");
    }),

  /** The graph file's text (pretty JSON with `$schema`) of a version (default: latest). */
  export: viewer
    .input(z.object({ id: NodeIdSchema, version: Version.optional() }))
    .query(async ({ ctx, input }) => exportText((await load(ctx, input.id, input.version)).graph)),

  versions: versionsRouter,
});
