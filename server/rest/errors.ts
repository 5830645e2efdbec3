/**
 * REST error bodies: `{ error: { code, message, issues? } }`. Engine errors keep their code and
 * get their status from the ONE mapping in trpc.ts (httpStatusOf); zod errors become 400s with
 * field paths. A server fault answers `{ code: "INTERNAL", message: "internal error (ref <id>)",
 * correlationId }`: the server logs the full error under that id (server/safe-errors.ts).
 */
import { ZodError } from "zod";
import { FlowtuneError, GraphValidationError } from "../../engine/browser.js";
import { AccessError } from "../auth/errors.js";
import { correlationIdOf, internalErrorMessage, sanitizeErrorText } from "../safe-errors.js";
import { httpStatusOf } from "../trpc.js";

export interface RestIssue {
  /** Dotted path of the offending field in the request (e.g. `limits.iterations`); empty for the whole body. */
  path: string;
  message: string;
}

export interface RestErrorBody {
  /** `correlationId`: on 5xx only, the id the server logged the full error under. */
  error: { code: string; message: string; issues?: RestIssue[]; correlationId?: string };
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
    const status = httpStatusOf(err);
    if (status === 500) {
      // An engine fault (e.g. NODE_EXECUTION_FAILED) keeps its code; its text is sanitized and logged under the id.
      const correlationId = correlationIdOf(err);
      return { status, body: { error: { code: err.code, message: `${sanitizeErrorText(err.message)} (ref ${correlationId})`, correlationId } } };
    }
    return { status, body: { error: { code: err.code, message: err.message, ...(issues.length ? { issues } : {}) } } };
  }
  const status = httpStatusOf(err);
  // Server faults do not leak internals: a code, a message and the id the server logged the error under.
  if (status >= 500) {
    const correlationId = correlationIdOf(err);
    return { status, body: { error: { code: "INTERNAL", message: internalErrorMessage(correlationId), correlationId } } };
  }
  return { status, body: { error: { code: "INTERNAL", message: sanitizeErrorText(String(err)) } } };
}
