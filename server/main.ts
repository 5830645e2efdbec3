/**
 * `npm start`: opens the database (applying migrations), seeds the examples, serves the API and
 * the editor on FLOWTUNE_HOST:FLOWTUNE_PORT (default 127.0.0.1:5175) and shuts down cleanly on
 * SIGINT/SIGTERM (live runs are cancelled and their history written before exit).
 *
 * Every API call is authenticated. At start-up the server prints a one-time login URL for the
 * editor (as Jupyter does); scripts use API tokens (`flowtune token create`).
 *
 * Environment: DATABASE_URL (default file:.flowtune/flowtune.db), FLOWTUNE_HOST, FLOWTUNE_PORT,
 * FLOWTUNE_PUBLIC_URL (the URL users reach the server at, for the login link),
 * FLOWTUNE_SIM_LATENCY_SCALE (the sim provider's latency multiplier, default 1),
 * FLOWTUNE_SEED_EXAMPLES=0 to skip seeding examples/*.flow.json, FLOWTUNE_LEASE_MS (how long after its last
 * heartbeat this process's runs count as abandoned, default 30000), and the limits in docs/security.md
 * (FLOWTUNE_RATE_STARTS_PER_MINUTE, FLOWTUNE_MAX_OPTIMIZATIONS_PER_USER, …).
 */
import { authPolicyFromEnv } from "./auth/service.js";
import { envNumber } from "./env.js";
import { startFlowtuneServer } from "./http.js";
import { isLoopbackHost } from "./loopback.js";
import { formatInternalError } from "./safe-errors.js";
import { createAppServices } from "./services/app.js";
import { optimizationPolicyFromEnv } from "./services/optimizations.js";

async function main(): Promise<void> {
  const host = process.env.FLOWTUNE_HOST || "127.0.0.1";
  const port = envNumber(process.env, "FLOWTUNE_PORT") ?? 5175;
  if (!Number.isInteger(port) || port > 65_535) throw new Error(`FLOWTUNE_PORT must be a port number (got ${port})`);
  const services = await createAppServices({
    databaseUrl: process.env.DATABASE_URL || undefined,
    latencyScale: envNumber(process.env, "FLOWTUNE_SIM_LATENCY_SCALE"),
    seedExamples: process.env.FLOWTUNE_SEED_EXAMPLES !== "0",
    // The server owns background optimizations: interrupted ones continue where they stopped.
    resumeOptimizations: true,
    // It holds a process lease from the start and sweeps the work of dead processes at start-up
    // and periodically (server/store/leases.ts).
    process: { kind: "server", leaseMs: envNumber(process.env, "FLOWTUNE_LEASE_MS", { positive: true }) },
    authPolicy: authPolicyFromEnv(),
    optimizationPolicy: optimizationPolicyFromEnv(),
  });

  // Beyond loopback, someone must be able to sign in without this console: an admin token must exist.
  if (!isLoopbackHost(host) && !(await services.auth.tokens.hasAdmin())) {
    await services.close();
    throw new Error(
      `refusing to listen on ${host}: authentication is not configured for remote use. Create an admin token first ` +
        "(npx flowtune token create --role admin --name <you>), or listen on 127.0.0.1",
    );
  }

  let running;
  try {
    running = await startFlowtuneServer({
      services,
      host,
      port,
      // The full error, secrets redacted, under the correlation id the client was given.
      onError: (err, where) => console.error(formatInternalError(err, where, (text) => services.redact(text))),
    });
  } catch (err) {
    await services.close();
    throw err;
  }
  console.log(`Flowtune is running at ${running.url}  (database: ${services.db.path})`);
  await services.auth.sessions.prune();
  const base = process.env.FLOWTUNE_PUBLIC_URL || running.url;
  console.log(`Open the editor with this one-time sign-in link:\n\n    ${await services.auth.loginUrl(base)}\n`);
  console.log("(another link: npx flowtune login-url · tokens for scripts: npx flowtune token create --role editor)");

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`[flowtune] ${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    console.log(`[flowtune] ${signal}: shutting down…`);
    // A hard deadline, in case something hangs.
    setTimeout(() => {
      console.error("[flowtune] shutdown timed out");
      process.exit(1);
    }, 10_000).unref();
    // Cancel live runs (their terminal events end the SSE streams) while HTTP stops accepting
    // connections; close the database only once both are done.
    Promise.allSettled([services.runs.shutdown(), running.close(2_000)])
      .then(async (results) => {
        const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
        await services.close().catch((err: unknown) => errors.push(err));
        for (const err of errors) console.error("[flowtune] error during shutdown:", err);
        process.exit(errors.length ? 1 : 0);
      })
      .catch(() => process.exit(1));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(`[flowtune] failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
