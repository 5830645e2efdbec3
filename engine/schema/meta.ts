import { z } from "zod";

/** Most characters of JSON one `meta` object may hold. */
export const META_MAX_CHARS = 16_384;
/** Deepest nesting of arrays and objects inside a `meta` object (the object itself is depth 1). */
export const META_MAX_DEPTH = 16;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v));

/**
 * Why `value` is not an acceptable `meta` object (a JSON object within the size and depth
 * bounds), or undefined when it is. Iterative, and stops once it has seen more values than
 * META_MAX_CHARS, so a hostile document costs bounded work and no deep recursion.
 */
export function metaProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return "must be a JSON object";
  const tooLarge = `is larger than ${META_MAX_CHARS} characters of JSON`;
  const stack: Array<{ v: unknown; depth: number; path: string }> = [{ v: value, depth: 1, path: "" }];
  // Every value takes at least one character of JSON: counting values bounds the walk.
  let values = 1;
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    const at = path ? ` at ${path}` : "";
    if (v === null || typeof v === "string" || typeof v === "boolean") continue;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return `holds a number that JSON cannot represent${at}`;
      continue;
    }
    if (Array.isArray(v)) {
      if (depth > META_MAX_DEPTH) return `is nested deeper than ${META_MAX_DEPTH} levels${at}`;
      if ((values += v.length) > META_MAX_CHARS) return tooLarge;
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: depth + 1, path: `${path}[${i}]` });
      continue;
    }
    if (!isPlainObject(v)) return `holds a value that is not JSON (${typeof v})${at}`;
    if (depth > META_MAX_DEPTH) return `is nested deeper than ${META_MAX_DEPTH} levels${at}`;
    const keys = Object.keys(v);
    if ((values += keys.length) > META_MAX_CHARS) return tooLarge;
    for (const k of keys) {
      // JSON.parse keeps "__proto__" as a plain key, but copying it into an object would set a prototype instead.
      if (k === "__proto__") return `uses the reserved key "__proto__"${at}`;
      stack.push({ v: v[k], depth: depth + 1, path: path ? `${path}.${k}` : k });
    }
  }
  const size = JSON.stringify(value).length;
  return size > META_MAX_CHARS ? `is ${size} characters of JSON (at most ${META_MAX_CHARS})` : undefined;
}

/**
 * `meta`: free-form JSON that tools and users may attach to a graph, node or edge. Flowtune
 * validates only its shape and size, never reads it, and keeps it exactly as given (the value
 * passes through unchanged, unlike a zod record, which rebuilds the object).
 */
export const MetaSchema = z
  .custom<Record<string, unknown>>()
  .superRefine((v, ctx) => {
    const problem = metaProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: `meta ${problem}` });
  })
  .meta({
    id: "Meta",
    type: "object",
    description: `Free-form JSON for your own data (at most ${META_MAX_CHARS} characters, ${META_MAX_DEPTH} levels deep); kept as is, never read by Flowtune.`,
  });
