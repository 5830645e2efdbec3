/**
 * Optimizations for the server and the CLI alike: validation, the run record, the engine loop
 * (foreground for the CLI, background jobs for the API), progress streams with sequence numbers,
 * resume of interrupted or cancelled runs, and saving the Pareto front as parameter versions.
 */
import { randomUUID } from "node:crypto";
import {
  checkConfig,
  FlowtuneError,
  OptimizeConfigSchema,
  runOptimization,
  type OptimizationStore as EngineStore,
  type OptimizeConfig,
  type OptimizeConfigInput,
  type OptimizeResult,
  type ProgressInfo,
  type ProviderRegistry,
} from "../../engine/index.js";
import { AccessError } from "../auth/errors.js";
import { sanitizeErrorText } from "../safe-errors.js";
import { envNumber } from "../env.js";
import { abortedByShutdown, ProgressChannel, type JobRunner, type Sequenced } from "../jobs/index.js";
import { ActorNameSchema, labelProblem, ReasonSchema } from "../../engine/schema/labels.js";
import type { DatasetStore } from "../store/datasets.js";
import type { CreateVersionInput } from "../store/parameters.js";
import type { CandidateRecord, OptimizationRunRecord, OptimizationStatus, OptimizationStore } from "../store/optimizations.js";
import type { WorkflowStore } from "../store/workflows.js";
import { engineOptimizationStore, optimizationFailure } from "./optimization-store.js";
import type { ParameterService } from "./parameters.js";
import { assertProvidersConfigured } from "./providers.js";

// Finished runs' progress stays in memory briefly so a late subscriber still reads it live.
const LINGER_MS = 30_000;

/** One Pareto-front parameter set saved as a candidate version of one node. */
export interface SavedVersion {
  index: number;
  nodeId: string;
  version: number;
  created: boolean;
}

/** One item of an optimization's progress stream. */
export interface OptimizationProgress {
  runId: string;
  /** `status` when the run's status changes, `candidate` when a candidate was evaluated (or replayed). */
  type: "status" | "candidate";
  status: OptimizationStatus;
  /** Validation candidates done (baseline included) and the limit. */
  candidates: number;
  maxCandidates: number;
  /** The best candidate so far by the objectives (name → value). */
  best?: { index: number; objectives: Record<string, number> };
  /** The run's totals so far: every model call, across resumes. */
  spend: { tokens: number; costUsd: number; llmCalls: number };
  error?: string;
  /** On completion: the versions the front was saved as. */
  versions?: SavedVersion[];
  /** On completion: why the search stopped, and whether the budget ended it. */
  stopReason?: string;
  budgetExhausted?: boolean;
}

export type OptimizationProgressEvent = Sequenced<OptimizationProgress>;

/** One target node of a promoted candidate: its version, whether it was new, whether production moved (and from where). */
export interface PromotedCandidate {
  nodeId: string;
  version: number;
  created: boolean;
  changed: boolean;
  from: number;
}

export interface OptimizationServiceDeps {
  workflows: WorkflowStore;
  datasets: DatasetStore;
  optimizations: OptimizationStore;
  parameters: ParameterService;
  providers: ProviderRegistry;
  jobs: JobRunner;
  policy?: Partial<OptimizationPolicy>;
}

/** Server-side limits on optimizations started through the service. */
export interface OptimizationPolicy {
  /** Optimizations one user (principal name) may have running at once (default 2). */
  maxConcurrentPerUser: number;
  /** Largest token budget a start may ask for; applied when it asks for none. */
  maxBudgetTokens?: number;
  /** Largest cost budget (USD) a start may ask for; applied when it asks for none. */
  maxBudgetCostUsd?: number;
}

export const DEFAULT_OPTIMIZATION_POLICY: OptimizationPolicy = { maxConcurrentPerUser: 2 };

/** Reads FLOWTUNE_MAX_OPTIMIZATIONS_PER_USER, FLOWTUNE_MAX_OPTIMIZATION_TOKENS and FLOWTUNE_MAX_OPTIMIZATION_COST_USD. */
export function optimizationPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<OptimizationPolicy> {
  const num = (name: string) => envNumber(env, name, { positive: true });
  const policy: Partial<OptimizationPolicy> = {};
  const perUser = num("FLOWTUNE_MAX_OPTIMIZATIONS_PER_USER");
  const tokens = num("FLOWTUNE_MAX_OPTIMIZATION_TOKENS");
  const cost = num("FLOWTUNE_MAX_OPTIMIZATION_COST_USD");
  if (perUser !== undefined) policy.maxConcurrentPerUser = Math.floor(perUser);
  if (tokens !== undefined) policy.maxBudgetTokens = Math.floor(tokens);
  if (cost !== undefined) policy.maxBudgetCostUsd = cost;
  return policy;
}

export interface StartOptimizationInput {
  workflowId: string;
  config: OptimizeConfigInput;
  /** An imported dataset's name (newest version) or id. */
  dataset: string;
  /** Who asked (a principal's name): recorded on the run and counted by the per-user concurrency cap. */
  actor?: string;
}

/** What a foreground optimization (the CLI) runs: one workflow, its config and rows. */
export interface ExecuteOptimizationInput {
  workflowId: string;
  config: OptimizeConfigInput;
  rows: Record<string, unknown>[];
  datasetId?: string;
  /** Continue this (reopened or freshly created) run instead of creating one. */
  resumeRunId?: string;
  signal?: AbortSignal;
  onProgress?: (p: ProgressInfo) => void;
  /** Where the loop persists itself (default: the SQLite store through its engine adapter). */
  store?: EngineStore;
}

/** Starts, tracks, cancels and resumes optimizations; saves their fronts as parameter versions. */
export class OptimizationService {
  private readonly channels = new Map<string, ProgressChannel<OptimizationProgress>>();
  readonly policy: OptimizationPolicy;
  // Starts by one user run one at a time, so two concurrent starts cannot both pass the cap.
  private readonly userLocks = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: OptimizationServiceDeps) {
    this.policy = { ...DEFAULT_OPTIMIZATION_POLICY, ...deps.policy };
  }

  /** Runs `f` after the user's previous start finished (a per-user mutex). */
  private withUserLock<T>(user: string | undefined, f: () => Promise<T>): Promise<T> {
    if (user === undefined) return f();
    const prev = this.userLocks.get(user) ?? Promise.resolve();
    const next = prev.then(f, f);
    const settled = next.catch(() => undefined);
    this.userLocks.set(user, settled);
    void settled.then(() => {
      if (this.userLocks.get(user) === settled) this.userLocks.delete(user);
    });
    return next;
  }

  /** RATE_LIMITED when the user already runs as many optimizations as the policy allows. */
  private async checkUserCap(user: string | undefined): Promise<void> {
    if (user === undefined) return;
    const running = await this.deps.optimizations.countRunning(user);
    const cap = this.policy.maxConcurrentPerUser;
    if (running >= cap) {
      throw new AccessError(
        "RATE_LIMITED",
        `"${user}" already has ${running} optimization${running === 1 ? "" : "s"} running (at most ${cap} at once); wait for one to finish or cancel one`,
        30,
      );
    }
  }

  /** Applies the server's budget caps: INPUT_INVALID (naming the field) above a cap, the cap itself when none was asked for. */
  private applyBudgetPolicy(config: OptimizeConfig): OptimizeConfig {
    const limits = { ...config.limits };
    const caps = [
      { field: "budgetTokens", cap: this.policy.maxBudgetTokens, unit: (n: number) => `${n} tokens` },
      { field: "budgetCostUsd", cap: this.policy.maxBudgetCostUsd, unit: (n: number) => `$${n}` },
    ] as const;
    for (const { field, cap, unit } of caps) {
      if (cap === undefined) continue;
      const asked = limits[field];
      if (asked !== undefined && asked > cap) {
        throw new FlowtuneError("INPUT_INVALID", `${field} ${asked} exceeds this server's cap of ${unit(cap)}`, { field: `config.limits.${field}` });
      }
      limits[field] = asked ?? cap;
    }
    return { ...config, limits };
  }

  /**
   * Validates the request, records the run and returns its id at once; the optimization runs in
   * the background through the job runner. NOT_FOUND for an unknown workflow or dataset,
   * INPUT_INVALID (with the field) for a config that does not fit the graph.
   */
  async start(input: StartOptimizationInput): Promise<{ runId: string }> {
    return this.withUserLock(input.actor, () => this.startLocked(input));
  }

  private async startLocked(input: StartOptimizationInput): Promise<{ runId: string }> {
    await this.checkUserCap(input.actor);
    const config = this.applyBudgetPolicy(OptimizeConfigSchema.parse(input.config));
    const wf = await this.deps.workflows.get(input.workflowId);
    if (!wf) throw new FlowtuneError("NOT_FOUND", `workflow "${input.workflowId}" not found`);
    const { graph } = await this.deps.parameters.resolve(wf.id, wf.graph);
    checkConfig(graph, config);
    assertProvidersConfigured(graph, this.deps.providers);
    const { rows, datasetId } = await this.loadDataset(input.dataset);
    const run = await this.deps.optimizations.createRun({
      id: randomUUID(),
      workflowId: wf.id,
      workflowVersion: wf.version,
      targetNodeIds: config.targets,
      datasetId,
      config: config as unknown as Record<string, unknown>,
      createdBy: input.actor ?? null,
    });
    this.submit(run.id, wf.id, config, rows, datasetId);
    return { runId: run.id };
  }

  /**
   * Continues an interrupted or cancelled run, or one that failed for a transient cause (error
   * code TRANSIENT or INTERRUPTED), in the background: stored candidates are replayed, not
   * re-evaluated, and the recorded spend carries on. CONFLICT when it is running, completed or
   * failed for a real cause, or was started from a file.
   */
  async resume(runId: string, actor?: string): Promise<{ runId: string }> {
    return this.withUserLock(actor, async () => {
      await this.checkUserCap(actor);
      return this.resumeLocked(runId);
    });
  }

  private async resumeLocked(runId: string): Promise<{ runId: string }> {
    const run = await this.mustGet(runId);
    if (this.deps.jobs.active().some((j) => j.id === runId)) throw new FlowtuneError("CONFLICT", `optimization ${runId} is already running`);
    if (!run.datasetId) throw new FlowtuneError("CONFLICT", `optimization ${runId} was started from a dataset file; resume it with the CLI`);
    const { rows } = await this.loadDataset(run.datasetId);
    await this.deps.optimizations.reopenRun(runId);
    this.submit(runId, run.workflowId, run.config as unknown as OptimizeConfig, rows, run.datasetId);
    return { runId };
  }

  /** Stops a queued or running optimization (resumable later); false when it is not running here. */
  async cancel(runId: string): Promise<{ cancelled: boolean; status: OptimizationStatus }> {
    const job = this.deps.jobs.active().find((j) => j.id === runId);
    if (!job) return { cancelled: false, status: (await this.mustGet(runId)).status };
    await this.deps.jobs.cancel(runId);
    // A job dropped from the queue never ran: its run record still says "running".
    if (job.state === "queued") {
      await this.deps.optimizations.finishRun(runId, { status: "cancelled", error: { code: "RUN_CANCELLED", message: "cancelled before it started" } });
      this.channel(runId).close(this.statusEvent(runId, "cancelled"));
    }
    return { cancelled: true, status: (await this.mustGet(runId)).status };
  }

  /** The run record, or undefined. */
  get(runId: string): Promise<OptimizationRunRecord | undefined> {
    return this.deps.optimizations.getRun(runId);
  }

  /** Runs newest first, cursor-paginated. */
  list(options: { workflowId?: string; workflowIds?: string[]; status?: OptimizationStatus; limit?: number; cursor?: string } = {}) {
    return this.deps.optimizations.listRuns(options);
  }

  /** A page of a run's candidates (per-example results only when asked for); NOT_FOUND for an unknown run. */
  async candidates(runId: string, options: { split?: string; limit?: number; cursor?: number; perExample?: boolean } = {}) {
    await this.mustGet(runId);
    const page = await this.deps.optimizations.listCandidates(runId, options);
    const candidates: CandidateRecord[] = options.perExample ? page.candidates : page.candidates.map(({ perExample: _p, ...c }) => c);
    return { candidates, nextCursor: page.nextCursor };
  }

  /** Records closing notes on a finished (completed, failed, cancelled or interrupted) run; CONFLICT while it runs. */
  finalize(runId: string, notes: string): Promise<OptimizationRunRecord> {
    return this.deps.optimizations.finalizeRun(runId, notes);
  }

  /**
   * Progress events with seq > afterSeq, then live ones until the run ends. A run not followed
   * in memory (finished long ago, or by another process) yields one event with its stored state.
   * NOT_FOUND for an unknown run (checked before the first event).
   */
  async progress(runId: string, afterSeq?: number, signal?: AbortSignal): Promise<AsyncIterable<OptimizationProgressEvent>> {
    const channel = this.channels.get(runId);
    if (channel) return channel.read(afterSeq, signal);
    const run = await this.mustGet(runId);
    const snapshot = new ProgressChannel<OptimizationProgress>();
    snapshot.close(await this.storedState(run));
    return snapshot.read(-1, signal);
  }

  /**
   * Runs an optimization in the foreground (the CLI) from the workflow's production parameters,
   * then saves the Pareto front as candidate versions.
   */
  async execute(input: ExecuteOptimizationInput): Promise<{ result: OptimizeResult; versions: SavedVersion[] }> {
    const stored = await this.deps.workflows.get(input.workflowId);
    if (!stored) throw new FlowtuneError("NOT_FOUND", `workflow "${input.workflowId}" not found`);
    const { graph } = await this.deps.parameters.resolve(stored.id, stored.graph);
    const result = await runOptimization({
      graph,
      rows: input.rows,
      config: input.config,
      providers: this.deps.providers,
      store: input.store ?? engineOptimizationStore(this.deps.optimizations),
      workflowId: stored.id,
      datasetId: input.datasetId,
      resumeRunId: input.resumeRunId,
      signal: input.signal,
      onProgress: input.onProgress,
    });
    const versions = await this.saveFrontAsVersions(result, stored.id, input.datasetId);
    return { result, versions };
  }

  /**
   * Prepares a foreground resume (the CLI): marks runs of dead processes interrupted, checks the
   * run can be resumed and reopens it; returns its stored configuration (which a resume must replay).
   */
  async reopenForResume(runId: string): Promise<OptimizationRunRecord> {
    await this.deps.optimizations.markInterrupted();
    const run = await this.mustGet(runId);
    if (run.status === "completed") throw new FlowtuneError("CONFLICT", `optimization ${runId} already completed`);
    return this.deps.optimizations.reopenRun(runId);
  }

  /** Every interrupted optimization with a stored dataset is resumed in the background; returns their ids. */
  async resumeInterrupted(): Promise<string[]> {
    const resumed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.optimizations.listRuns({ status: "interrupted", limit: 500, cursor });
      for (const run of page.runs) {
        try {
          await this.resume(run.id);
          resumed.push(run.id);
        } catch (err) {
          console.warn(`flowtune: optimization ${run.id} not resumed: ${(err as Error).message}`);
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
    return resumed;
  }

  /** Every Pareto-front parameter set becomes an immutable candidate version, with the metrics that justify it. */
  async saveFrontAsVersions(result: OptimizeResult, workflowId: string, datasetId?: string): Promise<SavedVersion[]> {
    const rows = (await this.deps.optimizations.listCandidates(result.runId, { split: "validation", limit: 1000 })).candidates;
    const out: SavedVersion[] = [];
    for (const p of result.pareto) {
      for (const [nodeId, params] of Object.entries(p.params)) {
        const { version, created } = await this.deps.parameters.createVersion({
          workflowId,
          nodeId,
          params,
          // A front member not re-scored on test says why instead of carrying zeros.
          metrics: p.test ? { validation: p.validation, test: p.test } : { validation: p.validation, testStatus: p.testStatus },
          datasetId: datasetId ?? null,
          optimizationRunId: result.runId,
          sourceCandidateId: rows.find((r) => r.index === p.index)?.id ?? null,
          actor: "optimizer",
          note: `candidate ${p.index} of optimization ${result.runId}`,
        });
        out.push({ index: p.index, nodeId, version: version.version, created });
      }
    }
    return out;
  }

  /**
   * Saves one stored candidate's parameter set as a `candidate` version of each target node, with
   * its validation (and test, when it was re-scored on the holdout) metrics, the run's dataset,
   * the run and the source candidate. Idempotent: the same parameters give the same version
   * (`created: false`), also when the front was already saved at the end of the run.
   * NOT_FOUND for an unknown run or candidate; CONFLICT for a rejected or failed candidate.
   */
  async saveCandidate(runId: string, index: number, actor = "optimizer"): Promise<Array<{ nodeId: string; version: number; created: boolean }>> {
    const out: Array<{ nodeId: string; version: number; created: boolean }> = [];
    for (const input of await this.candidateVersions(runId, index, actor)) {
      const { version, created } = await this.deps.parameters.createVersion(input);
      out.push({ nodeId: input.nodeId, version: version.version, created });
    }
    return out;
  }

  /**
   * Saves a candidate as a version of each target node (as saveCandidate) and points production
   * at it, in one transaction: if the promotion fails, no version is left behind. The reason and
   * actor are checked as for a promote (INPUT_INVALID naming `reason`); NOT_FOUND / CONFLICT as
   * for saveCandidate. A version that already is production is reported with `changed: false`.
   */
  async promoteCandidate(runId: string, index: number, reason: string, actor: string): Promise<PromotedCandidate[]> {
    const checked = { reason: checkLabel(ReasonSchema, reason, "reason"), actor: checkLabel(ActorNameSchema, actor, "actor") };
    const versions = await this.candidateVersions(runId, index, checked.actor);
    if (versions.length === 0) throw new FlowtuneError("CONFLICT", `candidate ${index} of optimization ${runId} has no parameters for its target nodes`, { field: "index" });
    const workflowId = versions[0].workflowId;
    try {
      const results = await this.deps.parameters.store.saveAndPromote({ versions, ...checked });
      return results.map((r) => ({ nodeId: r.nodeId, version: r.version.version, created: r.created, changed: r.move.changed, from: r.move.from }));
    } finally {
      // The resolver's cache must not keep the old production version of these nodes.
      this.deps.parameters.invalidate(workflowId);
    }
  }

  /** What saving candidate `index` of a run stores: one version input per target node. */
  private async candidateVersions(runId: string, index: number, actor: string): Promise<CreateVersionInput[]> {
    const run = await this.mustGet(runId);
    const rows: CandidateRecord[] = [];
    let cursor: number | undefined;
    do {
      const page = await this.deps.optimizations.listCandidates(runId, { limit: 1000, cursor });
      rows.push(...page.candidates.filter((c) => c.index === index));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const validation = rows.find((c) => c.split === "validation");
    if (!validation) throw new FlowtuneError("NOT_FOUND", `candidate ${index} of optimization ${runId} not found`, { field: "index" });
    if (validation.status === "rejected") {
      throw new FlowtuneError("CONFLICT", `candidate ${index} was rejected (${validation.rejectReason ?? "no reason recorded"}); only evaluated candidates can be saved`, { field: "index" });
    }
    if (validation.status !== "evaluated") throw new FlowtuneError("CONFLICT", `candidate ${index} ${validation.status}; only evaluated candidates can be saved`, { field: "index" });
    // Only a complete test re-score is a test figure (a failed one was cut short).
    const test = rows.find((c) => c.split === "test" && c.status !== "failed");
    const scores = (c: CandidateRecord | undefined) => {
      if (!c?.metrics) return undefined;
      const { origin: _origin, ...metrics } = c.metrics;
      return metrics;
    };
    const metrics: Record<string, unknown> = { validation: scores(validation) };
    if (test) metrics.test = scores(test);
    const nodeIds = run.targetNodeIds.filter((id) => validation.params[id] !== undefined);
    return nodeIds.map((nodeId) => ({
      workflowId: run.workflowId,
      nodeId,
      params: validation.params[nodeId],
      metrics,
      datasetId: run.datasetId,
      optimizationRunId: runId,
      sourceCandidateId: validation.id,
      actor,
      note: `candidate ${index} of optimization ${runId}`,
    }));
  }

  // The background job: the same execute() the CLI uses, with progress fed into the run's channel.
  private submit(runId: string, workflowId: string, config: OptimizeConfigInput, rows: Record<string, unknown>[], datasetId: string): void {
    const channel = this.channel(runId);
    const maxCandidates = OptimizeConfigSchema.parse(config).limits.maxCandidates;
    const names = OptimizeConfigSchema.parse(config).objectives.map((o) => o.metric);
    channel.push({ ...this.statusEvent(runId, "running"), maxCandidates });
    this.deps.jobs.submit({
      id: runId,
      kind: "optimization",
      run: async (signal) => {
        const { store, settled } = this.jobStore(signal);
        try {
          const { result, versions } = await this.execute({
            workflowId,
            config,
            rows,
            datasetId,
            resumeRunId: runId,
            signal,
            store,
            onProgress: (p) => channel.push(this.progressEvent(runId, p, names)),
          });
          channel.close({
            ...this.statusEvent(runId, "completed"),
            spend: { tokens: result.tokensSpent, costUsd: result.costSpent, llmCalls: result.llmCalls },
            versions,
            stopReason: result.stopReason,
            budgetExhausted: result.budgetExhausted,
          });
        } catch (err) {
          await settled();
          let status: OptimizationStatus = abortedByShutdown(signal) ? "interrupted" : signal.aborted ? "cancelled" : "failed";
          if (status !== "interrupted") {
            // A run the loop could not finish (e.g. it failed before the loop started) is finished here.
            const error = status === "cancelled" ? { code: "RUN_CANCELLED", message: (err as Error).message } : optimizationFailure(err);
            await this.deps.optimizations.finishRun(runId, { status, error }).catch(() => undefined);
            const stored = await this.get(runId).catch(() => undefined);
            status = stored?.status ?? status;
            channel.close({ ...this.statusEvent(runId, status), error: stored?.error?.message ?? error.message });
            return;
          }
          channel.close({ ...this.statusEvent(runId, status), error: sanitizeErrorText((err as Error).message) });
        } finally {
          this.linger(runId, channel);
        }
      },
    });
  }

  /**
   * The engine store for a background run: a shutdown leaves the run `running` (the caller marks
   * it interrupted, resumable) instead of finishing it as cancelled, and `settled` waits for
   * candidate writes still in flight when the loop gave up.
   */
  private jobStore(signal: AbortSignal): { store: EngineStore; settled: () => Promise<void> } {
    const inner = engineOptimizationStore(this.deps.optimizations);
    const pending = new Set<Promise<void>>();
    return {
      store: {
        ...inner,
        appendCandidate: (runId, c) => {
          const p = inner.appendCandidate(runId, c);
          pending.add(p);
          return p.finally(() => pending.delete(p));
        },
        finishRun: async (runId, r) => {
          if (r.status !== "completed" && abortedByShutdown(signal)) return;
          await inner.finishRun(runId, r);
        },
      },
      settled: async () => {
        await Promise.allSettled([...pending]);
      },
    };
  }

  private progressEvent(runId: string, p: ProgressInfo, names: string[]): OptimizationProgress {
    return {
      runId,
      type: "candidate",
      status: "running",
      candidates: p.candidates,
      maxCandidates: p.maxCandidates,
      best: p.best ? { index: p.best.index, objectives: Object.fromEntries(names.map((n, i) => [n, p.best!.objectives[i]])) } : undefined,
      spend: { ...p.spend },
    };
  }

  // A status change carries the latest figures forward.
  private statusEvent(runId: string, status: OptimizationStatus): OptimizationProgress {
    const last = this.channels.get(runId)?.last();
    return {
      runId,
      type: "status",
      status,
      candidates: last?.candidates ?? 0,
      maxCandidates: last?.maxCandidates ?? 0,
      best: last?.best,
      spend: last?.spend ?? { tokens: 0, costUsd: 0, llmCalls: 0 },
    };
  }

  private async storedState(run: OptimizationRunRecord): Promise<OptimizationProgress> {
    const config = run.config as unknown as OptimizeConfig;
    let candidates = 0;
    let cursor: number | undefined;
    do {
      const page = await this.deps.optimizations.listCandidates(run.id, { split: "validation", limit: 1000, cursor });
      candidates += page.candidates.length;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const best = run.best as { index: number; validation: Record<string, number> } | undefined;
    const names = config.objectives.map((o) => o.metric);
    return {
      runId: run.id,
      type: "status",
      status: run.status,
      candidates,
      maxCandidates: config.limits.maxCandidates,
      best: best ? { index: best.index, objectives: Object.fromEntries(names.map((n) => [n, best.validation[n]])) } : undefined,
      spend: { tokens: run.tokensSpent, costUsd: run.costSpent, llmCalls: run.llmCalls },
      error: run.error?.message,
      ...(run.stopReason !== null ? { stopReason: run.stopReason, budgetExhausted: run.budgetExhausted } : {}),
    };
  }

  private channel(runId: string): ProgressChannel<OptimizationProgress> {
    let channel = this.channels.get(runId);
    if (!channel) this.channels.set(runId, (channel = new ProgressChannel()));
    return channel;
  }

  private linger(runId: string, channel: ProgressChannel<OptimizationProgress>): void {
    // A resume within the linger time reopens the channel: keep it then.
    setTimeout(() => {
      if (channel.closed && this.channels.get(runId) === channel) this.channels.delete(runId);
    }, LINGER_MS).unref();
  }

  private async mustGet(runId: string): Promise<OptimizationRunRecord> {
    const run = await this.deps.optimizations.getRun(runId);
    if (!run) throw new FlowtuneError("NOT_FOUND", `optimization run ${runId} not found`);
    return run;
  }

  private async loadDataset(ref: string): Promise<{ rows: Record<string, unknown>[]; datasetId: string }> {
    const ds = await this.deps.datasets.get(ref);
    if (!ds) throw new FlowtuneError("NOT_FOUND", `dataset "${ref}" not found`, { field: "dataset" });
    if (ds.records.length < 3) throw new FlowtuneError("INPUT_INVALID", `an optimization needs at least 3 dataset rows (got ${ds.records.length})`, { field: "dataset" });
    return { rows: ds.records.map((r) => r.data), datasetId: ds.id };
  }
}

// The audit trail's text rules (engine/schema/labels.ts), as every promote entry point applies them.
function checkLabel(schema: typeof ReasonSchema, value: string, field: "reason" | "actor"): string {
  const r = labelProblem(schema, value, field);
  if (!r.ok) throw new FlowtuneError("INPUT_INVALID", r.message, { field });
  return r.value;
}
