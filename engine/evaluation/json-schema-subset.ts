/**
 * A small validator for the JSON Schema subset the `json_schema` metric supports (browser-safe; patterns run on re2js).
 * Supported: type, enum, const, properties, required, additionalProperties, minProperties, maxProperties,
 * items (one schema), minItems, maxItems, uniqueItems, minLength, maxLength, pattern, minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum (numbers), multipleOf, allOf, anyOf, oneOf, not, and boolean schemas.
 * Annotations ($schema, $id, $comment, title, description, default, examples, format, readOnly, writeOnly,
 * deprecated) are accepted and ignored. Anything else ($ref, patternProperties, if/then, …) is refused by
 * `checkJsonSchema`, so a schema never silently checks less than it says. Patterns run on a linear-time
 * engine (RE2: no backreferences or lookaround, refused by `checkJsonSchema`).
 */

import { formatCount, limits } from "../limits.js";
import { estimateProgramSize } from "../util/regex-size.js";
import { compileSafeRegex, regexPatternProblem, RegexWork, type SafeRegex } from "../util/safe-regex.js";

/** A problem at a location: a JSON path (`$.items[2].name`) for values, a keyword path for schemas. */
export interface SchemaProblem {
  path: string;
  message: string;
}

const TYPES = ["null", "boolean", "object", "array", "number", "integer", "string"] as const;
const ANNOTATIONS = new Set(["$schema", "$id", "$comment", "title", "description", "default", "examples", "format", "readOnly", "writeOnly", "deprecated"]);
const NUMBER_KEYWORDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];
const COUNT_KEYWORDS = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];
const SCHEMA_LIST_KEYWORDS = ["allOf", "anyOf", "oneOf"];
const SUPPORTED = new Set([
  "type", "enum", "const", "properties", "required", "additionalProperties", "items", "uniqueItems", "pattern", "multipleOf", "not",
  ...NUMBER_KEYWORDS, ...COUNT_KEYWORDS, ...SCHEMA_LIST_KEYWORDS,
]);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const join = (base: string, key: string) => (base ? `${base}.${key}` : key);

// Compiling costs about 3.5 ms per 1,000 program instructions, so one schema's patterns together get ten patterns' worth.
const SCHEMA_PROGRAM_FACTOR = 10;

/** Problems with a schema itself (unsupported keywords, malformed keyword values, invalid patterns); empty when usable. */
export function checkJsonSchema(schema: unknown, path = "", compiled = { instructions: 0 }): SchemaProblem[] {
  if (typeof schema === "boolean") return [];
  if (!isObject(schema)) return [{ path, message: "a schema must be an object (or true/false)" }];
  const out: SchemaProblem[] = [];
  const bad = (key: string, message: string) => out.push({ path: join(path, key), message });
  for (const [key, v] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) continue;
    if (!SUPPORTED.has(key)) {
      bad(key, `unsupported JSON Schema keyword "${key}" (supported: ${[...SUPPORTED].join(", ")})`);
    } else if (key === "type") {
      const list = Array.isArray(v) ? v : [v];
      if (!list.length || list.some((t) => !TYPES.includes(t as never))) bad(key, `type must be one of ${TYPES.join(", ")} (or a list of them)`);
    } else if (key === "enum") {
      if (!Array.isArray(v) || !v.length) bad(key, "enum must be a non-empty array");
    } else if (key === "properties") {
      if (!isObject(v)) bad(key, "properties must be an object of schemas");
      else for (const [name, sub] of Object.entries(v)) out.push(...checkJsonSchema(sub, join(join(path, key), name), compiled));
    } else if (key === "required") {
      if (!Array.isArray(v) || v.some((r) => typeof r !== "string")) bad(key, "required must be an array of property names");
    } else if (key === "additionalProperties" || key === "items" || key === "not") {
      if (key === "items" && Array.isArray(v)) bad(key, "items must be one schema (tuple form is not supported)");
      else out.push(...checkJsonSchema(v, join(path, key), compiled));
    } else if (key === "uniqueItems") {
      if (typeof v !== "boolean") bad(key, "uniqueItems must be true or false");
    } else if (key === "pattern") {
      if (typeof v !== "string") bad(key, "pattern must be a string");
      else {
        const total = SCHEMA_PROGRAM_FACTOR * limits().regexProgramSize;
        const before = compiled.instructions;
        compiled.instructions += estimateProgramSize(v);
        // Reported once, at the pattern that crosses the total; later ones are not compiled.
        if (compiled.instructions <= total) {
          const problem = regexPatternProblem(v);
          if (problem) bad(key, problem);
        } else if (before <= total) {
          bad(key, `the schema's patterns together expand to more than ${formatCount(total)} program instructions (${SCHEMA_PROGRAM_FACTOR} × regexProgramSize)`);
        }
      }
    } else if (key === "multipleOf") {
      if (typeof v !== "number" || !(v > 0)) bad(key, "multipleOf must be a number > 0");
    } else if (NUMBER_KEYWORDS.includes(key)) {
      if (typeof v !== "number") bad(key, `${key} must be a number`);
    } else if (COUNT_KEYWORDS.includes(key)) {
      if (!Number.isInteger(v) || (v as number) < 0) bad(key, `${key} must be a non-negative integer`);
    } else if (SCHEMA_LIST_KEYWORDS.includes(key)) {
      if (!Array.isArray(v) || !v.length) bad(key, `${key} must be a non-empty array of schemas`);
      else v.forEach((sub, i) => out.push(...checkJsonSchema(sub, `${join(path, key)}.${i}`, compiled)));
    }
  }
  return out;
}

/**
 * Where a value breaks a schema (assumed to pass `checkJsonSchema`); empty when it conforms. Every
 * `pattern` match of one validation shares one regex work budget (`work`); past it, throws
 * RegexWorkError rather than report a partial answer (a skipped check under `not` would pass).
 */
export function validateJsonSchema(value: unknown, schema: unknown, path = "$", work: RegexWork = new RegexWork()): SchemaProblem[] {
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [{ path, message: "no value is allowed here" }];
  if (!isObject(schema)) return [];
  const out: SchemaProblem[] = [];
  const fail = (message: string, at = path) => out.push({ path: at, message });
  const s = schema;
  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    // Wrong type makes the other keywords meaningless, so stop here.
    if (!types.some((t) => hasType(value, t))) return [{ path, message: `must be ${types.join(" or ")}, got ${typeName(value)}` }];
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, value))) {
    fail(`must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  }
  if ("const" in s && !deepEqual(s.const, value)) fail(`must equal ${JSON.stringify(s.const)}`);
  if (typeof value === "string") {
    const length = Array.from(value).length;
    if (typeof s.minLength === "number" && length < s.minLength) fail(`must have at least ${s.minLength} characters`);
    if (typeof s.maxLength === "number" && length > s.maxLength) fail(`must have at most ${s.maxLength} characters`);
    if (typeof s.pattern === "string" && !regexp(s.pattern).test(value, work)) fail(`must match pattern ${JSON.stringify(s.pattern)}`);
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) fail(`must be ≥ ${s.minimum}`);
    if (typeof s.maximum === "number" && value > s.maximum) fail(`must be ≤ ${s.maximum}`);
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) fail(`must be > ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum) fail(`must be < ${s.exclusiveMaximum}`);
    if (typeof s.multipleOf === "number" && !isMultiple(value, s.multipleOf)) fail(`must be a multiple of ${s.multipleOf}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === "number" && value.length < s.minItems) fail(`must have at least ${s.minItems} items`);
    if (typeof s.maxItems === "number" && value.length > s.maxItems) fail(`must have at most ${s.maxItems} items`);
    if (s.uniqueItems === true && !allUnique(value)) fail("items must be unique");
    if (s.items !== undefined) value.forEach((v, i) => out.push(...validateJsonSchema(v, s.items, `${path}[${i}]`, work)));
  }
  if (isObject(value)) {
    const props = isObject(s.properties) ? s.properties : {};
    const count = Object.keys(value).length;
    if (typeof s.minProperties === "number" && count < s.minProperties) fail(`must have at least ${s.minProperties} properties`);
    if (typeof s.maxProperties === "number" && count > s.maxProperties) fail(`must have at most ${s.maxProperties} properties`);
    for (const name of Array.isArray(s.required) ? (s.required as string[]) : []) {
      if (!Object.hasOwn(value, name)) fail(`missing required property "${name}"`);
    }
    for (const [name, v] of Object.entries(value)) {
      const at = /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
      if (Object.hasOwn(props, name)) out.push(...validateJsonSchema(v, props[name], at, work));
      else if (s.additionalProperties === false) fail(`property "${name}" is not allowed`, at);
      else if (s.additionalProperties !== undefined) out.push(...validateJsonSchema(v, s.additionalProperties, at, work));
    }
  }
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) out.push(...validateJsonSchema(value, sub, path, work));
  if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => !validateJsonSchema(value, sub, path, work).length)) {
    fail(`must match at least one of the ${s.anyOf.length} anyOf schemas`);
  }
  if (Array.isArray(s.oneOf)) {
    const matched = s.oneOf.filter((sub) => !validateJsonSchema(value, sub, path, work).length).length;
    if (matched !== 1) fail(`must match exactly one of the ${s.oneOf.length} oneOf schemas (matched ${matched})`);
  }
  if (s.not !== undefined && !validateJsonSchema(value, s.not, path, work).length) fail("must not match the `not` schema");
  return out;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "integer":
      return Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return typeof value === type;
  }
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value;
}

// Float-safe: 0.3 is a multiple of 0.1.
function isMultiple(value: number, step: number): boolean {
  const q = value / step;
  return Math.abs(q - Math.round(q)) < 1e-9 * Math.max(1, Math.abs(q));
}

// One canonical key per item (sorted object keys): linear, where pairwise deepEqual was quadratic in the item count.
function allUnique(items: readonly unknown[]): boolean {
  const seen = new Set<string>();
  for (const v of items) {
    const key = canonical(v);
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

/** Structural equality of JSON values (object key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

// JSON Schema patterns are unanchored; they run on the linear-time engine (compiled once, cached there).
function regexp(pattern: string): SafeRegex {
  return compileSafeRegex(pattern);
}
