import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted reply. Everything is optional: `{}` is a 200 chat completion saying "ok". */
export interface ScriptedResponse {
  /** HTTP status. Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON. Default: {@link chatCompletionBody}("ok"). */
  body?: unknown;
  /** Sent verbatim instead of `body` (e.g. malformed JSON, HTML error pages). */
  rawBody?: string;
  /** Wait this long before sending anything (slow server). `Infinity` = never answer. */
  delayMs?: number;
  /** Send the status and headers at once, then wait this long before the body (slow body). */
  bodyDelayMs?: number;
  /** Destroy the socket without answering (a network error on the client). */
  destroy?: boolean;
}

/** Either a fixed reply or one computed from the request (e.g. echoing it back). */
export type Script = ScriptedResponse | ((req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>);

/** What the server saw for one request. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** `rawBody` parsed as JSON, or undefined if it is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience: assert on fields directly
  body: any;
  /** `performance.now()` when the request body had arrived. */
  receivedAt: number;
  /** Set once the exchange is over: true if the client hung up before the reply was fully sent. */
  clientClosedEarly?: boolean;
  /** Resolves when the connection for this exchange ends; the value is `clientClosedEarly`. */
  closed: Promise<boolean>;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>/v1`, what a provider's `baseUrl` should be. */
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queue replies; each request consumes one, then `fallback` answers. */
  enqueue(...scripts: Script[]): void;
  /** Reply used when the queue is empty. */
  setFallback(script: Script): void;
  /** Resolves once at least `n` requests have arrived. */
  waitForRequests(n: number): Promise<void>;
  /** Forget recorded requests and queued replies. */
  reset(): void;
  /** Stops listening and drops all connections (keep-alive included). */
  close(): Promise<void>;
}

/** A minimal OpenAI chat completion body. */
export function chatCompletionBody(
  text: string,
  opts: { model?: string; finishReason?: string | null; usage?: Record<string, number> | null } = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_700_000_000,
    model: opts.model ?? "test-model",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text },
        finish_reason: opts.finishReason === undefined ? "stop" : opts.finishReason,
      },
    ],
  };
  if (opts.usage !== null) body.usage = opts.usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  return body;
}

/**
 * A chat completion whose message asks for tool calls (OpenAI format: `tool_calls` with JSON-text
 * arguments, content null, finish_reason "tool_calls"). `arguments` may be an object (serialised) or raw text.
 */
export function toolCallsBody(
  calls: Array<{ id?: string; name: string; arguments: Record<string, unknown> | string }>,
  opts: { model?: string; text?: string | null; usage?: Record<string, number> } = {},
): Record<string, unknown> {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_700_000_000,
    model: opts.model ?? "test-model",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: opts.text ?? null,
          tool_calls: calls.map((c, i) => ({
            id: c.id ?? `call_${i + 1}`,
            type: "function",
            function: { name: c.name, arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments) },
          })),
        },
        finish_reason: "tool_calls",
      },
    ],
    usage: opts.usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/**
 * A script that plays a tool-using model: while the conversation has no `tool` message it asks
 * for `calls`; once results are in, it answers `answer(results)` with the tool messages' contents.
 */
export function toolScript(
  calls: Array<{ id?: string; name: string; arguments: Record<string, unknown> | string }>,
  answer: (results: string[]) => string,
): Script {
  return (req) => {
    const messages: Array<{ role?: string; content?: unknown }> = Array.isArray(req.body?.messages) ? req.body.messages : [];
    const results = messages.filter((m) => m.role === "tool").map((m) => String(m.content ?? ""));
    return { body: results.length ? chatCompletionBody(answer(results)) : toolCallsBody(calls) };
  };
}

/** An OpenAI-style error body: `{"error": {"message", "type"}}`. */
export function errorBody(message: string, type = "invalid_request_error"): Record<string, unknown> {
  return { error: { message, type } };
}

/**
 * Starts an OpenAI-protocol HTTP server on 127.0.0.1 with an ephemeral port. It answers every path
 * (tests can assert on `requests[i].url`) from a queue of scripted replies and records each request.
 */
export async function startTestServer(opts: { fallback?: Script } = {}): Promise<TestServer> {
  const queue: Script[] = [];
  let fallback: Script = opts.fallback ?? {};
  const requests: RecordedRequest[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void) => {
    if (!Number.isFinite(ms)) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      let markClosed!: (early: boolean) => void;
      const record: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        rawBody,
        body,
        receivedAt: performance.now(),
        closed: new Promise<boolean>((r) => (markClosed = r)),
      };
      // 'close' fires on normal completion too; writableFinished tells the two apart.
      res.on("close", () => {
        record.clientClosedEarly = !res.writableFinished;
        markClosed(record.clientClosedEarly);
      });
      requests.push(record);
      for (const w of [...waiters]) {
        if (requests.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      const script = queue.length ? queue.shift()! : fallback;
      Promise.resolve(typeof script === "function" ? script(record) : script).then(
        (reply) => respond(res, reply),
        (err) => respond(res, { status: 500, body: { error: { message: String(err) } } }),
      );
    });
  });

  function respond(res: ServerResponse, reply: ScriptedResponse): void {
    const send = () => {
      if (res.destroyed) return;
      if (reply.destroy) {
        res.socket?.destroy();
        return;
      }
      const payload = reply.rawBody ?? JSON.stringify(reply.body ?? chatCompletionBody("ok"));
      res.writeHead(reply.status ?? 200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
        ...reply.headers,
      });
      if (reply.bodyDelayMs) {
        res.flushHeaders();
        later(reply.bodyDelayMs, () => !res.destroyed && res.end(payload));
      } else {
        res.end(payload);
      }
    };
    if (reply.delayMs) later(reply.delayMs, send);
    else send();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    enqueue: (...scripts) => void queue.push(...scripts),
    setFallback: (script) => void (fallback = script),
    waitForRequests: (n) =>
      requests.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
