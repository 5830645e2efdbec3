/** Stable machine-readable error codes; the server maps them to API codes in one place. */
export type ErrorCode =
  | "GRAPH_INVALID"
  | "INPUT_INVALID"
  | "NODE_EXECUTION_FAILED"
  | "NODE_TIMEOUT"
  | "RUN_TIMEOUT"
  | "RUN_CANCELLED"
  | "NO_ROUTE"
  | "JOIN_FAILED"
  | "PROVIDER_ERROR"
  | "PROVIDER_NOT_FOUND"
  | "TEMPLATE_ERROR"
  | "EXPRESSION_ERROR"
  | "NOT_FOUND"
  | "CONFLICT";

/** Where in a graph a problem lies. */
export interface IssueLocation {
  nodeId?: string;
  edgeId?: string;
  /** Dotted field path inside the node/edge/graph, e.g. `config.prompt`. */
  field?: string;
}

export interface GraphIssue extends IssueLocation {
  message: string;
}

/** Base class: every engine error carries a code and, where known, the graph location. */
export class FlowtuneError extends Error {
  readonly code: ErrorCode;
  readonly location: IssueLocation;
  constructor(code: ErrorCode, message: string, location: IssueLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.location = location;
  }
}

/** Formats an issue as `node "x" field config.prompt: message`. */
export function formatIssue(issue: GraphIssue): string {
  const where: string[] = [];
  if (issue.nodeId) where.push(`node "${issue.nodeId}"`);
  if (issue.edgeId) where.push(`edge "${issue.edgeId}"`);
  if (issue.field) where.push(`field ${issue.field}`);
  return where.length ? `${where.join(" ")}: ${issue.message}` : issue.message;
}

/** The graph is malformed; `issues` lists every problem found. */
export class GraphValidationError extends FlowtuneError {
  readonly issues: GraphIssue[];
  constructor(issues: GraphIssue[]) {
    super("GRAPH_INVALID", `invalid graph: ${issues.map(formatIssue).join("; ")}`, issues[0] ?? {});
    this.issues = issues;
  }
}

/** The run's inputs do not match the input node's declared fields. */
export class InputValidationError extends FlowtuneError {
  constructor(message: string, location: IssueLocation = {}) {
    super("INPUT_INVALID", message, location);
  }
}

/** A node failed while executing. */
export class NodeExecutionError extends FlowtuneError {
  constructor(nodeId: string, message: string, code: ErrorCode = "NODE_EXECUTION_FAILED", options?: { cause?: unknown }) {
    super(code, message, { nodeId }, options);
  }
}

/** A provider call failed (HTTP status, network, bad payload). */
export class ProviderError extends FlowtuneError {
  readonly status?: number;
  readonly retryable: boolean;
  constructor(message: string, opts: { status?: number; retryable?: boolean; cause?: unknown } = {}) {
    super("PROVIDER_ERROR", message, {}, { cause: opts.cause });
    this.status = opts.status;
    this.retryable = opts.retryable ?? false;
  }
}

/** A template failed to parse or render. */
export class TemplateError extends FlowtuneError {
  constructor(message: string, location: IssueLocation = {}) {
    super("TEMPLATE_ERROR", message, location);
  }
}

/** A condition expression failed to parse or evaluate. */
export class ExpressionError extends FlowtuneError {
  constructor(message: string, location: IssueLocation = {}) {
    super("EXPRESSION_ERROR", message, location);
  }
}

/** Raised when an AbortSignal fires; `reason` says why (cancel, timeout). */
export class AbortedError extends FlowtuneError {
  constructor(message = "aborted", code: ErrorCode = "RUN_CANCELLED") {
    super(code, message);
  }
}

/** Turns an unknown thrown value into a message that is safe to show. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : JSON.stringify(err);
}
