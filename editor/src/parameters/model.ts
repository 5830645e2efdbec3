/**
 * Pure view models for the parameter panel: the rows of a line diff (with old/new line numbers),
 * metric deltas with the direction that counts as better, key metrics of a version, its source.
 * No React here, so it is unit-tested directly.
 */
import { shortId } from "../format.js";

export type LineOp = " " | "-" | "+";

export interface DiffLine {
  op: LineOp;
  text: string;
}

export interface DiffRow {
  kind: "same" | "removed" | "added";
  /** Line number in version A (absent for added lines). */
  oldNo: number | null;
  /** Line number in version B (absent for removed lines). */
  newNo: number | null;
  /** The sign shown in the gutter. */
  sign: "" | "−" | "+";
  text: string;
}

/** A run of unchanged lines folded away (long prompts): shown as "⋯ n unchanged lines". */
export interface FoldRow {
  kind: "fold";
  count: number;
}

const KIND: Record<LineOp, DiffRow["kind"]> = { " ": "same", "-": "removed", "+": "added" };

/** The server's line ops as rows with line numbers on each side. */
export function diffRows(lines: readonly DiffLine[]): DiffRow[] {
  let a = 0;
  let b = 0;
  return lines.map(({ op, text }) => {
    const kind = KIND[op];
    const oldNo = kind === "added" ? null : ++a;
    const newNo = kind === "removed" ? null : ++b;
    return { kind, oldNo, newNo, sign: kind === "added" ? "+" : kind === "removed" ? "−" : "", text };
  });
}

/** Keeps `context` unchanged lines around each change and folds longer unchanged runs. */
export function foldRows(rows: readonly DiffRow[], context = 3): Array<DiffRow | FoldRow> {
  const keep = rows.map((r) => r.kind !== "same");
  const near = rows.map((_, i) => {
    for (let d = -context; d <= context; d++) if (keep[i + d]) return true;
    return false;
  });
  const out: Array<DiffRow | FoldRow> = [];
  let folded = 0;
  rows.forEach((r, i) => {
    if (near[i]) {
      if (folded > 0) out.push({ kind: "fold", count: folded });
      folded = 0;
      out.push(r);
    } else folded++;
  });
  if (folded > 0) out.push({ kind: "fold", count: folded });
  // Folding a single line saves nothing: show it.
  return out.flatMap((r, i) => {
    if (r.kind !== "fold" || r.count > 1) return [r];
    const start = out.slice(0, i).reduce((n, x) => n + (x.kind === "fold" ? x.count : 1), 0);
    return [rows[start]];
  });
}

/** Added and removed line counts of a text diff. */
export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.op === "+") added++;
    else if (l.op === "-") removed++;
  }
  return { added, removed };
}

/** Metrics where a smaller value is better (cost, tokens, latency, errors). */
export function lowerIsBetter(name: string): boolean {
  const leaf = name.split(".").at(-1)!.toLowerCase();
  return /(tokens?|cost|usd|latency|ms|duration|errors?|fail)/.test(leaf) && !/pass/.test(leaf);
}

/** Metrics shown in a diff by default: scores and tokens; latency percentiles, costs and totals on request. */
export function isPrimaryMetric(name: string): boolean {
  const leaf = name.split(".").at(-1)!;
  return !/latency|^p\d+|cost|usd|^total/i.test(leaf);
}

export type Tone = "better" | "worse" | "neutral";

/** A signed delta ("+0.125", "−12", "±0") and whether it is an improvement for this metric. */
export function formatDelta(name: string, delta: number | null): { text: string; tone: Tone } {
  if (delta === null) return { text: "—", tone: "neutral" };
  if (delta === 0) return { text: "±0", tone: "neutral" };
  const text = `${delta > 0 ? "+" : "−"}${formatNumber(Math.abs(delta))}`;
  const improved = lowerIsBetter(name) ? delta < 0 : delta > 0;
  return { text, tone: improved ? "better" : "worse" };
}

/** Up to 4 significant digits, integers as they are. */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2).replace(/\.?0+$/, "");
  return Number(n.toPrecision(3)).toString();
}

/** Any parameter value as short text (strings quoted, objects as JSON). */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v.length > 80 ? `"${v.slice(0, 77)}…"` : `"${v}"`;
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}…` : s;
  } catch {
    return String(v);
  }
}

export interface KeyMetric {
  /** e.g. "grade" */
  name: string;
  /** "test" or "val" (the split the number was measured on), or "" for a flat metric. */
  split: string;
  value: number;
}

const SPLIT_LABEL: Record<string, string> = { validation: "val", test: "test" };

/**
 * The few numbers worth a glance in the version list: the quality metrics (objectives first, pass
 * rate last) on validation then test, then cost metrics. Flat metrics objects ({grade: 0.9}) work too.
 */
export function keyMetrics(metrics: unknown, max = 3): KeyMetric[] {
  if (!metrics || typeof metrics !== "object") return [];
  const m = metrics as Record<string, unknown>;
  const groups: Array<[string, Record<string, unknown>]> = [];
  for (const split of ["validation", "test"]) {
    const g = m[split];
    if (g && typeof g === "object" && !Array.isArray(g)) groups.push([SPLIT_LABEL[split], g as Record<string, unknown>]);
  }
  if (groups.length === 0) groups.push(["", m]);
  const names: string[] = [];
  for (const [, g] of groups) for (const [name, value] of Object.entries(g)) if (typeof value === "number" && Number.isFinite(value) && !names.includes(name)) names.push(name);
  const rank = (name: string) => (lowerIsBetter(name) ? 2 : name === "passRate" ? 1 : 0);
  const ordered = names.map((name, i) => ({ name, i })).sort((a, b) => rank(a.name) - rank(b.name) || a.i - b.i);
  const out: KeyMetric[] = [];
  for (const { name } of ordered) {
    for (const [split, g] of groups) {
      const value = g[name];
      if (typeof value === "number" && Number.isFinite(value)) out.push({ name, split, value });
    }
  }
  return out.slice(0, max);
}

export interface VersionSource {
  /** "baseline", "optimization", "manual" */
  kind: "baseline" | "optimization" | "manual";
  label: string;
  /** The full optimization run id, when the version came from one. */
  runId?: string;
}

/** Where a version came from: v1 is the graph's own (baseline); optimizer output names its run and candidate. */
export function versionSource(v: { version: number; optimizationRunId: string | null; sourceCandidateId: number | null; actor: string; note: string | null }): VersionSource {
  if (v.optimizationRunId) {
    const candidate = /candidate (\d+)/.exec(v.note ?? "")?.[1];
    const run = shortId(v.optimizationRunId);
    return { kind: "optimization", label: `optimization ${run}${candidate !== undefined ? ` · candidate #${candidate}` : ""}`, runId: v.optimizationRunId };
  }
  if (v.version === 1) return { kind: "baseline", label: "baseline (graph)" };
  return { kind: "manual", label: `by ${v.actor}` };
}

/**
 * Versions that rollback may target: every earlier production version other than the current one
 * (the server refuses versions that never served in production: promote those instead).
 */
export function rollbackTargets(history: ReadonlyArray<{ toVersion: number }>, production: number): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const m of [...history].reverse()) {
    if (m.toVersion !== production && !seen.has(m.toVersion)) out.push(m.toVersion);
    seen.add(m.toVersion);
  }
  return out;
}

/** The version an argument-less rollback returns to: the "from" of the latest promotion, if production is still there. */
export function defaultRollbackTarget(history: ReadonlyArray<{ action: string; fromVersion: number | null; toVersion: number }>, production: number): number | null {
  const last = [...history].reverse().find((m) => m.action === "promote");
  if (!last || last.fromVersion === null) return null;
  if (production !== last.toVersion) return null;
  return last.fromVersion;
}
