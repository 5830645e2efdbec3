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
    // A null prototype keeps a "__proto__" key as data (a plain object would take it as its prototype and drop it).
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && typeof v !== "function") out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** SHA-256 (hex) of a value's canonical JSON: graph checksums, version checksums, cache keys. */
export function checksum(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
