import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseGraph } from "../../engine/index.js";
import type { WorkflowStore } from "../store/workflows.js";

/** The repository's examples/ folder. */
export const EXAMPLES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../examples");

/** The examples/*.flow.json files, sorted. */
function exampleFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".flow.json")).sort();
}

/**
 * Saves the example whose graph id is `id` (as the server's start-up seeding would) and returns its
 * file name, or undefined when no example has that id. The CLI calls it for a workflow id a fresh
 * database does not have yet, so the documented `flowtune optimize qa …` works before any server ran.
 */
export async function seedExample(workflows: WorkflowStore, id: string, dir = EXAMPLES_DIR): Promise<string | undefined> {
  for (const file of exampleFiles(dir)) {
    const doc: unknown = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
    if ((doc as { id?: unknown } | null)?.id !== id) continue;
    await workflows.save(parseGraph(doc), `example ${file}`);
    return file;
  }
  return undefined;
}

/** Saves every examples/*.flow.json as a workflow (a new version only when it changed). */
export async function seedExamples(workflows: WorkflowStore, dir = EXAMPLES_DIR): Promise<string[]> {
  const ids: string[] = [];
  for (const file of exampleFiles(dir)) {
    const graph = parseGraph(JSON.parse(readFileSync(path.join(dir, file), "utf8")));
    await workflows.save(graph, `example ${file}`);
    ids.push(graph.id);
  }
  return ids;
}
