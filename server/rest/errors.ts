/**
 * REST error bodies: `{ error: { code, message, issues? } }`. Engine errors keep their code and
 * get their status from the ONE mapping in trpc.ts (httpStatusOf); zod errors become 400s with
 * field paths.
 */
import { ZodError } from "zod";
import { FlowtuneError, GraphValidationError } from "../../engine/browser.js";
import { AccessError } from "../auth/errors.js";
import { httpStatusOf } from "../trpc.js";

export interface RestIssue {
  /** Dotted path of the offending field in the request (e.g. `limits.iterations`); empty for the whole body. */
  path: string;
  message: string;
}

export interface RestErrorBody {
  error: { code: string; message: string; issues?: RestIssue[] };
}

/** An error raised by the REST layer itself, with its HTTP status. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: RestIssue[],
  ) {
    super(message);
    this.name = "RestError";
  }
}

/** Turns zod issues into `{ path, message }` with dotted paths. */
export function zodIssues(err: ZodError): RestIssue[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

/**
 * The status and body for any thrown value. `renameField` maps engine field names (e.g.
 * `targets`) to the wire names of the request (e.g. `node_ids`).
 */
export function toRestError(err: unknown, renameField: (field: string) => string = (f) => f): { status: number; body: RestErrorBody } {
  if (err instanceof RestError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } } };
  }
  if (err instanceof AccessError) {
    return { status: httpStatusOf(err), body: { error: { code: err.code, message: err.message } } };
  }
  if (err instanceof ZodError) {
    const issues = zodIssues(err).map((i) => ({ ...i, path: renameField(i.path) }));
    return { status: 400, body: { error: { code: "INPUT_INVALID", message: "invalid request", issues } } };
  }
  if (err instanceof FlowtuneError) {
    const located = err instanceof GraphValidationError ? err.issues : err.location.field || err.location.nodeId ? [{ ...err.location, message: err.message }] : [];
    const issues = located.map((i) => ({ path: i.field ? renameField(i.field) : i.nodeId ? `node:${i.nodeId}` : "", message: i.message }));
    return { status: httpStatusOf(err), body: { error: { code: err.code, message: err.message, ...(issues.length ? { issues } : {}) } } };
  }
  const status = httpStatusOf(err);
  // Server faults do not leak internals.
  return { status, body: { error: { code: "INTERNAL", message: status >= 500 ? "internal error" : String(err) } } };
}
