/**
 * Flowtune's HTTP server (node:http):
 *   /trpc/*       the tRPC API (queries and mutations over HTTP, subscriptions over SSE)
 *   /api/health   liveness probe (JSON)
 *   /api/*        the REST API for scripts and CI (server/rest; /api/openapi.json describes it)
 *   /mcp          the MCP server over streamable HTTP, bearer token only (server/mcp/http.ts; docs/mcp.md)
 *   anything else the built editor from dist/editor, with a fallback to index.html for
 *                 client-side routes.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { authenticateRequest } from "./auth/http.js";
import { createMcpHttpHandler, MCP_PATH } from "./mcp/http.js";
import { createRestHandler } from "./rest/router.js";
import { appRouter } from "./router.js";
import type { AppServices } from "./services/app.js";
import { AccessError } from "./auth/errors.js";
import { createContext } from "./trpc.js";

/** Largest tRPC request body (bytes). */
export const MAX_TRPC_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The Vite build output (vite.config.ts: root editor, outDir ../dist/editor, or FLOWTUNE_EDITOR_OUT
 * so that two test servers built at once do not overwrite each other's editor).
 */
export const DEFAULT_STATIC_DIR = process.env.FLOWTUNE_EDITOR_OUT
  ? path.resolve(process.env.FLOWTUNE_EDITOR_OUT)
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/editor");

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

export interface FlowtuneServerOptions {
  services: AppServices;
  /** Directory of the built editor; defaults to dist/editor. */
  staticDir?: string;
  /** Called for errors of tRPC procedures that are server faults (5xx). */
  onError?: (err: Error, where: string) => void;
}

/** Creates (does not start) the HTTP server. */
export function createFlowtuneServer(opts: FlowtuneServerOptions): http.Server {
  const staticDir = path.resolve(opts.staticDir ?? DEFAULT_STATIC_DIR);
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    // Dataset imports carry up to 10 MB of text; anything much larger is refused with 413.
    maxBodySize: MAX_TRPC_BODY_BYTES,
    async createContext({ req }) {
      const auth = await authenticateRequest(opts.services.auth, req);
      return createContext(opts.services, auth.principal, auth.error);
    },
    onError({ error, path: procedure }) {
      if (error.code === "INTERNAL_SERVER_ERROR") opts.onError?.(error, `trpc ${procedure ?? "?"}`);
    },
    responseMeta({ errors }) {
      // 429s tell the client when to retry, as the REST API does.
      const retry = errors.map((e) => (e.cause instanceof AccessError ? e.cause.retryAfterSec : undefined)).find((s) => s !== undefined);
      return retry !== undefined ? { headers: { "retry-after": String(retry) } } : {};
    },
  });
  const restHandler = createRestHandler(opts.services, { onError: opts.onError });
  const mcpHandler = createMcpHttpHandler(opts.services, { onError: opts.onError });

  return http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname.startsWith("/trpc/")) {
      trpcHandler(req, res);
      return;
    }
    if (url.pathname === MCP_PATH) {
      void mcpHandler(req, res);
      return;
    }
    if (url.pathname === "/api/health") {
      sendJson(res, 200, { ok: true, service: "flowtune", uptimeSec: Math.round(process.uptime()) });
      return;
    }
    if (url.pathname.startsWith("/api/")) {
      // Each REST route declares its role; the handler authenticates and checks it.
      restHandler(req, res);
      return;
    }
    if (url.pathname === "/trpc") {
      sendJson(res, 404, { error: "not found" });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    serveStatic(staticDir, url.pathname, req, res);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

function serveStatic(root: string, pathname: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400).end("bad path");
    return;
  }
  const file = path.resolve(root, "." + path.posix.normalize(decoded));
  // Never serve outside the root (normalize removes `..`, this is the belt to its braces).
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403).end("forbidden");
    return;
  }
  if (isFile(file)) {
    sendFile(file, req, res, decoded.startsWith("/assets/"));
    return;
  }
  // SPA fallback: extension-less paths are client routes; a missing asset is a real 404.
  const index = path.join(root, "index.html");
  if (path.extname(decoded) === "" && isFile(index)) {
    sendFile(index, req, res, false);
    return;
  }
  if (!existsSync(index)) {
    res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
    res.end("The editor is not built: run `npm run build` (npm start builds it).\n");
    return;
  }
  res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function sendFile(file: string, req: http.IncomingMessage, res: http.ServerResponse, immutable: boolean): void {
  // Precompressed at build (scripts/precompress-plugin.ts): send the smallest the client accepts.
  const encoding = acceptedEncodings(req.headers["accept-encoding"]).find((e) => isFile(`${file}.${ENCODING_EXT[e]}`));
  const sent = encoding ? `${file}.${ENCODING_EXT[encoding]}` : file;
  const { size } = statSync(sent);
  res.writeHead(200, {
    "content-type": CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": size,
    ...(encoding ? { "content-encoding": encoding } : {}),
    vary: "Accept-Encoding",
    // Vite fingerprints everything under assets/; index.html must always be revalidated.
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(sent)
    .on("error", () => res.destroy())
    .pipe(res);
}

const ENCODING_EXT = { br: "br", gzip: "gz" } as const;
type Encoding = keyof typeof ENCODING_EXT;

/** The precompressed encodings an Accept-Encoding header allows, best first (br, then gzip; `q=0` refuses). */
export function acceptedEncodings(header: string | string[] | undefined): Encoding[] {
  const text = (Array.isArray(header) ? header.join(",") : (header ?? "")).slice(0, 1024).toLowerCase();
  const q = new Map<string, number>();
  for (const part of text.split(",")) {
    const [name, ...params] = part.trim().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    if (name) q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const star = q.get("*");
  return (["br", "gzip"] as const).filter((e) => (q.get(e) ?? star ?? 0) > 0);
}

export interface RunningServer {
  server: http.Server;
  /** e.g. http://127.0.0.1:5175 */
  url: string;
  port: number;
  /** Stops accepting connections, ends idle ones now and open streams after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/** Creates the server and listens on host:port (port 0 picks a free one). */
export async function startFlowtuneServer(
  opts: FlowtuneServerOptions & { host?: string; port?: number },
): Promise<RunningServer> {
  const server = createFlowtuneServer(opts);
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    url: `http://${urlHost}:${port}`,
    close(graceMs = 2_000) {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
