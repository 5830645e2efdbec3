/**
 * Zod schemas for the short texts people type at the API boundary (the REST and tRPC inputs and
 * the CLI options that reach the same stores): dataset names, reasons, actor names, notes. All go
 * through `safeText`, so control, bidi-override and lone-surrogate characters are refused, never stored.
 */
import { z } from "zod";
import { safeText } from "./text.js";

// Surrounding blanks are dropped before the checks, so "  " is empty and not a name.
const trimmed = (opts: { max: number; min?: number; multiline?: boolean }) =>
  z
    .string()
    .trim()
    .min(opts.min ?? 0, { error: "must not be empty" })
    .max(opts.max, { error: `must have at most ${opts.max} characters` })
    .pipe(safeText(opts));

/** An imported dataset's name (also what an optimizer node's `dataset` may name). */
export const DatasetNameSchema = trimmed({ min: 1, max: 200 });

/** A dataset's original file name, as stored with each version. */
export const DatasetFileNameSchema = trimmed({ min: 1, max: 255 });

/** Why production moved (promote / rollback), recorded in the audit trail; line breaks allowed (the editor's reason box is a text area). */
export const ReasonSchema = trimmed({ min: 1, max: 2000, multiline: true });

/** Who is acting (a principal's or a CLI user's name), recorded in the audit trail. */
export const ActorNameSchema = trimmed({ min: 1, max: 200 });

/** A free-text note (e.g. on a workflow version); line breaks allowed. */
export const NoteSchema = trimmed({ max: 2000, multiline: true });

/**
 * Checks `value` against a label schema; returns the cleaned value or the first problem as
 * `"<what> <message>"` (for callers that report errors their own way, e.g. the CLI).
 */
export function labelProblem(schema: z.ZodType<string, string>, value: string, what: string): { ok: true; value: string } | { ok: false; message: string } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, message: `${what} ${r.error.issues[0]?.message ?? "is invalid"}` };
}
