/**
 * The REST router: matches `/api/…` paths against the endpoint table, reads JSON bodies, and
 * writes replies and `{ error }` bodies (404 unknown path, 405 known path with another method).
 */
import type http from "node:http";
import { Access, requireRole } from "../auth/access.js";
import { AccessError } from "../auth/errors.js";
import { authenticateRequest } from "../auth/http.js";
import type { AppServices } from "../services/app.js";
import { authRoutes } from "./auth.js";
import { RestError, toRestError } from "./errors.js";
import { readJsonBody, sendJson } from "./http-io.js";
import { openApiDocument } from "./openapi.js";
import { optimizationRoutes } from "./optimizations.js";
import { parameterRoutes } from "./parameters.js";
import type { AnyRestRoute } from "./types.js";

type CompiledRoute = AnyRestRoute & {
  pattern: RegExp;
  names: string[];
};

/** Every REST endpoint (the OpenAPI document lists the same ones, but the sign-in ones). */
export const restRoutes: AnyRestRoute[] = [
  ...optimizationRoutes,
  ...parameterRoutes,
  ...authRoutes,
  { method: "GET", path: "/api/openapi.json", role: "public", handler: async () => ({ status: 200, body: openApiDocument() }) },
];

/** Compiles `/a/{x}/b` into a regex matching one non-empty path segment per parameter. */
export function compileRoute(route: AnyRestRoute): CompiledRoute {
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
  opts: { routes?: AnyRestRoute[]; onError?: (err: Error, where: string) => void } = {},
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
    // Authentication before the body is read: an anonymous upload is refused without reading it.
    const auth = await authenticateRequest(services.auth, req);
    let principal = null;
    if (route.role !== "public") {
      if (auth.error) throw auth.error;
      principal = requireRole(auth.principal, route.role);
    }
    const params = Object.fromEntries(route.names.map((n, i) => [n, decodeSegment(hit.m![i + 1])]));
    const body = route.method === "POST" ? await readJsonBody(req, { optional: route.bodyOptional }) : undefined;
    const reply =
      route.role === "public"
        ? await route.handler({ params, body, services, auth, req })
        : await route.handler({ params, body, services, principal: principal!, access: new Access(services, principal!) });
    sendJson(res, reply.status, reply.body, reply.headers);
  } catch (err) {
    const { status, body } = toRestError(err, route?.renameField);
    if (err instanceof AccessError && err.retryAfterSec !== undefined) res.setHeader("retry-after", String(err.retryAfterSec));
    if (status === 401) res.setHeader("www-authenticate", 'Bearer realm="flowtune"');
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
