/**
 * Test fixture (not a test): a Flowtune process that owns work and then stalls — its event loop
 * blocked, as by a runaway regex — while other processes sweep (server/ownership-stall.test.ts).
 *
 * `node --import tsx server/test-stall-child.ts` with FT_CHILD = JSON { databaseUrl, leaseMs,
 * hostname?, latencyScale? }: starts an optimization of the seeded `qa` workflow (6 candidates)
 * on the `qa` dataset and a run it pauses, waits until the run is stored paused, prints
 * `{"runId","optimizationId","leaseId"}` on one line, then obeys stdin lines:
 *   `stall <file>`  prints `stalling`, blocks the event loop (no timer, no I/O callback runs)
 *                   until <file> exists (at most 120 s), then prints `awake`;
 *   `resume`        resumes the paused run and prints `{"run":<status>,"historyError"?}` once
 *                   this process ended it and wrote its history;
 *   `close`         closes the services (as a clean exit does) and exits.
 */
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { createAppServices } from "./services/app.js";
import { QA_INPUTS, qaOptimizeConfig } from "./test-http.js";

const settings = JSON.parse(process.env.FT_CHILD ?? "{}") as { databaseUrl: string; leaseMs: number; hostname?: string; latencyScale?: number };
const services = await createAppServices({
  databaseUrl: settings.databaseUrl,
  latencyScale: settings.latencyScale ?? 1,
  process: { kind: "worker", leaseMs: settings.leaseMs, hostname: settings.hostname },
});
const { runId: optimizationId } = await services.optimizer.start({ workflowId: "qa", config: qaOptimizeConfig(6), dataset: "qa" });
const { runId } = await services.runs.start({ workflowId: "qa", inputs: QA_INPUTS });
services.runs.pause(runId);
// Stored as paused before the stall, so what a sweep might change is on record.
for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
  if ((await services.runs.get(runId))?.status === "paused") break;
  await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(`${JSON.stringify({ runId, optimizationId, leaseId: services.lease.id })}\n`);

/** Blocks this thread (so the event loop) until `file` exists; sleeps in slices so the shared test machine keeps its CPU. */
function stallUntil(file: string): void {
  const slice = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 120_000;
  while (!existsSync(file) && Date.now() < deadline) Atomics.wait(slice, 0, 0, 20);
}

for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.trim().split(" ");
  if (command === "stall") {
    process.stdout.write("stalling\n");
    stallUntil(arg);
    process.stdout.write("awake\n");
  } else if (command === "resume") {
    const handle = services.runs.handle(runId)!;
    services.runs.resume(runId);
    const result = await handle.result; // resolves once the history has the run's end
    process.stdout.write(`${JSON.stringify({ run: result.status, historyError: result.historyError })}\n`);
  } else if (command === "close") {
    await services.close();
    process.exit(0);
  }
}
