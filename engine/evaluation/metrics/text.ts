/** Shortens long values in feedback so it stays readable. */
export function truncate(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Formats a number for feedback without float noise (at most 6 significant digits). */
export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

/** Rounds a score to 4 decimals so equal inputs print and compare equal. */
export function roundScore(s: number): number {
  return Math.round(Math.min(1, Math.max(0, s)) * 10_000) / 10_000;
}
