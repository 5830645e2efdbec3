import { escapeUnsafe } from "../engine/schema/text.js";

/** Formats milliseconds as `850 ms`, `1.2 s` or `3m 05s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")}s`;
}

/** Renders rows as an aligned text table with a header. */
export function table(headers: string[], rawRows: string[][]): string {
  // Stored names and reasons may predate the text checks: control characters print escaped, never raw.
  const rows = rawRows.map((r) => r.map((c) => printable(c ?? "")));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? "").padEnd(widths[i])).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const COLORS = { red: 31, green: 32, yellow: 33, blue: 34, gray: 90 } as const;
// Exactly the codes color() writes, so they survive printable().
// eslint-disable-next-line no-control-regex -- the escape character is exactly what this matches
const OWN_COLOR_CODES = /\x1b\[(?:31|32|33|34|90|0)m/;

/** Text safe for a terminal: control, bidi-override and lone-surrogate characters shown as \u{…}; our own colours kept. */
export function printable(text: string): string {
  return escapeUnsafe(text, OWN_COLOR_CODES);
}

/** Colours text when stderr/stdout is a terminal (and NO_COLOR is unset). */
export function color(name: keyof typeof COLORS, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return stream.isTTY && !process.env.NO_COLOR ? `\x1b[${COLORS[name]}m${text}\x1b[0m` : text;
}

const STATUS_COLOR: Record<string, keyof typeof COLORS> = {
  succeeded: "green",
  failed: "red",
  cancelled: "yellow",
  skipped: "gray",
  running: "blue",
  queued: "gray",
  pending: "gray",
};

/** A status word in its colour. */
export function statusText(status: string, stream?: NodeJS.WriteStream): string {
  return color(STATUS_COLOR[status] ?? "gray", status, stream);
}

/** Shortens a value for one table cell. */
export function cell(value: unknown, max = 60): string {
  const s = typeof value === "string" ? value : JSON.stringify(value) ?? "";
  const flat = s.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
