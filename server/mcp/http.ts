/**
 * `/mcp`: the MCP server over streamable HTTP. Stateless — each POST carries its bearer token and
 * gets a fresh server bound to that principal — so there is no session state to expire, leak
 * between tokens, or lose on a restart, and a revoked token stops working on its next request.
 *
 * Rules, as the rest of the API: `Authorization: Bearer <token>` is required (401 without, a
 * session cookie is not enough: no cookie-driven request can reach the tools, so no CSRF); a
 * cross-origin Origin header is refused (403, DNS-rebinding protection); bodies are capped
 * (413); the start rate limit and every role and workflow grant are the procedures' own.
 */
import type http from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { authenticateRequest } from "../auth/http.js";
import type { AppServices } from "../services/app.js";
import { createMcpServer } from "./index.js";

export const MCP_PATH = "/mcp";

/** Largest /mcp request body (bytes): a 10 MB dataset import, JSON-escaped, fits. */
export const MAX_MCP_BODY_BYTES = 16 * 1024 * 1024;

/** A JSON-RPC error reply (the MCP client reads `error.message`). */
function sendRpcError(res: http.ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

/** True when the request's Origin (if any) is this server's own origin. */
function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The /mcp request handler. */
export function createMcpHttpHandler(services: AppServices, opts: { onError?: (err: Error, where: string) => void } = {}) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    try {
      // Stateless: no SSE stream to GET, no session to DELETE.
      if (req.method !== "POST") {
        sendRpcError(res, 405, -32000, "method not allowed: MCP over streamable HTTP here is stateless, send POST", { allow: "POST" });
        return;
      }
      if (!sameOrigin(req)) {
        sendRpcError(res, 403, -32000, "cross-origin request refused");
        return;
      }
      if (req.headers.authorization === undefined) {
        sendRpcError(res, 401, -32001, "authentication required: send `Authorization: Bearer <token>` (npx flowtune token create)", { "www-authenticate": 'Bearer realm="flowtune"' });
        return;
      }
      const auth = await authenticateRequest(services.auth, req);
      if (!auth.principal) {
        sendRpcError(res, 401, -32001, auth.error?.message ?? "authentication required", { "www-authenticate": 'Bearer realm="flowtune", error="invalid_token"' });
        return;
      }
      const server = createMcpServer({ services, principal: auth.principal, onError: opts.onError });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: MAX_MCP_BODY_BYTES });
      // The request's tools are aborted (their signal) when the client goes away.
      res.on("close", () => {
        void transport.close().catch(() => undefined);
        void server.close().catch(() => undefined);
      });
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (err) {
      opts.onError?.(err instanceof Error ? err : new Error(String(err)), `mcp ${req.method ?? "?"}`);
      if (!res.headersSent) sendRpcError(res, 500, -32603, "internal error");
      else res.destroy();
    }
  };
}
