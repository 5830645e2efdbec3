/**
 * A server process for optimization-kill.test.ts (run as `node --import tsx <this file>`, so the
 * test's SIGKILL hits this process itself): the app services on the test's SQLite file with a
 * billed sim provider — every answered call appends its tokens to the ledger file, synchronously,
 * before the optimizer sees the answer, so the ledger is what a provider would have billed.
 *
 * FLOWTUNE_KILL_MODE=start starts an optimization (config in FLOWTUNE_KILL_CONFIG) the way the
 * API does and prints its run id; =resume picks up the interrupted one as a restarted server
 * does. Either way it waits for the optimization to end, prints its record and exits.
 */
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { createProviderRegistry, type Provider } from "../../engine/index.js";
import { createSimProvider } from "../../engine/providers/sim/index.js";
import { createAppServices } from "./app.js";

/** Tokens every call costs (fixed, so the test's bounds are exact). */
const PER_CALL = 100;

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const ledger = env("FLOWTUNE_KILL_LEDGER");
const sim = createSimProvider({ latencyScale: 0.05 });
const billed: Provider = {
  id: "sim",
  async complete(req, o) {
    const res = await sim.complete(req, o);
    appendFileSync(ledger, `${PER_CALL}\n`);
    return { ...res, usage: { promptTokens: PER_CALL / 2, completionTokens: PER_CALL / 2, totalTokens: PER_CALL } };
  },
};

const app = await createAppServices({ databaseUrl: env("FLOWTUNE_KILL_DB"), providers: createProviderRegistry([billed]), seedExamples: true });
let runId: string;
if (env("FLOWTUNE_KILL_MODE") === "start") {
  const text = readFileSync(path.join(import.meta.dirname, "../../examples/qa.dataset.jsonl"), "utf8");
  await app.datasets.importDataset({ name: "qa", fileName: "qa.dataset.jsonl", text });
  ({ runId } = await app.optimizer.start({ workflowId: "qa", config: JSON.parse(env("FLOWTUNE_KILL_CONFIG")), dataset: "qa" }));
} else {
  runId = env("FLOWTUNE_KILL_RUN");
  // As a restarted server: the dead process's run is marked interrupted, then resumed.
  const deadline = Date.now() + 20_000;
  while (!app.jobs.active().some((j) => j.id === runId)) {
    if (Date.now() > deadline) throw new Error(`optimization ${runId} was not resumed (${(await app.optimizations.getRun(runId))?.status})`);
    await app.optimizations.markInterrupted();
    await app.optimizer.resumeInterrupted();
    if (!app.jobs.active().some((j) => j.id === runId)) await new Promise((r) => setTimeout(r, 100));
  }
}
process.stdout.write(`run ${runId}\n`);
await app.jobs.drain();
process.stdout.write(`${JSON.stringify(await app.optimizations.getRun(runId))}\n`);
await app.close();
