/**
 * tRPC setup shared by every router: the context (the app's services), the procedure builders,
 * and the ONE place where engine errors (FlowtuneError with a stable `code`) become API errors.
 *
 * - `engineErrors` (a middleware on every procedure) turns a FlowtuneError thrown by a resolver
 *   into a TRPCError with the matching code; for subscriptions it also wraps the returned async
 *   iterable, so an engine error raised mid-stream is mapped the same way.
 * - `errorFormatter` adds the engine's code and its located `issues` (nodeId / edgeId / field)
 *   to `error.data`, for engine errors and for zod input errors alike. An INTERNAL_SERVER_ERROR
 *   reaches the client as "internal error (ref <id>)" with `data.correlationId` (no message of
 *   an unknown error, no path, no stack); the server logs the full error under the same id.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { ZodError } from "zod";
import { FlowtuneError, GraphValidationError, type ErrorCode, type GraphIssue } from "../engine/browser.js";
import { Access, requireRole } from "./auth/access.js";
import { AccessError } from "./auth/errors.js";
import { localPrincipal, type Principal } from "./auth/principal.js";
import type { Role } from "./auth/roles.js";
import { correlationIdOf, internalErrorMessage, sanitizeErrorText } from "./safe-errors.js";
import type { AppServices } from "./services/app.js";

export interface Context {
  services: AppServices;
  /** Who is calling (from the Bearer token or the session cookie); null when anonymous. */
  principal: Principal | null;
  /** Set when the request carried credentials that were refused (bad token, missing CSRF header). */
  authError?: AccessError;
}

/** Every procedure declares the weakest role that may call it ("public": anyone, even anonymous). */
export interface Meta {
  role: Role | "public";
}

/** The context of one call; `principal` defaults to the trusted local principal (CLI, scripts, tests). */
export function createContext(services: AppServices, principal: Principal | null = localPrincipal(), authError?: AccessError): Context {
  return { services, principal, ...(authError ? { authError } : {}) };
}

type TRPCErrorCode = TRPCError["code"];

/** Engine error code → tRPC error code (and so HTTP status). */
const ERROR_CODE_MAP: Record<ErrorCode, TRPCErrorCode> = {
  GRAPH_INVALID: "BAD_REQUEST",
  INPUT_INVALID: "BAD_REQUEST",
  TEMPLATE_ERROR: "BAD_REQUEST",
  EXPRESSION_ERROR: "BAD_REQUEST",
  PROVIDER_NOT_FOUND: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  NO_ROUTE: "UNPROCESSABLE_CONTENT",
  JOIN_FAILED: "UNPROCESSABLE_CONTENT",
  NODE_EXECUTION_FAILED: "INTERNAL_SERVER_ERROR",
  PROVIDER_ERROR: "BAD_GATEWAY",
  NODE_TIMEOUT: "TIMEOUT",
  RUN_TIMEOUT: "TIMEOUT",
  RUN_CANCELLED: "CLIENT_CLOSED_REQUEST",
};

const ACCESS_CODE_MAP: Record<AccessError["code"], TRPCErrorCode> = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
};

/** Maps any thrown value to a TRPCError; FlowtuneErrors get their mapped code and stay the `cause`. */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) {
    // A TRPCError wrapping an engine error (e.g. one thrown deeper in a middleware chain).
    if (err.code === "INTERNAL_SERVER_ERROR" && (err.cause instanceof FlowtuneError || err.cause instanceof AccessError)) return toTRPCError(err.cause);
    return err;
  }
  if (err instanceof AccessError) return new TRPCError({ code: ACCESS_CODE_MAP[err.code], message: err.message, cause: err });
  if (err instanceof FlowtuneError) {
    return new TRPCError({ code: ERROR_CODE_MAP[err.code] ?? "INTERNAL_SERVER_ERROR", message: err.message, cause: err });
  }
  if (err instanceof ZodError) return new TRPCError({ code: "BAD_REQUEST", message: "invalid input", cause: err });
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: err instanceof Error ? err.message : String(err),
    cause: err instanceof Error ? err : undefined,
  });
}

/** The HTTP status for any thrown value, through the same engine-code mapping (the REST API uses it). */
export function httpStatusOf(err: unknown): number {
  return getHTTPStatusCodeFromError(toTRPCError(err));
}

/** The located problems an error carries: engine issues, or zod input issues as `field`s. */
function issuesOf(cause: unknown): GraphIssue[] | undefined {
  if (cause instanceof GraphValidationError) return cause.issues;
  if (cause instanceof FlowtuneError) {
    const { nodeId, edgeId, field } = cause.location;
    return nodeId || edgeId || field ? [{ ...cause.location, message: cause.message }] : undefined;
  }
  if (cause instanceof ZodError) {
    return cause.issues.map((i) => ({ field: i.path.map(String).join(".") || undefined, message: i.message }));
  }
  return undefined;
}

/** One readable line for a refused input (`invalid input: limits.maxCandidates: Too big…`) instead of zod's JSON. */
function zodMessage(err: ZodError): string {
  const parts = err.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message));
  const more = err.issues.length > 5 ? ` (and ${err.issues.length - 5} more)` : "";
  return `invalid input: ${parts.join("; ")}${more}`;
}

const t = initTRPC.context<Context>().meta<Meta>().create({
  isDev: process.env.NODE_ENV === "development",
  sse: {
    // Keeps idle SSE streams (a paused run, a slow node) alive through proxies; the client
    // reconnects (with lastEventId) if it hears nothing for longer than reconnectAfterInactivityMs.
    ping: { enabled: true, intervalMs: 5_000 },
    client: { reconnectAfterInactivityMs: 15_000 },
  },
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    // Secrets (provider API keys) never leave the server, not even inside an upstream error message.
    const redact = (text: string) => ctx?.services.redact(text) ?? text;
    // No stack, ever (tRPC adds one in development mode); internal errors carry a correlation id instead.
    const { stack: _stack, ...data } = shape.data as typeof shape.data & { stack?: string };
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    const correlationId = internal ? correlationIdOf(error) : null;
    // An engine error keeps its own (sanitized) message; anything else is the server's business.
    const message = cause instanceof ZodError ? zodMessage(cause) : !internal ? shape.message : cause instanceof FlowtuneError ? `${sanitizeErrorText(shape.message)} (ref ${correlationId})` : internalErrorMessage(correlationId!);
    return {
      ...shape,
      message: redact(message),
      data: {
        ...data,
        flowtuneCode: cause instanceof FlowtuneError ? cause.code : null,
        issues: issuesOf(cause)?.map((i) => ({ ...i, message: redact(internal ? sanitizeErrorText(i.message) : i.message) })) ?? null,
        retryAfterSec: cause instanceof AccessError ? (cause.retryAfterSec ?? null) : null,
        correlationId,
      },
    };
  },
});

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return v != null && typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";
}

/** Re-yields `source`, mapping whatever it throws through toTRPCError. */
async function* mapIterableErrors(source: AsyncIterable<unknown>): AsyncGenerator<unknown, void, unknown> {
  try {
    yield* source;
  } catch (err) {
    throw toTRPCError(err);
  }
}

const engineErrors = t.middleware(async ({ next, type }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error);
  if (type === "subscription" && isAsyncIterable(result.data)) {
    return { ...result, data: mapIterableErrors(result.data) };
  }
  return result;
});

/** Checks the caller's role against the procedure's `meta.role`; a procedure without one is refused (fail closed). */
const authorize = t.middleware(({ ctx, meta, next }) => {
  if (!meta?.role) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "procedure declares no role" });
  if (ctx.authError) throw ctx.authError;
  const principal = requireRole(ctx.principal, meta.role);
  return next({ ctx: { principal, access: principal ? new Access(ctx.services, principal) : null } });
});

const base = t.procedure.use(engineErrors);

/** A procedure anyone may call, even anonymously (sign-in state). */
export const publicProcedure = base.meta({ role: "public" }).use(authorize);

/**
 * A procedure callers with at least `role` may call. Its resolvers get `ctx.principal` and
 * `ctx.access` (object-level checks: the workflow grants of a limited token).
 */
export function procedure(role: Role) {
  return base
    .meta({ role })
    .use(authorize)
    .use(({ ctx, next }) => next({ ctx: { principal: ctx.principal!, access: ctx.access! } }));
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
