import { validateJsonSchema } from "../evaluation/json-schema-subset.js";
import { formatCount, limits } from "../limits.js";
import type { OfferedTool } from "./types.js";
import { parseJsonBounded } from "../util/json-bounded.js";

/** Arguments read from a model's tool call: the value, or why they cannot be used. */
export type ParsedArguments = { ok: true; value: Record<string, unknown> } | { ok: false; shown: unknown; error: string };

/**
 * Parses the JSON a model wrote for a tool call and validates it against the tool's parameters
 * (bounded by toolArgumentChars and the JSON limits); a problem is an error for the model, not a throw.
 */
export function parseToolArguments(tool: Pick<OfferedTool, "name" | "parameters" | "validate">, raw: string): ParsedArguments {
  const max = limits().toolArgumentChars;
  if (raw.length > max) {
    return { ok: false, shown: `${raw.slice(0, 200)}…`, error: `the arguments are ${formatCount(raw.length)} characters, over the limit of ${formatCount(max)} (toolArgumentChars)` };
  }
  let value: unknown;
  try {
    value = raw.trim() === "" ? {} : parseJsonBounded(raw);
  } catch (err) {
    return { ok: false, shown: raw, error: `the arguments are not valid JSON: ${(err as Error).message}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, shown: value, error: "the arguments must be a JSON object" };
  }
  let problems: string[];
  try {
    problems = tool.validate ? tool.validate(value as Record<string, unknown>) : validateJsonSchema(value, tool.parameters).map((p) => `${p.path}: ${p.message}`);
  } catch (err) {
    return { ok: false, shown: value, error: `the arguments could not be checked: ${(err as Error).message}` };
  }
  if (problems.length > 0) {
    const list = problems.slice(0, 5).join("; ");
    return { ok: false, shown: value, error: `invalid arguments for "${tool.name}": ${list}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
