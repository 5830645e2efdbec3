import type { ProviderRegistry } from "../../engine/index.js";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { createDatasetStore, type DatasetStore } from "../store/datasets.js";
import { InProcessJobRunner, type JobRunner } from "../jobs/index.js";
import { createOptimizationStore, type OptimizationStore } from "../store/optimizations.js";
import { createParameterStore } from "../store/parameters.js";
import { createRunHistoryStore, type RunHistoryStore } from "../store/run-history.js";
import { createWorkflowStore, type WorkflowStore } from "../store/workflows.js";
import { ProcessLease, pruneLeases, type ProcessKind } from "../store/leases.js";
import { AuthService, type AuthPolicy } from "../auth/service.js";
import { seedExampleDatasets, seedExamples } from "./examples.js";
import { OptimizationService, type OptimizationPolicy } from "./optimizations.js";
import { ParameterService } from "./parameters.js";
import { createProviders } from "./providers.js";
import { ProviderConfigService } from "./provider-configs.js";
import { createSecretCipher } from "../secrets/cipher.js";
import { Keyring } from "../secrets/keyring.js";
import { SecretRedactor } from "../secrets/redact.js";
import { createProviderConfigStore } from "../store/provider-configs.js";
import { RunService } from "./runs.js";
import { memoryOf } from "./memory-store.js";
import { configureLimits, limitsFromEnv, type ResourceLimits } from "../../engine/limits.js";

/** Everything the server and the CLI share: database, stores, providers, the run service. */
export interface AppServices {
  db: FlowtuneDatabase;
  workflows: WorkflowStore;
  history: RunHistoryStore;
  datasets: DatasetStore;
  optimizations: OptimizationStore;
  /** Parameter versions, promote/rollback, and the cached production resolver runs use. */
  parameters: ParameterService;
  /** Fixed providers (sim, environment) plus the API-managed ones of `providerConfigs`. */
  providers: ProviderRegistry;
  /** API-managed providers: stored base URLs and encrypted API keys (admins edit them). */
  providerConfigs: ProviderConfigService;
  runs: RunService;
  /** Background work (optimizations); behind an interface so it can move to a distributed queue. */
  jobs: JobRunner;
  /** Start, follow, cancel and resume optimizations (the API and the CLI). */
  optimizer: OptimizationService;
  /** Authentication: tokens, sessions, login codes, the security log and start rate limits. */
  auth: AuthService;
  /** Removes every known secret (provider API keys) from a text bound for a client or a log. */
  redact(text: string): string;
  /** This process's lease: the owner id of the runs and optimizations it executes (registered on first use). */
  lease: ProcessLease;
  /**
   * Interrupts the runs and optimizations of processes that are gone (never a live process's)
   * and deletes their leases; returns what it marked.
   */
  sweep(): Promise<{ runs: string[]; optimizations: string[] }>;
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
    /** Master key for provider secrets (base64 or hex of 32 bytes); default FLOWTUNE_SECRET_KEY, else the key file. */
    secretKey?: string;
    /** Key file for provider secrets; default FLOWTUNE_SECRET_KEY_FILE, else `secret.key` beside the database. */
    secretKeyFile?: string;
    /** Rate limits of the HTTP API (defaults: DEFAULT_AUTH_POLICY). */
    authPolicy?: Partial<AuthPolicy>;
    /** Server-side limits on optimizations (per-user concurrency, budget caps). */
    optimizationPolicy?: Partial<OptimizationPolicy>;
    /** Limits on user text (templates, expressions, regexes, JSON, the sim's input); defaults in docs/security.md, then FLOWTUNE_LIMIT_* variables, then these. */
    limits?: Partial<ResourceLimits>;
    /**
     * This process's role in run ownership (server/store/leases.ts). `server`: registers its lease
     * at start-up, sweeps dead processes' work then and every `sweepIntervalMs` (default half the
     * lease). `cli`/`worker` (default `cli`): registers only when it first executes something (a
     * read-only command never does) and sweeps once then.
     */
    process?: { kind?: ProcessKind; leaseMs?: number; heartbeatMs?: number; skewMs?: number; hostname?: string; sweepIntervalMs?: number };
  } = {},
): Promise<AppServices> {
  configureLimits({ ...limitsFromEnv(process.env), ...opts.limits });
  const db = await openDatabase({ url: opts.databaseUrl });
  const kind = opts.process?.kind ?? "cli";
  const lease = new ProcessLease(db.prisma, {
    kind,
    leaseMs: opts.process?.leaseMs,
    heartbeatMs: opts.process?.heartbeatMs,
    skewMs: opts.process?.skewMs,
    hostname: opts.process?.hostname,
    // A command that executes work cleans up after dead processes first; a read-only one never registers.
    onRegistered: kind === "server" ? undefined : () => reportSweep(),
  });
  const jobs: JobRunner = new InProcessJobRunner({ concurrency: opts.jobConcurrency });
  const workflows = createWorkflowStore(db.prisma);
  const history = createRunHistoryStore(db.prisma, { owner: lease });
  const datasets = createDatasetStore(db.prisma);
  const optimizations = createOptimizationStore(db.prisma, {
    owner: lease,
    // Taken for gone (a stall longer than the lease, seen from another host): stop the job at
    // once rather than spending on model calls whose results can no longer be stored.
    onOwnershipLost: (runId) => {
      console.warn(`flowtune: optimization ${runId} is no longer owned by this process (its lease was swept); stopping it here`);
      void jobs.cancel(runId).catch(() => undefined);
    },
  });
  let sweeping: Promise<{ runs: string[]; optimizations: string[] }> | undefined;
  /** One sweep at a time: runs, then optimizations, then the leases of the gone processes. */
  const sweep = () =>
    (sweeping ??= (async () => {
      try {
        const runIds = await history.markInterrupted();
        const optimizationIds = await optimizations.markInterrupted();
        await pruneLeases(db.prisma, lease.judgement());
        return { runs: runIds, optimizations: optimizationIds };
      } finally {
        sweeping = undefined;
      }
    })());
  const reportSweep = async () => {
    const marked = await sweep();
    if (marked.runs.length) console.warn(`flowtune: marked ${marked.runs.length} interrupted run(s) as failed`);
    if (marked.optimizations.length) console.warn(`flowtune: marked ${marked.optimizations.length} optimization run(s) as interrupted (resumable)`);
    return marked;
  };
  const parameters = new ParameterService(createParameterStore(db.prisma));
  const auth = new AuthService(db.prisma, { policy: opts.authPolicy });
  // Provider API keys: encrypted at rest under the master key, redacted from what leaves the server.
  const redactor = new SecretRedactor();
  for (const name of ["FLOWTUNE_OPENAI_API_KEY", "OPENAI_API_KEY"]) redactor.add(process.env[name]?.trim()); // env providers' keys too
  let providerConfigs: ProviderConfigService;
  try {
    const keyring = new Keyring({ secretKey: opts.secretKey, keyFile: opts.secretKeyFile, databasePath: db.path });
    providerConfigs = new ProviderConfigService({
      store: createProviderConfigStore(db.prisma),
      cipher: createSecretCipher(() => keyring.key()),
      redactor,
      fixed: opts.providers ?? createProviders({ latencyScale: opts.latencyScale }),
      log: auth.log,
    });
    await providerConfigs.start();
  } catch (err) {
    await lease.release().catch(() => undefined);
    await db.close(); // a bad secret key must not leave the database open
    throw err;
  }
  const providers = providerConfigs.registry;
  const runs = new RunService({ history, workflows, providers, parameters, memory: memoryOf(db.prisma) });
  const optimizer = new OptimizationService({ workflows, datasets, optimizations, parameters, providers, jobs, policy: opts.optimizationPolicy });
  let sweepTimer: NodeJS.Timeout | undefined;
  if (kind === "server") {
    // Work a dead process left "running" can never finish: record that it was interrupted.
    await lease.acquire();
    await reportSweep();
    const every = Math.max(100, opts.process?.sweepIntervalMs ?? lease.leaseMs / 2);
    sweepTimer = setInterval(() => {
      void reportSweep()
        .then(async ({ optimizations: ids }) => {
          // The server picks up what a dead process left, as at start-up.
          if (!opts.resumeOptimizations) return;
          for (const id of ids) await optimizer.resume(id).catch((err: unknown) => console.warn(`flowtune: optimization ${id} not resumed: ${(err as Error).message}`));
        })
        .catch((err: unknown) => console.warn(`flowtune: sweeping interrupted work failed: ${(err as Error).message}`));
    }, every);
    sweepTimer.unref();
  }
  if (opts.seedExamples) {
    await seedExamples(workflows);
    await seedExampleDatasets(datasets); // the examples' optimizer nodes name these
  }
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
    auth,
    providerConfigs,
    redact: (text) => redactor.redact(text),
    lease,
    sweep,
    async close() {
      if (sweepTimer) clearInterval(sweepTimer);
      await sweeping?.catch(() => undefined);
      try {
        await jobs.shutdown();
        await runs.shutdown();
        // Our own unfinished work (shut-down optimizations stay "running") is interrupted,
        // resumable; only then does the lease go (a sweep would take its work for abandoned).
        await history.interruptOwned();
        await optimizations.interruptOwned();
        await lease.release();
      } finally {
        await providerConfigs.close();
        await db.close();
      }
    },
  };
}
