/**
 * Which imported dataset an optimizer node's `dataset` names: an id, a name, or a file path whose
 * stem or file name matches an import (`examples/qa.dataset.jsonl` → `qa`). Pure; unit-tested.
 */
import { datasetNameCandidates } from "../../../engine/browser.js";

/** An imported dataset version as `datasets.list` returns it (the fields the dialog needs). */
export interface DatasetChoice {
  id: string;
  name: string;
  version: number;
  rows: number;
  fileName: string;
}

/** What the dialog selects for a reference: the name (its newest version) or the id of a pinned older version. */
export interface DatasetMatch {
  value: string;
  dataset: DatasetChoice;
}

/** The newest version of each name. */
function newestByName(all: readonly DatasetChoice[]): Map<string, DatasetChoice> {
  const out = new Map<string, DatasetChoice>();
  for (const d of all) if (!out.has(d.name) || d.version > out.get(d.name)!.version) out.set(d.name, d);
  return out;
}

/**
 * The imported dataset `ref` names, most specific first: an id (that exact version), a name or the
 * file's stem (newest version), then a version imported from a file of that name (newest such).
 * Undefined when nothing matches.
 */
export function matchDatasetRef(ref: string | undefined, all: readonly DatasetChoice[]): DatasetMatch | undefined {
  const wanted = ref?.trim();
  if (!wanted) return undefined;
  const newest = newestByName(all);
  const byId = all.find((d) => d.id === wanted);
  if (byId) return { value: newest.get(byId.name)?.id === byId.id ? byId.name : byId.id, dataset: byId };
  for (const name of datasetNameCandidates(wanted)) {
    const d = newest.get(name);
    if (d) return { value: d.name, dataset: d };
  }
  const file = wanted.split(/[\\/]/).pop();
  const byFile = all.filter((d) => d.fileName === file).sort((a, b) => b.version - a.version)[0];
  if (byFile) return { value: newest.get(byFile.name)?.id === byFile.id ? byFile.name : byFile.id, dataset: byFile };
  return undefined;
}

// A hint only (the server decides): `examples/NAME.dataset.jsonl|csv` or the bare file name.
const EXAMPLE_FILE = /^(examples\/)?[A-Za-z0-9][A-Za-z0-9_-]*\.dataset\.(jsonl|csv)$/;

/** True when `ref` has the shape of a file of the examples folder, which the server can import itself. */
export function looksLikeExampleFile(ref: string): boolean {
  return EXAMPLE_FILE.test(ref.trim());
}

/** The name a file picked for `ref` is imported under: the reference's stem (`data/reviews.csv` → `reviews`). */
export function importNameFor(ref: string): string {
  return datasetNameCandidates(ref.trim()).at(-1)!.slice(0, 200);
}
