/**
 * The REST router: matches `/api/…` paths against the endpoint table, reads JSON bodies, and
 * writes replies and `{ error }` bodies (404 unknown path, 405 known path with another method).
 */
import type http from "node:http";
import type { AppServices } from "../services/app.js";
import { RestError, toRestError } from "./errors.js";
import { readJsonBody, sendJson } from "./http-io.js";
import { openApiDocument } from "./openapi.js";
import { optimizationRoutes } from "./optimizations.js";
import { parameterRoutes } from "./parameters.js";
import type { RestRoute } from "./types.js";

interface CompiledRoute extends RestRoute {
  pattern: RegExp;
  names: string[];
}

/** Every REST endpoint (the OpenAPI document lists the same ones). */
export const restRoutes: RestRoute[] = [
  ...optimizationRoutes,
  ...parameterRoutes,
  { method: "GET", path: "/api/openapi.json", handler: async () => ({ status: 200, body: openApiDocument() }) },
];

/** Compiles `/a/{x}/b` into a regex matching one non-empty path segment per parameter. */
export function compileRoute(route: RestRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}

/** Returns a handler for `/api/*` requests; it always answers (404 for unknown paths). */
export function createRestHandler(
  services: AppServices,
  opts: { routes?: RestRoute[]; onError?: (err: Error, where: string) => void } = {},
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const compiled = (opts.routes ?? restRoutes).map(compileRoute);
  return (req, res) => {
    void handle(compiled, services, req, res, opts.onError);
  };
}

async function handle(
  routes: CompiledRoute[],
  services: AppServices,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  onError?: (err: Error, where: string) => void,
): Promise<void> {
  let route: CompiledRoute | undefined;
  try {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    const matching = routes.map((r) => ({ r, m: r.pattern.exec(pathname) })).filter((x) => x.m);
    if (matching.length === 0) throw new RestError(404, "NOT_FOUND", `no endpoint ${pathname}`);
    const hit = matching.find((x) => x.r.method === req.method);
    if (!hit) {
      const allow = matching.map((x) => x.r.method).join(", ");
      res.setHeader("allow", allow);
      throw new RestError(405, "METHOD_NOT_ALLOWED", `${req.method} is not allowed on ${pathname} (allowed: ${allow})`);
    }
    route = hit.r;
    const params = Object.fromEntries(route.names.map((n, i) => [n, decodeSegment(hit.m![i + 1])]));
    const body = route.method === "POST" ? await readJsonBody(req) : undefined;
    const reply = await route.handler({ params, body, services });
    sendJson(res, reply.status, reply.body);
  } catch (err) {
    const { status, body } = toRestError(err, route?.renameField);
    // Server faults are reported like the tRPC ones; client errors are the client's business.
    if (status >= 500) onError?.(err instanceof Error ? err : new Error(String(err)), `rest ${req.method} ${route?.path ?? req.url}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(res, status, body);
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RestError(400, "INVALID_PATH", `malformed path segment "${segment}"`);
  }
}
