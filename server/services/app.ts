import type { ProviderRegistry } from "../../engine/index.js";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { createDatasetStore, type DatasetStore } from "../store/datasets.js";
import { InProcessJobRunner, type JobRunner } from "../jobs/index.js";
import { createOptimizationStore, type OptimizationStore } from "../store/optimizations.js";
import { createParameterStore } from "../store/parameters.js";
import { createRunHistoryStore, type RunHistoryStore } from "../store/run-history.js";
import { createWorkflowStore, type WorkflowStore } from "../store/workflows.js";
import { seedExamples } from "./examples.js";
import { OptimizationService } from "./optimizations.js";
import { ParameterService } from "./parameters.js";
import { createProviders } from "./providers.js";
import { RunService } from "./runs.js";

/** Everything the server and the CLI share: database, stores, providers, the run service. */
export interface AppServices {
  db: FlowtuneDatabase;
  workflows: WorkflowStore;
  history: RunHistoryStore;
  datasets: DatasetStore;
  optimizations: OptimizationStore;
  /** Parameter versions, promote/rollback, and the cached production resolver runs use. */
  parameters: ParameterService;
  providers: ProviderRegistry;
  runs: RunService;
  /** Background work (optimizations); behind an interface so it can move to a distributed queue. */
  jobs: JobRunner;
  /** Start, follow, cancel and resume optimizations (the API and the CLI). */
  optimizer: OptimizationService;
  /** Stops taking jobs, interrupts running optimizations (resumable), cancels live runs, closes the database. */
  close(): Promise<void>;
}

/** Opens (and migrates) the database and wires the services; optionally seeds the examples. */
export async function createAppServices(
  opts: {
    databaseUrl?: string;
    latencyScale?: number;
    seedExamples?: boolean;
    providers?: ProviderRegistry;
    /**
     * Resume every interrupted optimization in the background at start-up (the server). Off by
     * default: a CLI command must not pick up (and then interrupt) optimizations on its own.
     */
    resumeOptimizations?: boolean;
    /** Background jobs running at once (default 2). */
    jobConcurrency?: number;
  } = {},
): Promise<AppServices> {
  const db = await openDatabase({ url: opts.databaseUrl });
  const workflows = createWorkflowStore(db.prisma);
  const history = createRunHistoryStore(db.prisma);
  const datasets = createDatasetStore(db.prisma);
  const optimizations = createOptimizationStore(db.prisma);
  const parameters = new ParameterService(createParameterStore(db.prisma));
  const providers = opts.providers ?? createProviders({ latencyScale: opts.latencyScale });
  const runs = new RunService({ history, workflows, providers, parameters });
  const jobs: JobRunner = new InProcessJobRunner({ concurrency: opts.jobConcurrency });
  const optimizer = new OptimizationService({ workflows, datasets, optimizations, parameters, providers, jobs });
  // A run the previous process left "running" can never finish: record that it was interrupted.
  const interrupted = await history.markInterrupted();
  if (interrupted.length) console.warn(`flowtune: marked ${interrupted.length} interrupted run(s) as failed`);
  const stopped = await optimizations.markInterrupted();
  if (stopped.length) console.warn(`flowtune: marked ${stopped.length} optimization run(s) as interrupted (resumable)`);
  if (opts.seedExamples) await seedExamples(workflows);
  if (opts.resumeOptimizations) {
    const resumed = await optimizer.resumeInterrupted();
    if (resumed.length) console.warn(`flowtune: resuming ${resumed.length} interrupted optimization run(s)`);
  }
  return {
    db,
    workflows,
    history,
    datasets,
    optimizations,
    parameters,
    providers,
    runs,
    jobs,
    optimizer,
    async close() {
      const stopped = jobs.active().some((j) => j.kind === "optimization");
      await jobs.shutdown();
      // The shut-down optimizations were left "running"; a fresh store instance owns no run, so it marks them interrupted.
      if (stopped) await createOptimizationStore(db.prisma).markInterrupted();
      await runs.shutdown();
      await db.close();
    },
  };
}
