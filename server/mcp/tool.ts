/**
 * The one way an MCP tool reaches Flowtune: through the tRPC procedures themselves, called
 * in-process with the caller's principal (createCaller). So a tool is authorized exactly like the
 * API (the procedure's `meta.role`, the token's workflow grants, the start rate limit), validated
 * with the procedure's own zod input schema, and fails with the API's error codes and messages.
 */
import { getTRPCErrorShape, isTrackedEnvelope, type inferRouterInputs, type TRPCError } from "@trpc/server";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Principal } from "../auth/principal.js";
import { roleAtLeast, type Role } from "../auth/roles.js";
import { appRouter, createCaller, type AppRouter } from "../router.js";
import type { AppServices } from "../services/app.js";
import { createContext, toTRPCError, type Meta } from "../trpc.js";

/** The in-process API as one principal sees it. */
export type Api = ReturnType<typeof createCaller>;

/** What a tool's body gets: the API as the caller, and the request's abort signal. */
export interface ToolCall {
  api: Api;
  /** Aborted when the client cancels the call or goes away. */
  signal: AbortSignal;
  /** Opens the API with another abort signal (subscriptions end when it aborts). */
  apiWith(signal: AbortSignal): Api;
}

/** A Flowtune MCP tool: a thin wrapper over one or more tRPC procedures. */
export interface ToolSpec<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  /** The procedures it calls: its required role is the strongest of theirs (read from their `meta.role`). */
  procedures: readonly ProcedurePath[];
  /** Built from the procedures' own input schemas (see procedureInput). */
  input: S;
  run(args: z.output<S>, call: ToolCall): Promise<Record<string, unknown>>;
}

/** Declares a tool (keeps its argument types). */
export function defineTool<S extends z.ZodObject>(spec: ToolSpec<S>): ToolSpec<S> {
  return spec;
}

type ProcedureDef = { _def: { inputs: unknown[]; meta?: Meta; type: string } };

function procedureDef(path: string): ProcedureDef["_def"] {
  const p = (appRouter._def.procedures as unknown as Record<string, ProcedureDef | undefined>)[path];
  if (!p) throw new Error(`MCP tool: no tRPC procedure "${path}"`);
  return p._def;
}

type Inputs = inferRouterInputs<AppRouter>;
/** `router.procedure` paths of the API (one level of nesting, as the tools use). */
export type ProcedurePath = { [A in keyof Inputs]: { [B in keyof Inputs[A]]: `${A & string}.${B & string}` }[keyof Inputs[A]] }[keyof Inputs];
type InputOf<P> = P extends `${infer A}.${infer B}` ? (A extends keyof Inputs ? (B extends keyof Inputs[A] ? NonNullable<Inputs[A][B]> : never) : never) : never;
/** A zod shape typed by the procedure's input type (the schema itself is the procedure's). */
type ShapeOf<T> = { [K in keyof T]-?: z.ZodType<T[K]> };

/**
 * The zod object schema a procedure validates its input with (unwrapping a `.default()`), so a
 * tool's arguments are checked by the API's own schema; throws at start-up if it has none.
 */
export function procedureInput<P extends ProcedurePath>(path: P): z.ZodObject<ShapeOf<InputOf<P>>> {
  let schema = procedureDef(path).inputs[0];
  if (schema instanceof z.ZodDefault) schema = schema.unwrap();
  if (!(schema instanceof z.ZodObject)) throw new Error(`MCP tool: procedure "${path}" has no object input schema`);
  return schema as unknown as z.ZodObject<ShapeOf<InputOf<P>>>;
}

/** The weakest role that may call every one of `paths` (each procedure declares its own). */
export function requiredRole(paths: readonly ProcedurePath[]): Role {
  let role: Role = "viewer";
  for (const path of paths) {
    const r = procedureDef(path).meta?.role;
    if (!r) throw new Error(`MCP tool: procedure "${path}" declares no role`);
    if (r !== "public" && roleAtLeast(r, role)) role = r;
  }
  return role;
}

/** A successful tool result: the value as JSON text, and as structured content for clients that read it. */
export function toolResult(value: Record<string, unknown>): CallToolResult {
  // JSON round trip: Dates become ISO strings, undefined fields go, as over HTTP.
  const json = JSON.stringify(value);
  return { content: [{ type: "text", text: json }], structuredContent: JSON.parse(json) as Record<string, unknown> };
}

/** The refusal a client reads: the tRPC error shape's fields (code, status, message, located issues). */
export interface ToolErrorBody {
  code: string;
  httpStatus: number;
  message: string;
  flowtuneCode?: string;
  issues?: Array<{ nodeId?: string; edgeId?: string; field?: string; message: string }>;
  retryAfterSec?: number;
  correlationId?: string;
}

/**
 * Any error as an MCP tool error, formatted by the API's own errorFormatter (same code, message,
 * issues; internal errors as "internal error (ref …)", never a stack). `onInternal` logs those.
 */
export function toolError(err: unknown, ctx: { services: AppServices; principal: Principal; tool: string }, onInternal?: (err: TRPCError) => void): CallToolResult {
  const error = toTRPCError(err);
  if (error.code === "INTERNAL_SERVER_ERROR") onInternal?.(error);
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: "unknown",
    path: undefined,
    input: undefined,
    ctx: createContext(ctx.services, ctx.principal),
  }) as { message: string; data: { code: string; httpStatus: number; flowtuneCode: string | null; issues: ToolErrorBody["issues"] | null; retryAfterSec: number | null; correlationId: string | null } };
  const { data } = shape;
  const body: ToolErrorBody = {
    code: data.code,
    httpStatus: data.httpStatus,
    message: shape.message,
    ...(data.flowtuneCode ? { flowtuneCode: data.flowtuneCode } : {}),
    ...(data.issues?.length ? { issues: data.issues } : {}),
    ...(data.retryAfterSec !== null ? { retryAfterSec: data.retryAfterSec } : {}),
    ...(data.correlationId ? { correlationId: data.correlationId } : {}),
  };
  return { isError: true, content: [{ type: "text", text: JSON.stringify({ error: body }) }], structuredContent: { error: body } };
}

/** The API for a principal; `signal` ends its subscriptions. */
export function apiFor(services: AppServices, principal: Principal, signal?: AbortSignal): Api {
  return createCaller(createContext(services, principal), signal ? { signal } : undefined);
}

/**
 * Every event a subscription has ready now (stored or buffered), without waiting for live ones:
 * the events already there are yielded in microtasks, so a macrotask later the stream has given
 * them all and is aborted. Returns them in order (unwrapping `tracked` envelopes).
 */
export async function readyEvents<T>(open: (api: Api) => Promise<AsyncIterable<unknown>>, apiWith: (signal: AbortSignal) => Api): Promise<T[]> {
  const stop = new AbortController();
  const events = await open(apiWith(stop.signal));
  const out: T[] = [];
  const timer = setImmediate(() => stop.abort());
  try {
    for await (const e of events) out.push((isTrackedEnvelope(e) ? e[1] : e) as T);
  } finally {
    clearImmediate(timer);
    stop.abort();
  }
  return out;
}
