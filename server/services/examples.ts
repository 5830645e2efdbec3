import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseGraph } from "../../engine/index.js";
import type { WorkflowStore } from "../store/workflows.js";

/** The repository's examples/ folder. */
export const EXAMPLES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../examples");

/** Saves every examples/*.flow.json as a workflow (a new version only when it changed). */
export async function seedExamples(workflows: WorkflowStore, dir = EXAMPLES_DIR): Promise<string[]> {
  const ids: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".flow.json")).sort()) {
    const graph = parseGraph(JSON.parse(readFileSync(path.join(dir, file), "utf8")));
    await workflows.save(graph, `example ${file}`);
    ids.push(graph.id);
  }
  return ids;
}
