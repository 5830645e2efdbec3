/** Small display helpers. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m ${s}s`;
}

export function formatTokens(n: number | null | undefined): string {
  if (n == null) return "";
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export function formatCost(usd: number | null | undefined): string {
  if (usd == null || usd === 0) return "";
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  if (usd < 0.0001) return "<$0.0001";
  // Sub-cent costs: two significant digits, e.g. $0.00042.
  return `$${Number(usd.toPrecision(2)).toFixed(Math.max(4, 1 - Math.floor(Math.log10(usd))))}`;
}

export function formatRelative(when: string | number | Date, now = Date.now()): string {
  const t = new Date(when).getTime();
  const s = Math.round((now - t) / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s}s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  return new Date(t).toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

/**
 * The one short form of a generated id (runs, optimizations, candidates, datasets…), used in every
 * tab and list: its last 8 characters (ids may share a prefix such as `run_`). Show the full id
 * in a title next to it.
 */
export function shortId(id: string): string {
  return id.length > 10 ? id.slice(-8) : id;
}

/** Pretty JSON for the inspector; strings are shown as they are. */
export function pretty(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

/** The exact cost, for tooltips. */
export function formatCostExact(usd: number | null | undefined): string {
  return usd ? `$${usd.toPrecision(3)}` : "";
}

/** A wall-clock time with milliseconds, e.g. 14:03:07.412 (for event timelines). */
export function formatClock(ts: number | string | Date | null | undefined): string {
  if (ts == null) return "";
  const d = new Date(ts);
  if (!Number.isFinite(d.getTime())) return "";
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** An offset from a reference time, e.g. "+120 ms", "+1.50 s"; empty when either is unknown. */
export function formatOffset(ts: number | null | undefined, from: number | null | undefined): string {
  if (ts == null || from == null) return "";
  return `+${formatDuration(Math.max(0, ts - from))}`;
}

/** Token count with the prompt/completion split, e.g. "1,234 (1,000 + 234)". */
export function formatUsage(u: { promptTokens: number; completionTokens: number; totalTokens: number } | null | undefined): string {
  if (!u) return "";
  const n = (x: number) => x.toLocaleString("en-US");
  return `${n(u.totalTokens)} (${n(u.promptTokens)} + ${n(u.completionTokens)})`;
}

/**
 * The parameter versions a run used, e.g. "answer v2 (production)". A run started normally uses
 * each AI node's production version; a re-run reuses its parent's versions.
 */
export function formatParameterVersions(versions: Record<string, number> | null | undefined, rerun = false, overrides: readonly string[] = []): string {
  if (!versions) return "";
  const entries = Object.entries(versions).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return "";
  // A version chosen for the run (a draft tried) is not production's: say so, whatever else applies.
  const label = (node: string) => (overrides.includes(node) ? "chosen for this run" : rerun ? "as in the parent run" : "production");
  return entries.map(([node, v]) => `${node} v${v} (${label(node)})`).join(", ");
}
