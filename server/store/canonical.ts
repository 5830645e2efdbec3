import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every level (arrays keep their order, `undefined` members are
 * dropped as JSON.stringify does), so equal values always give equal text.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value !== null && typeof value === "object") {
    const maybeJson = value as { toJSON?: () => unknown };
    if (typeof maybeJson.toJSON === "function") return sortKeys(maybeJson.toJSON());
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && typeof v !== "function") out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** sha256 (hex) of the canonical JSON of `value`: the checksum of a stored graph. */
export function checksumOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

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
