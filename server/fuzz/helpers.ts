/**
 * Shared pieces of the server fuzz tests: one real HTTP server per test file (server faults
 * recorded), raw tRPC / REST calls whose bodies may be deeper than JSON.stringify can write,
 * reply classification, row counts for "no partial rows", and waiting for background work.
 */
import { startTestServer, mintToken, type TestServer } from "../test-http.js";

/** A fuzz server: the test server, an admin and an editor token, and the server faults (5xx) it logged. */
export interface FuzzServer {
  app: TestServer;
  admin: string;
  editor: string;
  faults: string[];
}

/** Starts a seeded server whose rate limits never get in the way of a property (they have their own tests). */
export async function startFuzzServer(prefix: string): Promise<FuzzServer> {
  const faults: string[] = [];
  const app = await startTestServer(prefix, {
    authPolicy: { startsPerMinute: 1_000_000, startBurst: 1_000_000, loginFailuresPerMinute: 1_000_000 },
    optimizationPolicy: { maxConcurrentPerUser: 1_000 },
    latencyScale: 0,
    onError: (err, where) => faults.push(`${where}: ${err.stack ?? err.message}`),
  });
  const admin = (await mintToken(app.services, "fuzz-admin", "admin")).secret;
  const editor = (await mintToken(app.services, "fuzz-editor", "editor")).secret;
  return { app, admin, editor, faults };
}

/** Per-request bound: a request that takes longer is a hang. */
export const REQUEST_MS = 15_000;

/** A reply as the properties judge it: the status and the parsed body (text when not JSON). */
export interface Reply {
  status: number;
  body: unknown;
  ms: number;
}

/** Sends `body` (text, sent as is) and reads the reply, failing the test past REQUEST_MS. */
export async function send(url: string, opts: { method: string; headers?: Record<string, string>; body?: string | Uint8Array<ArrayBuffer> }): Promise<Reply> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: opts.method,
    headers: { ...(opts.body !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
    body: opts.body,
    signal: AbortSignal.timeout(REQUEST_MS),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: judged as text
  }
  return { status: res.status, body, ms: performance.now() - t0 };
}

/** A tRPC call over HTTP with a raw input text (a mutation is a POST of the input; a query a GET with ?input=). */
export function trpcRaw(server: FuzzServer, procPath: string, type: "query" | "mutation", inputText: string | undefined, token = server.admin): Promise<Reply> {
  const headers = { authorization: `Bearer ${token}` };
  if (type === "query") {
    const qs = inputText === undefined ? "" : `?input=${encodeURIComponent(inputText)}`;
    return send(`${server.app.url}/trpc/${procPath}${qs}`, { method: "GET", headers });
  }
  return send(`${server.app.url}/trpc/${procPath}`, { method: "POST", headers, body: inputText });
}

/** The error of a tRPC reply. */
export interface TrpcErrorShape {
  message: string;
  data: { code: string; httpStatus: number; flowtuneCode: string | null; issues: Array<{ nodeId?: string; edgeId?: string; field?: string; message: string }> | null };
}

/** Why a tRPC refusal is not a well-formed 4xx (status, code, message, httpStatus), or undefined when it is. */
export function trpcRefusalProblem(r: Reply): string | undefined {
  if (r.status >= 500) return `server fault ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`;
  const error = (r.body as { error?: TrpcErrorShape } | undefined)?.error;
  if (!error || typeof error.message !== "string" || !error.message) return `no error message in ${JSON.stringify(r.body).slice(0, 300)}`;
  if (typeof error.data?.code !== "string" || error.data.httpStatus !== r.status) return `no code / wrong httpStatus in ${JSON.stringify(error.data).slice(0, 300)}`;
  return undefined;
}

/** Why a REST refusal is not a well-formed 4xx (`{ error: { code, message, issues? } }`), or undefined when it is. */
export function restRefusalProblem(r: Reply): string | undefined {
  if (r.status >= 500) return `server fault ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`;
  const error = (r.body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | undefined)?.error;
  if (!error || typeof error.code !== "string" || typeof error.message !== "string" || !error.message) return `no error code/message in ${JSON.stringify(r.body).slice(0, 300)}`;
  if (error.code === "INPUT_INVALID") {
    const issues = error.issues as Array<{ path?: unknown; message?: unknown }> | undefined;
    if (!Array.isArray(issues) || issues.length === 0) return "INPUT_INVALID without issues";
    const bad = issues.find((i) => typeof i.path !== "string" || typeof i.message !== "string" || !i.message);
    if (bad) return `malformed issue ${JSON.stringify(bad)}`;
  }
  return undefined;
}

/** Tables whose rows a refused request must not change. */
export const WRITTEN_TABLES = [
  "workflow", "workflowVersion", "run", "dataset", "datasetRow", "optimizationRun", "candidate",
  "parameterVersion", "productionPointer", "productionMove", "auditEvent", "apiToken", "loginCode", "providerConfig",
] as const;
export type Table = (typeof WRITTEN_TABLES)[number];

/** Row counts of `tables` (default: every table a request may write). */
export async function rowCounts(server: FuzzServer, tables: readonly Table[] = WRITTEN_TABLES): Promise<Record<string, number>> {
  const prisma = server.app.services.db.prisma as unknown as Record<Table, { count(): Promise<number> }>;
  const counts = await Promise.all(tables.map((t) => prisma[t].count()));
  return Object.fromEntries(tables.map((t, i) => [t, counts[i]]));
}

/**
 * Stops every run and optimization still going and waits until they are stored as ended, so that
 * row counts around the next request change only because of that request.
 */
export async function settle(server: FuzzServer): Promise<void> {
  const { services } = server.app;
  const prisma = services.db.prisma;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const runs = await prisma.run.findMany({ where: { status: { in: ["pending", "running", "paused"] } }, select: { id: true } });
    const optimizations = await prisma.optimizationRun.findMany({ where: { status: "running" }, select: { id: true } });
    if (!runs.length && !optimizations.length) return;
    if (Date.now() > deadline) throw new Error(`background work did not end: ${runs.length} runs, ${optimizations.length} optimizations`);
    for (const r of runs) services.runs.cancel(r.id);
    for (const o of optimizations) await services.optimizer.cancel(o.id).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
