import type { z } from "zod";
import { labelProblem } from "../engine/schema/labels.js";
import { UsageError } from "./errors.js";

/**
 * A text option that gets stored (reasons, actor and token names, dataset names), checked with its
 * label schema (not empty, no control, bidi-override or lone-surrogate characters) and trimmed;
 * a UsageError naming the option otherwise.
 */
export function textOption(schema: z.ZodType<string, string>, value: string, option: string): string {
  const r = labelProblem(schema, value, option);
  if (!r.ok) throw new UsageError(r.message);
  return r.value;
}
