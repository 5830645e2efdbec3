import { fetch as undiciFetch } from "undici";
import { formatCount, limits } from "../limits.js";
import { findAddressRefusal } from "../providers/pinned-dispatcher.js";
import { describeNetworkError, snippet } from "../providers/reply-text.js";
import { parseJsonBounded } from "../util/json-bounded.js";
import { TOOL_NETWORK_ENV, toolTransport } from "./network.js";
import type { SingleToolRunner } from "./types.js";

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;

/** Fills `{{name}}` placeholders with argument values; `encode` escapes each value (URL parts). */
export function fillTemplate(template: string, args: Record<string, unknown>, encode: (s: string) => string): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    if (!Object.hasOwn(args, name) || args[name] === undefined || args[name] === null) throw new Error(`the argument "${name}" the tool's template uses is missing`);
    const v = args[name];
    return encode(typeof v === "string" ? v : JSON.stringify(v));
  });
}

/** The argument names a template uses. */
export function templateNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

// The model's words must not become another URL: a value fills one URL component only.
const encodeUrlValue = (s: string) => encodeURIComponent(s);
const headerValue = (s: string) => {
  if (/[\r\n\0]/.test(s)) throw new Error("a header value may not contain line breaks");
  return s;
};

/** Reads at most `max` bytes of a body; more fails (the rest is not read). */
async function readBounded(res: Response, max: number, signal: AbortSignal): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) throw new Error(`response body over ${formatCount(max)} bytes (toolHttpResponseBytes)`);
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `http` tools: one request to the URL template filled with the arguments, SSRF-guarded like
 * provider URLs (URL check, then the pinned dispatcher at connect time; redirects not followed),
 * bounded by toolHttpTimeoutMs and toolHttpResponseBytes. GET/DELETE send no body; other methods
 * send the arguments the URL does not use as JSON. The result is the JSON body (or its text).
 */
export const httpTool: SingleToolRunner<"http"> = {
  kind: "http",
  async run(tool, args, ctx) {
    const raw = fillTemplate(tool.url, args, encodeUrlValue);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(`the tool URL ${JSON.stringify(snippet(raw))} is not a valid URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`the tool URL must be http or https, got ${url.protocol}`);
    const headers: Record<string, string> = { accept: "application/json, text/plain;q=0.9, */*;q=0.5" };
    for (const [name, value] of Object.entries(tool.headers)) headers[name.toLowerCase()] = headerValue(fillTemplate(value, args, (s) => s));
    let body: string | undefined;
    if (tool.method !== "GET" && tool.method !== "DELETE") {
      const used = new Set(templateNames(tool.url));
      body = JSON.stringify(Object.fromEntries(Object.entries(args).filter(([k]) => !used.has(k))));
      headers["content-type"] ??= "application/json";
    }
    const { urlGuard, dispatcher } = toolTransport();
    const shown = `${url.origin}${url.pathname}`;
    try {
      await urlGuard(url);
    } catch (err) {
      throw new Error(refusal(shown, (err as Error).message));
    }
    const timeoutMs = limits().toolHttpTimeoutMs;
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
    let res: Response;
    let text: string;
    try {
      res = (await undiciFetch(url, { method: tool.method, headers, body, redirect: "manual", signal, dispatcher })) as unknown as Response;
      if (res.status >= 300 && res.status < 400) {
        res.body?.cancel().catch(() => undefined);
        throw new Error(`${tool.method} ${shown} answered HTTP ${res.status} (a redirect); tool requests do not follow redirects`);
      }
      text = await readBounded(res, limits().toolHttpResponseBytes, signal);
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const refused = findAddressRefusal(err);
      if (refused) throw new Error(refusal(shown, refused.message));
      if (signal.aborted) throw new Error(`${tool.method} ${shown} timed out after ${formatCount(timeoutMs)} ms (toolHttpTimeoutMs)`);
      if (err instanceof Error && /toolHttpResponseBytes|redirect/.test(err.message)) throw err;
      throw new Error(`${tool.method} ${shown} failed: ${describeNetworkError(err)}`);
    }
    if (!res.ok) throw new Error(`${tool.method} ${shown} answered HTTP ${res.status}: ${snippet(text)}`);
    if (/json/i.test(res.headers.get("content-type") ?? "")) {
      try {
        return parseJsonBounded(text);
      } catch {
        return text;
      }
    }
    return text;
  },
};

// The guard speaks of a provider's baseUrl; a tool's URL is set by the operator's policy instead.
function refusal(shown: string, message: string): string {
  const why = message.replace(/^baseUrl /, "").replace(/an admin must set allowPrivateNetwork for this provider to use it/, `the operator must set ${TOOL_NETWORK_ENV}=1 to allow it`);
  return `refused to call ${shown}: ${why}`;
}
