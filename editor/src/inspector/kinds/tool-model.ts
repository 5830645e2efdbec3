/**
 * Pure helpers behind the AI node's Tools section (no React): a tool's JSON-Schema parameters seen
 * as a small list of rows and written back, starter tools, and unique names. Edits keep what the
 * rows do not show (a property's enum or items, `additionalProperties`), so nothing typed as JSON is lost.
 */
import type { HttpTool, ExpressionTool, Tool, ToolParameters } from "../../../../engine/browser.js";

/** The JSON Schema types a parameter row offers. */
export const PARAM_TYPES = ["string", "number", "integer", "boolean", "array", "object"] as const;

/** One parameter as the inspector shows it; `type` is undefined when the schema's is not a single listed type. */
export interface ParamRow {
  name: string;
  type: string | undefined;
  description: string | undefined;
  required: boolean;
}

type Prop = Record<string, unknown>;

/** The parameters of `schema` as rows, in the schema's order. */
export function paramRows(schema: ToolParameters | undefined): ParamRow[] {
  const s = wellFormed(schema);
  const required = new Set(s.required);
  return Object.entries(s.properties).map(([name, raw]) => {
    // An invalid graph may hold anything here: the engine flags it, the form must still render.
    const p: Prop = isObject(raw) ? raw : {};
    return {
      name,
      type: typeof p.type === "string" ? p.type : undefined,
      description: typeof p.description === "string" ? p.description : undefined,
      required: required.has(name),
    };
  });
}

const EMPTY: ToolParameters = { type: "object", properties: {}, required: [] };

/** True for a plain (non-null, non-array) object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `schema` with object `properties` and an array of string `required`, whatever an invalid graph holds. */
function wellFormed(schema: unknown): ToolParameters {
  if (!isObject(schema)) return EMPTY;
  const properties = isObject(schema.properties) ? (schema.properties as ToolParameters["properties"]) : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : [];
  return { ...(schema as ToolParameters), properties, required };
}

/** `schema` with parameter `name` changed by `patch` (a rename keeps its place and its `required` entry). */
export function updateParam(schema: ToolParameters | undefined, name: string, patch: Partial<ParamRow>): ToolParameters {
  const s = wellFormed(schema);
  const newName = patch.name ?? name;
  const properties: Record<string, Prop> = {};
  for (const [k, p] of Object.entries(s.properties)) {
    if (k !== name) {
      properties[k] = p;
      continue;
    }
    const next: Prop = isObject(p) ? { ...p } : {};
    if (patch.type !== undefined) next.type = patch.type;
    if ("description" in patch) {
      if (patch.description) next.description = patch.description;
      else delete next.description;
    }
    properties[newName] = next;
  }
  let required = s.required.map((r) => (r === name ? newName : r));
  if (patch.required === true && !required.includes(newName)) required = [...required, newName];
  if (patch.required === false) required = required.filter((r) => r !== newName);
  return { ...s, properties, required };
}

/** `schema` with a new string parameter (required) named `name`. */
export function addParam(schema: ToolParameters | undefined, name: string): ToolParameters {
  const s = wellFormed(schema);
  return { ...s, properties: { ...s.properties, [name]: { type: "string" } }, required: [...s.required, name] };
}

/** `schema` without parameter `name` (nor its `required` entry). */
export function removeParam(schema: ToolParameters | undefined, name: string): ToolParameters {
  const s = wellFormed(schema);
  const properties = Object.fromEntries(Object.entries(s.properties).filter(([k]) => k !== name));
  return { ...s, properties, required: s.required.filter((r) => r !== name) };
}

/** `base` if no name in `taken` has it, else `base2`, `base3`, … */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let name = base;
  for (let k = 2; used.has(name); k++) name = `${base}${k}`;
  return name;
}

/**
 * A starter tool of `kind`, named apart from `tools`. The description is left empty on purpose:
 * the model picks tools by it, so the form asks for it (the engine flags it until written).
 */
export function newTool(kind: Tool["kind"], tools: readonly Tool[]): Tool {
  const taken = tools.map((t) => t.name);
  if (kind === "expression") {
    const tool: ExpressionTool = {
      kind: "expression",
      name: uniqueName("calculator", taken),
      description: "",
      parameters: { type: "object", properties: { expression: { type: "string", description: "An arithmetic expression such as (12 + 5) * 3" } }, required: ["expression"] },
      expression: "expression|calc",
    };
    return tool;
  }
  const tool: HttpTool = { kind: "http", name: uniqueName("http_tool", taken), description: "", method: "GET", url: "", headers: {}, parameters: { type: "object", properties: {}, required: [] } };
  return tool;
}

/** `headers` with header `name` renamed to `newName` (in place) and/or given `value`. */
export function updateHeader(headers: Record<string, string>, name: string, patch: { name?: string; value?: string }): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => (k === name ? [patch.name ?? k, patch.value ?? v] : [k, v])));
}
