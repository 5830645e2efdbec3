/**
 * The real HTTP server on 127.0.0.1:0: health, static files with SPA fallback, the tRPC API
 * over HTTP (error shape with located issues), and the runs.events subscription over SSE,
 * including resumption after a lastEventId (tRPC input and the SSE Last-Event-ID header).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunEvent } from "../engine/browser.js";
import { startFlowtuneServer, type RunningServer } from "./http.js";
import type { AppRouter } from "./router.js";
import { createAppServices, type AppServices } from "./services/app.js";
import { bearerClient } from "./test-app.js";
import { mintToken } from "./test-http.js";

const QA_INPUTS = {
  question: "Omar has 27 cookies. He donates eleven. Then he gets seven more. How many cookies does Omar have now?",
  expected: "23",
};

let dir: string;
let services: AppServices;
let server: RunningServer;
let client: ReturnType<typeof bearerClient>;
let secret: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-http-"));
  const staticDir = path.join(dir, "static");
  mkdirSync(path.join(staticDir, "assets"), { recursive: true });
  writeFileSync(path.join(staticDir, "index.html"), "<!doctype html><title>Flowtune test</title>");
  writeFileSync(path.join(staticDir, "assets", "app-123.js"), "console.log(1)");
  services = await createAppServices({ databaseUrl: `file:${path.join(dir, "x.db")}`, latencyScale: 0.05, seedExamples: true });
  server = await startFlowtuneServer({ services, host: "127.0.0.1", port: 0, staticDir });
  secret = (await mintToken(services, "editor-test", "editor")).secret;
  client = bearerClient(server.url, secret);
});

afterAll(async () => {
  await server?.close(100);
  await services?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Subscribes to runs.events until the stream completes; returns the tracked ids and events. */
function readRun(runId: string, lastEventId?: string): Promise<Array<{ id: string; event: RunEvent }>> {
  return new Promise((resolve, reject) => {
    const got: Array<{ id: string; event: RunEvent }> = [];
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`timed out after ${got.length} events`));
    }, 15_000);
    const sub = client.runs.events.subscribe(
      { runId, lastEventId },
      {
        onData: ({ id, data }) => got.push({ id, event: data as RunEvent }),
        onError: (err) => {
          clearTimeout(timer);
          reject(err);
        },
        onComplete: () => {
          clearTimeout(timer);
          resolve(got);
        },
      },
    );
  });
}

describe("HTTP server", () => {
  it("answers the health check", async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it("serves the editor with an SPA fallback, and 404 for missing assets", async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toMatch(/text\/html/);
    expect(await index.text()).toContain("Flowtune test");

    const route = await fetch(`${server.url}/workflows/qa`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain("Flowtune test");

    const asset = await fetch(`${server.url}/assets/app-123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);

    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/nope`)).status).toBe(404);
  });

  it("returns BAD_REQUEST with located issues for an invalid graph", async () => {
    const err = await client.workflows.save
      .mutate({ graph: { version: 1, id: "x", name: "x", nodes: [{ id: "a", kind: "ai", config: { model: "m" } }] } as never })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(TRPCClientError);
    const data = (err as TRPCClientError<AppRouter>).data!;
    expect(data.code).toBe("BAD_REQUEST");
    expect(data.httpStatus).toBe(400);
    expect(data.flowtuneCode).toBe("GRAPH_INVALID");
    expect(data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: "a", field: "config.prompt" })]));
  });

  it("maps engine NOT_FOUND to HTTP 404", async () => {
    const res = await fetch(`${server.url}/trpc/runs.start`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({ workflowId: "nope", inputs: {} }),
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { data: { code: string; flowtuneCode: string } } };
    expect(body.error.data).toMatchObject({ code: "NOT_FOUND", flowtuneCode: "NOT_FOUND" });
  });

  it("runs qa and streams its events over SSE; a reconnect with lastEventId gets only later events", async () => {
    const { runId } = await client.runs.start.mutate({ workflowId: "qa", inputs: QA_INPUTS });
    const all = await readRun(runId);
    expect(all[0].event.type).toBe("run.started");
    expect(all.at(-1)!.event.type).toBe("run.completed");
    expect(all.map((x) => x.id)).toEqual(all.map((x) => String(x.event.seq)));
    expect(all.map((x) => x.event.seq)).toEqual(all.map((_, i) => i));
    const nodeDone = all.filter((x) => x.event.type === "node.succeeded").map((x) => (x.event as { nodeId: string }).nodeId);
    expect(nodeDone).toEqual(["in", "answer", "grade", "out"]);

    // Reconnect as httpSubscriptionLink does: the input carries the last tracked id.
    const cut = all[4].id;
    const rest = await readRun(runId, cut);
    expect(rest).toEqual(all.slice(5));

    // A browser EventSource reconnects with the Last-Event-ID header instead.
    const input = encodeURIComponent(JSON.stringify({ runId }));
    const res = await fetch(`${server.url}/trpc/runs.events?input=${input}`, { headers: { "last-event-id": cut, authorization: `Bearer ${secret}` } });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await res.text(); // the stream ends after the terminal event
    const ids = [...text.matchAll(/^id: ?(\d+)$/gm)].map((m) => m[1]);
    expect(ids).toEqual(all.slice(5).map((x) => x.id));

    const run = await client.runs.get.query({ runId });
    expect(run.status).toBe("succeeded");
  });

  it("reports an unknown run on the subscription as NOT_FOUND", async () => {
    const err = await readRun("nope").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data?.code).toBe("NOT_FOUND");
  });
});
