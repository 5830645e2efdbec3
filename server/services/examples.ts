import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { datasetNameCandidates } from "../../engine/dataset/ref.js";
import { FlowtuneError, parseGraph } from "../../engine/index.js";
import type { DatasetStore, ImportDatasetResult } from "../store/datasets.js";
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

/** Example dataset files: `<stem>.dataset.jsonl` or `<stem>.dataset.csv` directly in the examples folder. */
const DATASET_FILE = /^[A-Za-z0-9][A-Za-z0-9_-]*\.dataset\.(jsonl|csv)$/;

// An example file is small; anything bigger is not one of ours.
const MAX_EXAMPLE_DATASET_BYTES = 10 * 1024 * 1024;

/** The dataset files of the examples folder, sorted. */
function exampleDatasetFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && DATASET_FILE.test(d.name))
    .map((d) => d.name)
    .sort();
}

/** The name an example dataset file is imported under: its stem (`qa.dataset.jsonl` → `qa`), as an optimizer node's reference resolves it. */
export function exampleDatasetName(file: string): string {
  return datasetNameCandidates(file).at(-1)!;
}

/**
 * Imports one dataset file of the examples folder under its stem, through the same parser and
 * content-hashed versioning as a user import: the same rows again are no new version.
 */
async function importExampleFile(datasets: DatasetStore, dir: string, file: string): Promise<ImportDatasetResult> {
  const full = path.join(dir, file);
  if (statSync(full).size > MAX_EXAMPLE_DATASET_BYTES) throw new FlowtuneError("INPUT_INVALID", `examples/${file} is larger than an example dataset may be`, { field: "ref" });
  return datasets.importDataset({ name: exampleDatasetName(file), fileName: file, text: readFileSync(full, "utf8") });
}

/**
 * Imports every examples/*.dataset.{jsonl,csv} under its stem, so the examples' optimizer nodes
 * (`"dataset": "examples/qa.dataset.jsonl"`) name an imported dataset. Idempotent by content hash:
 * a restart, or a second process seeding at the same time, stores no second copy.
 */
export async function seedExampleDatasets(datasets: DatasetStore, dir = EXAMPLES_DIR): Promise<ImportDatasetResult[]> {
  const out: ImportDatasetResult[] = [];
  for (const file of exampleDatasetFiles(dir)) out.push(await importExampleFile(datasets, dir, file));
  return out;
}

/**
 * Imports the example dataset file an optimizer node names (`examples/qa.dataset.jsonl`, or just
 * `qa.dataset.jsonl`). Only a file directly in the examples folder is read: any other path (another
 * folder, `..`, an absolute path, a name that is not an example dataset) is NOT_FOUND, naming the
 * field `ref`, so a user can never make the server open a file of their choosing.
 */
export async function importExampleDataset(datasets: DatasetStore, ref: string, dir = EXAMPLES_DIR): Promise<ImportDatasetResult> {
  const file = exampleFileOf(ref);
  if (!file || !exampleDatasetFiles(dir).includes(file)) {
    throw new FlowtuneError("NOT_FOUND", `"${ref}" is not a dataset file of the examples folder; import the file yourself (Datasets tab, or pick it here)`, { field: "ref" });
  }
  return importExampleFile(datasets, dir, file);
}

/** The dataset name an example file reference imports as, or undefined when it names no example file. */
export function exampleDatasetRefName(ref: string): string | undefined {
  const file = exampleFileOf(ref);
  return file ? exampleDatasetName(file) : undefined;
}

// `examples/x.dataset.jsonl` or `x.dataset.jsonl` → `x.dataset.jsonl`; any other shape → undefined.
function exampleFileOf(ref: string): string | undefined {
  const parts = ref.trim().split(/[\\/]/);
  if (parts.length > 2 || (parts.length === 2 && parts[0] !== "examples")) return undefined;
  const file = parts.at(-1)!;
  return DATASET_FILE.test(file) ? file : undefined;
}
