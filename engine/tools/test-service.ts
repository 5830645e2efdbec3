import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { evaluateExpression } from "../expression/expression.js";

/** What the tool test service saw for one request. */
export interface ToolServiceRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ToolTestService {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: ToolServiceRequest[];
  close(): Promise<void>;
}

/**
 * A local HTTP service for http-tool tests and the agent example, on 127.0.0.1 with an ephemeral port:
 * `GET /calc?expression=…` answers `{"result": n}` (the expression language's `calc`), `/echo` the
 * request, `/big?bytes=n` a body of n bytes, `/slow?ms=n` after n ms, `/redirect` a 302 to the
 * metadata address, `/status/n` HTTP n.
 */
export async function startToolTestService(): Promise<ToolTestService> {
  const requests: ToolServiceRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const u = new URL(req.url ?? "/", "http://x");
      const json = (status: number, value: unknown) => {
        const text = JSON.stringify(value);
        res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
        res.end(text);
      };
      if (u.pathname === "/calc") {
        try {
          json(200, { result: evaluateExpression("expression|calc", { expression: u.searchParams.get("expression") ?? "" }) });
        } catch (err) {
          json(400, { error: (err as Error).message });
        }
      } else if (u.pathname === "/echo") {
        json(200, { method: req.method, query: Object.fromEntries(u.searchParams), headers: req.headers, body });
      } else if (u.pathname === "/big") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("x".repeat(Number(u.searchParams.get("bytes") ?? 0)));
      } else if (u.pathname === "/slow") {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) json(200, { slow: true });
        }, Number(u.searchParams.get("ms") ?? 1000));
        timers.add(t);
      } else if (u.pathname === "/redirect") {
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
        res.end();
      } else if (u.pathname.startsWith("/status/")) {
        json(Number(u.pathname.slice(8)), { error: "as asked" });
      } else {
        json(404, { error: "not found" });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
