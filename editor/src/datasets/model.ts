/** Pure helpers for the Datasets page: name defaults, column union, cell text, grouping, split bar. */

/** The server's limit on an imported dataset's text (server/routers/datasets.ts MAX_DATASET_TEXT). */
export const MAX_DATASET_TEXT = 10 * 1024 * 1024;

export type SplitName = "train" | "validation" | "test";
export const SPLIT_NAMES: readonly SplitName[] = ["train", "validation", "test"];
/** The optimizer's default split ratios (OptimizeConfigSchema.split). */
export const DEFAULT_RATIOS: Readonly<Record<SplitName, number>> = Object.freeze({ train: 0.4, validation: 0.3, test: 0.3 });

const EXTENSIONS = /\.(jsonl|ndjson|json|csv|tsv|txt)$/i;

/** How the server will parse the file: CSV when the name ends in .csv, else JSON Lines. */
export function datasetFormat(fileName: string): "CSV" | "JSONL" {
  return /\.csv$/i.test(fileName) ? "CSV" : "JSONL";
}

/**
 * A dataset name from a file name: no directory, no extension, no ".dataset" suffix
 * ("examples/qa.dataset.jsonl" → "qa", "Support Tickets.csv" → "Support Tickets").
 */
export function defaultDatasetName(fileName: string): string {
  let base = fileName.split(/[\\/]/).pop() ?? "";
  while (EXTENSIONS.test(base)) base = base.replace(EXTENSIONS, "");
  base = base.replace(/[._-]dataset$/i, "").trim();
  return base.slice(0, 200) || "dataset";
}

/** Why a file cannot be imported before reading it, or null. */
export function fileProblem(file: { name: string; size: number }): string | null {
  if (file.size === 0) return `${file.name} is empty.`;
  // Characters ≤ bytes for UTF-8, so a file up to 4× the limit may still fit once decoded; beyond that it cannot.
  if (file.size > MAX_DATASET_TEXT * 4) return `${file.name} is ${formatBytes(file.size)}; a dataset may have at most 10 MB of text.`;
  return null;
}

/** Why decoded text cannot be imported, or null. */
export function textProblem(fileName: string, text: string): string | null {
  if (!text.trim()) return `${fileName} has no rows.`;
  if (text.length > MAX_DATASET_TEXT) return `${fileName} has ${formatBytes(text.length)} of text; a dataset may have at most 10 MB.`;
  return null;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Every key of every row, in the order they are first seen (so the file's own column order wins). */
export function columnUnion(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** A cell as text: strings as they are, absent as "", everything else as JSON. */
export function formatCell(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export interface DatasetGroup<T extends { name: string; version: number }> {
  name: string;
  /** Newest first. */
  versions: T[];
  latest: T;
}

/** Versions grouped by name (names in order, versions newest first). */
export function groupDatasets<T extends { name: string; version: number }>(list: readonly T[]): Array<DatasetGroup<T>> {
  const byName = new Map<string, T[]>();
  for (const d of list) byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, versions]) => {
      const sorted = [...versions].sort((a, b) => b.version - a.version);
      return { name, versions: sorted, latest: sorted[0] };
    });
}

/** Shares of each split in percent (0 when there are no rows), for the counts bar. */
export function splitPercents(counts: Record<SplitName, number>): Record<SplitName, number> {
  const total = counts.train + counts.validation + counts.test;
  const pct = (n: number) => (total === 0 ? 0 : (n / total) * 100);
  return { train: pct(counts.train), validation: pct(counts.validation), test: pct(counts.test) };
}

/** Why split ratios are invalid (the optimizer's own rules), or null. */
export function ratiosProblem(r: Record<SplitName, number>): string | null {
  if (SPLIT_NAMES.some((k) => !Number.isFinite(r[k]))) return "Ratios must be numbers.";
  if (r.train < 0) return "The train ratio cannot be negative.";
  if (!(r.validation > 0) || !(r.test > 0)) return "Validation and test need a ratio above 0.";
  return null;
}
