export { canonicalJson, checksum as checksumOf } from "../../engine/index.js";

/** JSON text for a TEXT column; `undefined` becomes SQL NULL. */
export function toJsonText(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch (error) {
    // Cycles or BigInt: keep a readable trace rather than losing the whole batch.
    return JSON.stringify({ $unserializable: error instanceof Error ? error.message : String(error) });
  }
}

/** Parses a JSON TEXT column; NULL gives `undefined`. */
export function fromJsonText<T = unknown>(text: string | null | undefined): T | undefined {
  if (text === null || text === undefined) return undefined;
  return JSON.parse(text) as T;
}

/** The timestamp text Prisma's SQLite adapter writes for DateTime columns (ISO 8601, +00:00). */
export function sqliteTimestamp(ms: number | Date): string {
  const d = typeof ms === "number" ? new Date(ms) : ms;
  return d.toISOString().replace("Z", "+00:00");
}
