/** Request/response plumbing for the REST API: JSON replies and a size-limited JSON body reader. */
import type http from "node:http";
import { RestError } from "./errors.js";

/** Largest accepted request body (bytes). */
export const MAX_BODY_BYTES = 1024 * 1024;
// Past this much drained input the connection is cut instead of waiting for the end (no endless uploads).
const MAX_DRAIN_BYTES = 16 * MAX_BODY_BYTES;

/** Writes `body` as JSON with the given status. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Reads and parses the JSON body: 413 (PAYLOAD_TOO_LARGE) over MAX_BODY_BYTES, 400 (INVALID_JSON)
 * for an empty or unparsable body.
 */
export async function readJsonBody(req: http.IncomingMessage, opts: { limit?: number; optional?: boolean } = {}): Promise<unknown> {
  const limit = opts.limit ?? MAX_BODY_BYTES;
  const declared = Number(req.headers["content-length"] ?? NaN);
  const chunks: Buffer[] = [];
  let size = 0;
  // The whole body is drained even when too large, so the client reads the 413 instead of a reset.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_DRAIN_BYTES) {
      req.destroy();
      break;
    }
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit || declared > limit) throw new RestError(413, "PAYLOAD_TOO_LARGE", `request body exceeds ${limit} bytes`);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) {
    if (opts.optional) return undefined;
    throw new RestError(400, "INVALID_JSON", "request body must be a JSON document");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new RestError(400, "INVALID_JSON", `request body is not valid JSON: ${(err as Error).message}`);
  }
}
