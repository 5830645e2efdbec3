/**
 * How an optimizer node's `dataset` names an imported dataset: the name itself, or a file path
 * whose stem is the name (`examples/qa.dataset.jsonl` → `qa`), as the editor reads it too.
 * Nothing here touches the file system: a server never opens a path a graph names.
 */

const DATA_EXTENSION = /\.(jsonl|ndjson|json|csv)$/i;

/** The dataset names `ref` may mean, most specific first (the ref as written, then its file stem). */
export function datasetNameCandidates(ref: string): string[] {
  const base = ref.split(/[\\/]/).pop() ?? ref;
  const stem = base.replace(DATA_EXTENSION, "").replace(/[._-]dataset$/i, "");
  return stem && stem !== ref ? [ref, stem] : [ref];
}
