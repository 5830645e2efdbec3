import { FlowtuneError } from "../errors.js";

export type DatasetRow = Record<string, unknown>;

// Editors on Windows save UTF-8 with a byte-order mark; it is not part of the first field or line.
const BOM = "\uFEFF";

/** The text without a leading UTF-8 byte-order mark. */
export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

/** Parses JSON Lines: one JSON object per non-empty line; errors name the line. */
export function parseJsonl(text: string): DatasetRow[] {
  const rows: DatasetRow[] = [];
  stripBom(text).split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new FlowtuneError("INPUT_INVALID", `dataset line ${i + 1}: invalid JSON (${(err as Error).message})`);
    }
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new FlowtuneError("INPUT_INVALID", `dataset line ${i + 1}: expected a JSON object`);
    rows.push(v as DatasetRow);
  });
  return rows;
}

/** Parses RFC 4180 CSV with a header row (quoted fields, "" escapes, newlines inside quotes). */
export function parseCsv(input: string): DatasetRow[] {
  const text = stripBom(input);
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      field = "";
      if (record.some((f) => f !== "")) records.push(record);
      record = [];
    } else field += c;
  }
  if (quoted) throw new FlowtuneError("INPUT_INVALID", "CSV: unterminated quoted field");
  record.push(field);
  if (record.some((f) => f !== "")) records.push(record);
  const [header, ...body] = records;
  if (!header) return [];
  return body.map((r, i) => {
    if (r.length !== header.length) {
      throw new FlowtuneError("INPUT_INVALID", `CSV row ${i + 2}: ${r.length} fields, header has ${header.length}`);
    }
    return Object.fromEntries(header.map((h, j) => [h.trim(), r[j]]));
  });
}

/** Parses a dataset file's text by its name: `.csv` as CSV, anything else as JSONL. */
export function parseDataset(fileName: string, text: string): DatasetRow[] {
  return fileName.toLowerCase().endsWith(".csv") ? parseCsv(text) : parseJsonl(text);
}
