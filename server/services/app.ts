import type { ProviderRegistry } from "../../engine/index.js";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { createRunHistoryStore, type RunHistoryStore } from "../store/run-history.js";
import { createWorkflowStore, type WorkflowStore } from "../store/workflows.js";
import { seedExamples } from "./examples.js";
import { createProviders } from "./providers.js";
import { RunService } from "./runs.js";

/** Everything the server and the CLI share: database, stores, providers, the run service. */
export interface AppServices {
  db: FlowtuneDatabase;
  workflows: WorkflowStore;
  history: RunHistoryStore;
  providers: ProviderRegistry;
  runs: RunService;
  close(): Promise<void>;
}

/** Opens (and migrates) the database and wires the services; optionally seeds the examples. */
export async function createAppServices(
  opts: { databaseUrl?: string; latencyScale?: number; seedExamples?: boolean; providers?: ProviderRegistry } = {},
): Promise<AppServices> {
  const db = await openDatabase({ url: opts.databaseUrl });
  const workflows = createWorkflowStore(db.prisma);
  const history = createRunHistoryStore(db.prisma);
  const providers = opts.providers ?? createProviders({ latencyScale: opts.latencyScale });
  const runs = new RunService({ history, workflows, providers });
  // A run the previous process left "running" can never finish: record that it was interrupted.
  const interrupted = await history.markInterrupted();
  if (interrupted.length) console.warn(`flowtune: marked ${interrupted.length} interrupted run(s) as failed`);
  if (opts.seedExamples) await seedExamples(workflows);
  return {
    db,
    workflows,
    history,
    providers,
    runs,
    async close() {
      await runs.shutdown();
      await db.close();
    },
  };
}
