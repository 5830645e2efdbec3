// Test fixtures for router tests: a real app on a temp SQLite file, and tRPC error assertions.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect } from "vitest";
import { createCaller } from "./router.js";
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
