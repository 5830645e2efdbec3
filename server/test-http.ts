/**
 * Fixtures for tests of the real HTTP server (127.0.0.1:0, SQLite in a temp dir): start/stop a
 * seeded app, mint API tokens, a tRPC client that sends `Authorization: Bearer …`, a REST
 * caller, an SSE reader for subscriptions, and one "outcome" shape for all of them (ok, or the
 * HTTP status and code of the refusal).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import type { Role } from "./auth/roles.js";
import { startFlowtuneServer, type RunningServer } from "./http.js";
import type { AppRouter } from "./router.js";
import { createAppServices, type AppServices } from "./services/app.js";

export const QA_DATASET_TEXT = readFileSync(path.join(import.meta.dirname, "../examples/qa.dataset.jsonl"), "utf8");

export const QA_INPUTS = {
  question: "Omar has 27 cookies. He donates eleven. Then he gets seven more. How many cookies does Omar have now?",
  expected: "23",
};

/** A small optimization config of the qa example (tRPC `optimizations.start`). */
export function qaOptimizeConfig(maxCandidates: number, limits: Record<string, number> = {}) {
  return {
    targets: ["answer"],
    strategy: "random" as const,
    objectives: [{ metric: "grade", direction: "max" as const }],
    limits: { maxCandidates, ...limits },
    seed: 1,
  };
}

/** A small body for `POST /api/workflows/qa/optimize`. */
export function qaOptimizeBody(iterations: number) {
  return { node_ids: ["answer"], optimizer: "random", objective: { metric: "grade", direction: "max" }, limits: { iterations }, dataset: "qa", seed: 1 };
}

type AppOptions = NonNullable<Parameters<typeof createAppServices>[0]>;

export interface TestServer {
  dir: string;
  services: AppServices;
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

/** A seeded app (qa dataset imported) served on a free loopback port. */
export async function startTestServer(
  prefix: string,
  opts: Pick<AppOptions, "authPolicy" | "optimizationPolicy" | "latencyScale"> & { onError?: (err: Error, where: string) => void } = {},
): Promise<TestServer> {
  const { onError, ...appOptions } = opts;
  const dir = mkdtempSync(path.join(os.tmpdir(), `flowtune-${prefix}-`));
  const services = await createAppServices({ databaseUrl: `file:${path.join(dir, "x.db")}`, latencyScale: appOptions.latencyScale ?? 0.05, seedExamples: true, ...appOptions });
  await services.datasets.importDataset({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_DATASET_TEXT });
  const server = await startFlowtuneServer({ services, host: "127.0.0.1", port: 0, staticDir: dir, onError });
  return {
    dir,
    services,
    server,
    url: server.url,
    async close() {
      // The port closes and the temp dir goes even if shutting the services down fails.
      try {
        await server.close(100);
        await services.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Creates an API token in-process and returns its secret (`ft_…`). */
export async function mintToken(services: AppServices, name: string, role: Role, opts: { workflows?: string[]; expiresAt?: Date } = {}): Promise<{ id: string; secret: string }> {
  const { token, secret } = await services.auth.createToken({ name, role, workflows: opts.workflows, expiresAt: opts.expiresAt }, "test");
  return { id: token.id, secret };
}

/** Request headers for a Bearer token (none for anonymous). */
export function bearer(secret: string | undefined): Record<string, string> {
  return secret ? { authorization: `Bearer ${secret}` } : {};
}

/** A tRPC client on the real server: one HTTP request per call (no batching), sending `headers`. */
export function trpcClient(url: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc`, headers: () => headers })] });
}
export type TestClient = ReturnType<typeof trpcClient>;

/** What a call came to: a result, or the refusal's HTTP status and code (tRPC code, or the REST `error.code`). */
export type Outcome = { ok: true; status: number; data: unknown; headers?: Headers } | { ok: false; status: number; code: string; message: string; headers?: Headers; body?: unknown };

/** Awaits a tRPC client call and classifies it. */
export async function trpcOutcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, status: 200, data: await p };
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    const e = err as TRPCClientError<AppRouter>;
    const response = (e.meta as { response?: Response } | undefined)?.response;
    return { ok: false, status: e.data?.httpStatus ?? response?.status ?? 0, code: e.data?.code ?? "?", message: e.message, headers: response?.headers };
  }
}

/** Calls a procedure by its dotted path (`workflows.versions.list`) without compile-time typing. */
export function callProcedure(client: TestClient, procPath: string, type: "query" | "mutation", input: unknown): Promise<unknown> {
  let node: unknown = client;
  for (const segment of procPath.split(".")) node = (node as Record<string, unknown>)[segment];
  const fn = (node as Record<string, (input: unknown) => Promise<unknown>>)[type === "query" ? "query" : "mutate"];
  return fn(input);
}

/** A REST call; `raw` is sent as the body as is. */
export async function restCall(url: string, method: string, urlPath: string, opts: { headers?: Record<string, string>; body?: unknown; raw?: string } = {}): Promise<Outcome & { body: unknown }> {
  const hasBody = opts.body !== undefined || opts.raw !== undefined;
  const res = await fetch(`${url}${urlPath}`, {
    method,
    headers: { ...(hasBody ? { "content-type": "application/json" } : {}), ...opts.headers },
    body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  if (res.ok) return { ok: true, status: res.status, data: body, body, headers: res.headers };
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return { ok: false, status: res.status, code: typeof error?.code === "string" ? error.code : "?", message: typeof error?.message === "string" ? error.message : text, body, headers: res.headers };
}

/**
 * Reads a tRPC subscription over SSE (GET /trpc/<path>?input=…) to its end. A refused
 * subscription answers 200 with one `serialized-error` event (or a non-200 JSON error).
 */
export async function sseOutcome(url: string, procPath: string, input: unknown, headers: Record<string, string> = {}, timeoutMs = 15_000): Promise<Outcome> {
  const res = await fetch(`${url}/trpc/${procPath}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (res.status !== 200) {
    let data: { code?: string; httpStatus?: number } | undefined;
    try {
      data = (JSON.parse(text) as { error?: { data?: { code?: string; httpStatus?: number } } }).error?.data;
    } catch {
      // not JSON
    }
    return { ok: false, status: data?.httpStatus ?? res.status, code: data?.code ?? "?", message: text };
  }
  const errorEvent = /^event: ?serialized-error\r?\ndata: ?(.*)$/m.exec(text);
  if (errorEvent) {
    const shape = JSON.parse(errorEvent[1]) as { message?: string; data?: { code?: string; httpStatus?: number } };
    return { ok: false, status: shape.data?.httpStatus ?? 0, code: shape.data?.code ?? "?", message: shape.message ?? "" };
  }
  const events = [...text.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]);
  return { ok: true, status: 200, data: events };
}

/** Polls `f` until it returns a value that is not undefined (or throws after `timeoutMs`). */
export async function waitFor<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until a run (RunService) has ended; returns its status. */
export function runEnded(services: AppServices, runId: string, timeoutMs = 20_000): Promise<string> {
  return waitFor(
    `run ${runId}`,
    async () => {
      const status = (await services.runs.get(runId))?.status;
      return status && !["pending", "running", "paused"].includes(status) ? status : undefined;
    },
    timeoutMs,
  );
}

/** Waits until an optimization has left "running"; returns its status. */
export function optimizationEnded(services: AppServices, runId: string, timeoutMs = 60_000): Promise<string> {
  return waitFor(
    `optimization ${runId}`,
    async () => {
      const status = (await services.optimizer.get(runId))?.status;
      return status && status !== "running" ? status : undefined;
    },
    timeoutMs,
  );
}
