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
