/**
 * Test fixture (not a test): a Flowtune process that owns work and then waits to be killed.
 * `node --import tsx server/test-child-app.ts` with FT_CHILD = JSON { databaseUrl, leaseMs,
 * hostname, latencyScale }: starts an optimization of the seeded `qa` workflow on the `qa`
 * dataset and a run it pauses, prints `{"runId","optimizationId"}` on one line, and idles.
 * A `hostname` other than this machine's makes it look like a process on another host, whose
 * death only its lease expiry can reveal (server/ownership.test.ts).
 */
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
process.stdout.write(`${JSON.stringify({ runId, optimizationId })}\n`);
// Stay alive (the lease keeps renewing) until the test kills this process.
setInterval(() => undefined, 60_000);
