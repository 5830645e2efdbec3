import { FlowtuneError } from "../errors.js";
import { MAX_JSON_DEPTH, tooDeepPath } from "../util/json-depth.js";
import { cooperative } from "../util/cooperative.js";

export type DatasetRow = Record<string, unknown>;

// Editors on Windows save UTF-8 with a byte-order mark; it is not part of the first field or line.
const BOM = "\uFEFF";

/** The text without a leading UTF-8 byte-order mark. */
export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

function invalid(message: string): FlowtuneError {
  return new FlowtuneError("INPUT_INVALID", message);
}

/** The rows of JSON Lines text, one JSON object per non-empty line; errors name the line. */
function* jsonlRows(input: string): Generator<DatasetRow> {
  const text = stripBom(input);
  for (let start = 0, line = 1; start <= text.length; line++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    if (!raw.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (err) {
      throw invalid(`dataset line ${line}: invalid JSON (${(err as Error).message})`);
    }
    if (!v || typeof v !== "object" || Array.isArray(v)) throw invalid(`dataset line ${line}: expected a JSON object`);
    // Rows are stored and become run inputs: a value deeper than JSON.stringify can write would crash both.
    if (tooDeepPath(v)) throw invalid(`dataset line ${line}: nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`);
    yield v as DatasetRow;
  }
}

// The unquoted part of a field: everything up to the next delimiter (also the tail after a closing quote).
const UNQUOTED = /[^,\r\n]*/y;

/**
 * The records of RFC 4180 CSV (quoted fields, "" escapes, newlines inside quotes), blank lines
 * skipped. Scans by slices rather than by character so a large file parses in linear time.
 */
function* csvRecords(text: string): Generator<string[]> {
  let record: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (text.charCodeAt(i) === 34) {
      for (i++; ; ) {
        const q = text.indexOf('"', i);
        if (q < 0) throw invalid("CSV: unterminated quoted field");
        field += text.slice(i, q);
        i = q + 1;
        if (text.charCodeAt(i) !== 34) break;
        field += '"';
        i++;
      }
    }
    UNQUOTED.lastIndex = i;
    const rest = UNQUOTED.exec(text)![0];
    field += rest;
    i += rest.length;
    record.push(field);
    if (i < text.length && text[i] === ",") {
      i++;
      continue;
    }
    if (record.some((f) => f !== "")) yield record;
    record = [];
    if (i >= text.length) return;
    i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
    if (i >= text.length) return;
  }
}

/** The rows of CSV text with a header row; a ragged row or a repeated column name is an error naming it. */
function* csvRows(input: string): Generator<DatasetRow> {
  const records = csvRecords(stripBom(input));
  const first = records.next();
  if (first.done) return;
  const header = first.value.map((h) => h.trim());
  const seen = new Set<string>();
  for (const [j, h] of header.entries()) {
    if (seen.has(h)) throw invalid(`CSV header: column ${j + 1} repeats the name ${JSON.stringify(h)}`);
    seen.add(h);
  }
  let n = 1;
  for (const r of records) {
    n++;
    if (r.length !== header.length) throw invalid(`CSV row ${n}: ${r.length} fields, header has ${header.length}`);
    yield Object.fromEntries(header.map((h, j) => [h, r[j]]));
  }
}

function rowsOf(fileName: string, text: string): Generator<DatasetRow> {
  return fileName.toLowerCase().endsWith(".csv") ? csvRows(text) : jsonlRows(text);
}

/** Parses JSON Lines: one JSON object per non-empty line; errors name the line. */
export function parseJsonl(text: string): DatasetRow[] {
  return [...jsonlRows(text)];
}

/** Parses RFC 4180 CSV with a header row (quoted fields, "" escapes, newlines inside quotes). */
export function parseCsv(text: string): DatasetRow[] {
  return [...csvRows(text)];
}

/** Parses a dataset file's text by its name: `.csv` as CSV, anything else as JSONL. */
export function parseDataset(fileName: string, text: string): DatasetRow[] {
  return [...rowsOf(fileName, text)];
}

/** parseDataset for a server: the same rows, but the event loop gets a turn every few milliseconds. */
export async function parseDatasetCooperatively(fileName: string, text: string): Promise<DatasetRow[]> {
  const rows: DatasetRow[] = [];
  const slice = cooperative();
  for (const row of rowsOf(fileName, text)) {
    rows.push(row);
    await slice.tick();
  }
  return rows;
}
