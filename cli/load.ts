import { existsSync } from "node:fs";
import { GraphValidationError, validateGraph, type Graph } from "../engine/index.js";
import type { AppServices } from "../server/services/app.js";
import { seedExample } from "../server/services/examples.js";
import type { WorkflowRecord } from "../server/store/workflows.js";
import { UsageError } from "./errors.js";
import { readUserFile } from "./read-file.js";

/** True when the argument names a file rather than a stored workflow id. */
export function isFileArg(arg: string): boolean {
  return arg.endsWith(".json") || arg.includes("/") || existsSync(arg);
}

/** Reads and validates a graph file; throws GraphValidationError naming every culprit. */
export function loadGraphFile(file: string): Graph {
  const text = readUserFile(file, "graph file");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new GraphValidationError([{ message: `${file} is not valid JSON: ${(err as Error).message}` }]);
  }
  const r = validateGraph(doc);
  if (!r.ok) throw new GraphValidationError(r.issues);
  return r.graph;
}

/**
 * A stored workflow by id. An id the database does not have yet but one of the examples has (a
 * fresh database: no server has seeded it) is saved from examples/ first, as the server would.
 * UsageError when neither has it.
 */
export async function storedWorkflow(id: string, services: () => Promise<AppServices>): Promise<WorkflowRecord> {
  const app = await services();
  const wf = await app.workflows.get(id);
  if (wf) return wf;
  const file = await seedExample(app.workflows, id);
  const seeded = file ? await app.workflows.get(id) : undefined;
  if (seeded) {
    process.stderr.write(`note: saved the example workflow "${id}" (examples/${file}) to this database\n`);
    return seeded;
  }
  const ids = (await app.workflows.list()).map((w) => w.id);
  throw new UsageError(`"${id}" is neither a graph file nor a stored workflow id (${ids.length ? `stored: ${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ", …" : ""}` : "none stored yet"})`);
}

/** Resolves a workflow argument: a graph file, or the id of a stored workflow (or of an example). */
export async function loadWorkflow(arg: string, services: () => Promise<AppServices>): Promise<{ graph: Graph; workflowId: string }> {
  if (isFileArg(arg)) {
    const graph = loadGraphFile(arg);
    return { graph, workflowId: graph.id };
  }
  const wf = await storedWorkflow(arg, services);
  return { graph: wf.graph, workflowId: wf.id };
}

/** Parses `--input`: inline JSON, or `@file` holding JSON. */
export function parseInputArg(value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  let text = value;
  if (value.startsWith("@")) {
    const file = value.slice(1);
    text = readUserFile(file, "--input");
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--input is not valid JSON: ${(err as Error).message}`);
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new UsageError("--input must be a JSON object, e.g. '{\"question\": \"…\"}'");
  return v as Record<string, unknown>;
}

/**
 * The graph a run executes: each AI node's production parameter version when the workflow is
 * stored (the production path), else the graph's own parameters. `useProduction: false` runs the
 * graph as written.
 */
export async function graphForRun(
  loaded: { graph: Graph; workflowId: string },
  services: () => Promise<AppServices>,
  useProduction = true,
): Promise<{ graph: Graph; parameterVersions?: Record<string, number> }> {
  if (!useProduction) return { graph: loaded.graph };
  const app = await services();
  if (!(await app.workflows.get(loaded.workflowId))) return { graph: loaded.graph };
  const r = await app.parameters.resolve(loaded.workflowId, loaded.graph);
  return { graph: r.graph, parameterVersions: r.versions };
}
