/**
 * What a client may see of a server-side failure: never a file path, a source excerpt or a stack.
 *
 * - correlationIdOf(err): a short random id, stable for one error object (and its causes), that
 *   the API returns ("internal error (ref …)") and the server logs next to the full error, so an
 *   operator can find one from the other.
 * - sanitizeErrorText(text): strips Prisma's "Invalid `x()` invocation in /path/file.ts:12:3"
 *   header and its code frame, stack frames and absolute paths from an error message that is
 *   stored (a failed run or optimization) or shown.
 */
import { randomBytes } from "node:crypto";

const ids = new WeakMap<object, string>();

/** The causes of an error, outermost first (bounded, cycle-safe). */
function chain(err: unknown): object[] {
  const out: object[] = [];
  for (let e: unknown = err; e !== null && typeof e === "object" && !out.includes(e) && out.length < 8; e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

/** The correlation id of `err` (assigned on first use, shared by every error in its cause chain). */
export function correlationIdOf(err: unknown): string {
  const links = chain(err);
  const id = links.map((e) => ids.get(e)).find((x) => x !== undefined) ?? `ref_${randomBytes(6).toString("hex")}`;
  for (const e of links) ids.set(e, id);
  return id;
}

/** The message a client gets for an internal error. */
export function internalErrorMessage(correlationId: string): string {
  return `internal error (ref ${correlationId})`;
}

// Prisma: "Invalid `tx.candidate.create()` invocation in" + a location line + a numbered code frame.
const PRISMA_HEADER = /^\s*Invalid `[^`]*` invocation(?: in)?:?\s*$/;
const CODE_FRAME = /^\s*(?:→\s*)?\d+\s/;
const LOCATION_LINE = /^\s*(?:file:\/\/)?(?:\/|[A-Za-z]:[\\/])\S*:\d+(?::\d+)?\s*$/;
const STACK_FRAME = /^\s*at\s.+/;
// An absolute path standing alone (not the path part of a URL): /a/b…, C:\a\…, file:///…
const ABSOLUTE_PATH = /(?<![\w:/.\\-])(?:file:\/\/\/?[^\s'"`)]+|\/(?:[\w.@+-]+\/)+[\w.@+-]*(?::\d+(?::\d+)?)?|[A-Za-z]:\\(?:[^\s\\'"`)]+\\)*[^\s\\'"`)]*)/g;
const MAX_LENGTH = 2_000;

/** `text` without source locations, code frames, stack frames or absolute paths (bounded length). */
export function sanitizeErrorText(text: string): string {
  const lines = text.split(/\r?\n/);
  const prisma = lines.some((l) => PRISMA_HEADER.test(l));
  const kept = lines.filter((line) => {
    if (STACK_FRAME.test(line) || LOCATION_LINE.test(line)) return false;
    if (prisma && (PRISMA_HEADER.test(line) || CODE_FRAME.test(line))) return false;
    return true;
  });
  let out = kept
    .join("\n")
    .replace(ABSOLUTE_PATH, "<path>")
    .replace(/\n{2,}/g, "\n")
    .trim();
  if (prisma) out = `database error: ${out || "unknown"}`;
  if (out.length > MAX_LENGTH) out = `${out.slice(0, MAX_LENGTH)}…`;
  return out || "error";
}

/** A copy of an `{ code, message, … }` error record with its message sanitized. */
export function sanitizeErrorInfo<T extends { message: string }>(info: T): T {
  return { ...info, message: sanitizeErrorText(info.message) };
}

/**
 * The server-side log line of an internal error: where it happened, its correlation id and the
 * full error (stack included), with secrets removed by `redact`.
 */
export function formatInternalError(err: Error, where: string, redact: (text: string) => string = (t) => t): string {
  return redact(`[flowtune] ${where} (ref ${correlationIdOf(err)}): ${err.stack ?? err.message}`);
}
