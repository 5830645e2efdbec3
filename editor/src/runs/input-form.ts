/**
 * The run form's model, kept pure for tests: one value per field of the workflow's input node
 * (text for string/number/json/list fields, a boolean for boolean fields), the initial values
 * from the fields' defaults, and the conversion of the form's values to the run's inputs.
 */
import type { Graph, InputNode } from "../../../engine/browser.js";

export type InputField = InputNode["config"]["fields"][number];
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

/** The workflow's input fields (none when the graph has no input node). */
export function inputFieldsOf(graph: Graph): InputField[] {
  const node = graph.nodes.find((n): n is InputNode => n.kind === "input");
  return node?.config.fields ?? [];
}

/** Whether a string field's value is long enough to deserve a textarea. */
export function isLongText(f: InputField): boolean {
  const d = typeof f.default === "string" ? f.default : "";
  return d.length > 60 || d.includes("\n") || /text|prompt|body|content|document|review|question|description/i.test(f.name);
}

export function initialValue(f: InputField): FormValue {
  if (f.type === "boolean") return f.default === true || f.default === "true";
  if (f.default === undefined || f.default === null) return "";
  if (f.type === "list" && Array.isArray(f.default) && f.default.every((x) => typeof x === "string")) {
    return (f.default as string[]).join("\n");
  }
  if (f.type === "json" || f.type === "list") return JSON.stringify(f.default, null, 2);
  return typeof f.default === "string" ? f.default : JSON.stringify(f.default);
}

export function initialValues(fields: InputField[]): FormValues {
  return Object.fromEntries(fields.map((f) => [f.name, initialValue(f)]));
}

export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Converts a form value to the field's type. Returns undefined for an empty optional field (the
 * run then uses the field's default); throws a FieldError with a readable message otherwise.
 */
export function coerce(f: InputField, raw: FormValue | undefined): unknown {
  if (f.type === "boolean") return raw === true || raw === "true";
  const text = raw === undefined || typeof raw === "boolean" ? "" : raw;
  if (text.trim() === "") {
    if (!f.required) return undefined;
    throw new FieldError(f.name, `${f.name} is required`);
  }
  switch (f.type) {
    case "number": {
      const n = Number(text.trim());
      if (!Number.isFinite(n)) throw new FieldError(f.name, `${f.name}: enter a number`);
      return n;
    }
    case "json":
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new FieldError(f.name, `${f.name}: not valid JSON`);
      }
    case "list": {
      const t = text.trim();
      if (t.startsWith("[")) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(t);
        } catch {
          throw new FieldError(f.name, `${f.name}: not a valid JSON list`);
        }
        if (!Array.isArray(parsed)) throw new FieldError(f.name, `${f.name}: not a valid JSON list`);
        return parsed;
      }
      return t
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    }
    default:
      return text;
  }
}

/** The run's inputs from the form, or the errors by field name. */
export function toInputs(
  fields: InputField[],
  values: FormValues,
): { ok: true; inputs: Record<string, unknown> } | { ok: false; errors: Record<string, string> } {
  const inputs: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    try {
      const v = coerce(f, values[f.name]);
      if (v !== undefined) inputs[f.name] = v;
    } catch (err) {
      errors[f.name] = err instanceof Error ? err.message : String(err);
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, inputs };
}

/** A run input (from a preset or a dataset row) as the form's value for the field, the reverse of coerce. */
export function toFormValue(f: InputField, v: unknown): FormValue {
  if (f.type === "boolean") return v === true || v === "true";
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (f.type === "list" && Array.isArray(v) && v.every((x) => typeof x === "string" && !x.includes("\n") && x.trim() === x && x !== "")) {
    return v.join("\n");
  }
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v, null, 2) ?? "";
}

/**
 * The form filled from `inputs` (a preset's inputs or a dataset row): every field named in it
 * takes its value, the other fields their defaults. `filled` / `ignored` list what matched.
 */
export function valuesFromInputs(
  fields: InputField[],
  inputs: Record<string, unknown>,
): { values: FormValues; filled: string[]; ignored: string[] } {
  const values = initialValues(fields);
  const filled: string[] = [];
  for (const f of fields) {
    if (!Object.hasOwn(inputs, f.name)) continue;
    values[f.name] = toFormValue(f, inputs[f.name]);
    filled.push(f.name);
  }
  const names = new Set(fields.map((f) => f.name));
  return { values, filled, ignored: Object.keys(inputs).filter((k) => !names.has(k)) };
}

/** The fields' defaults, with the remembered values of the fields that still exist (and of the right kind). */
export function withRemembered(fields: InputField[], remembered: FormValues | null): FormValues {
  const values = initialValues(fields);
  if (!remembered) return values;
  for (const f of fields) {
    const v = remembered[f.name];
    if (v !== undefined && (typeof v === "boolean") === (f.type === "boolean")) values[f.name] = v;
  }
  return values;
}
