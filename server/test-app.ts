// Test fixtures for router tests: a real app on a temp SQLite file, and tRPC error assertions.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, expect } from "vitest";
import { createCaller, type AppRouter } from "./router.js";
import { createAppServices, type AppServices } from "./services/app.js";
import { createContext } from "./trpc.js";

/** Registers beforeAll/afterAll that open a seeded app on a temp database; read `app.services`/`app.caller` inside tests. */
export function useTestApp(prefix: string, opts: { latencyScale?: number } = {}): { services: AppServices; caller: ReturnType<typeof createCaller>; dir: string } {
  const app = {} as { services: AppServices; caller: ReturnType<typeof createCaller>; dir: string };
  beforeAll(async () => {
    app.dir = mkdtempSync(path.join(os.tmpdir(), `flowtune-${prefix}-`));
    app.services = await createAppServices({ databaseUrl: `file:${path.join(app.dir, "x.db")}`, latencyScale: opts.latencyScale ?? 0.05, seedExamples: true });
    app.caller = createCaller(createContext(app.services));
  });
  afterAll(async () => {
    await app.services?.close();
    if (app.dir) rmSync(app.dir, { recursive: true, force: true });
  });
  return app;
}

/** Awaits a call that must fail with a TRPCError of this code, and returns the error. */
export async function expectTRPCError(p: Promise<unknown>, code: TRPCError["code"]): Promise<TRPCError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
  return err as TRPCError;
}

/** A tRPC client over real HTTP that sends `Authorization: Bearer <secret>` on every request, subscriptions (SSE) included. */
export function bearerClient(baseUrl: string, secret?: string) {
  const url = `${baseUrl}/trpc`;
  const headers: Record<string, string> = secret ? { authorization: `Bearer ${secret}` } : {};
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // Node has no global EventSource; the eventsource package takes a fetch that adds the header.
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
          }),
        }),
        false: httpBatchLink({ url, headers }),
      }),
    ],
  });
}
