/** Trims and (unless case-sensitive) lower-cases a value before comparison. */
export function normalize(value: string, caseSensitive: boolean): string {
  const t = value.trim();
  return caseSensitive ? t : t.toLowerCase();
}
