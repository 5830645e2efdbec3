import { AbortedError, FlowtuneError } from "../errors.js";
import { checksum } from "../graph/checksum.js";
import type { ProviderRegistry } from "../providers/types.js";
import type { Graph } from "../schema/graph.js";
import { renderProblem } from "./apply.js";
import { BUDGET_EXHAUSTED, isBudgetStop, type Budget, type Spend } from "./budget.js";
import { isErrored, passedAll, type CandidateParams, type CandidateRecord, type ExampleResult } from "./candidate.js";
import type { OptimizeConfig } from "./config.js";
import { aggregateExamples, evaluateParams, type IndexedRow } from "./evaluate.js";
import type { TargetMaterial } from "./param-space.js";

/** How a candidate came about. */
export interface CandidateMeta {
  generation: number;
  parentIds: number[];
  origin: string;
}

/** The dataset splits an optimization works with. */
export interface Splits {
  train: IndexedRow[];
  validation: IndexedRow[];
  test: IndexedRow[];
  /** Validation rows the baseline already passes: the regression guard. */
  control: Set<number>;
}

export interface ProgressInfo {
  candidates: number;
  maxCandidates: number;
  best?: { index: number; objectives: number[] };
  spend: Spend;
  last?: CandidateRecord;
}

/** Ends the search early (caught by the loop): the budget ran out where a strategy cannot see it. */
export class SearchStopped extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface ContextOptions {
  runId: string;
  config: OptimizeConfig;
  graph: Graph;
  baseline: CandidateParams;
  splits: Splits;
  material: Record<string, TargetMaterial>;
  budget: Budget;
  persist: (c: CandidateRecord) => Promise<void>;
  /** Candidates stored by an earlier attempt of this run: validation by index, test re-scores at -1 - index. */
  replay: Map<number, CandidateRecord>;
  onProgress: (p: ProgressInfo) => void;
  signal?: AbortSignal;
  now: () => number;
}

// Long provider messages are cut in reasons.
const REASON_MAX = 300;

/**
 * What a strategy works through: evaluating and recording candidates (persisted as each finishes,
 * replayed from the store on resume), limits, splits, and the spend so far.
 */
export class OptimizationContext {
  readonly records: CandidateRecord[] = [];
  readonly runId: string;
  readonly config: OptimizeConfig;
  readonly graph: Graph;
  readonly baseline: CandidateParams;
  readonly splits: Splits;
  readonly material: Record<string, TargetMaterial>;
  readonly signal: AbortSignal | undefined;
  private readonly budget: Budget;
  private nextIndex = 0;
  private readonly started: number;

  constructor(private readonly opts: ContextOptions) {
    ({ runId: this.runId, config: this.config, graph: this.graph, baseline: this.baseline, splits: this.splits, material: this.material, budget: this.budget, signal: this.signal } = opts);
    this.started = opts.now();
  }

  /** Providers with the budget applied (every call counted and capped). */
  get providers(): ProviderRegistry {
    return this.budget.providers;
  }

  /** The run's totals so far (restored ones included). */
  get spend(): Spend {
    return this.budget.spend;
  }

  /** Why no further candidate may be evaluated, or undefined while the limits allow more. */
  stopReason(): string | undefined {
    if (this.signal?.aborted) return "cancelled";
    if (this.nextIndex >= this.config.limits.maxCandidates) return `reached ${this.config.limits.maxCandidates} candidates`;
    if (this.config.limits.maxTimeMs !== undefined && this.opts.now() - this.started >= this.config.limits.maxTimeMs) return "time limit reached";
    return this.budget.exhausted();
  }

  /** Runs params on rows without recording them (minibatches, demo bootstrapping); examples the budget stops are errors. */
  run(params: CandidateParams, rows: readonly IndexedRow[]): Promise<ExampleResult[]> {
    return evaluateParams({
      graph: this.graph, params, rows, providers: this.providers, concurrency: this.config.concurrency, signal: this.signal,
      stop: () => this.budget.exhausted(),
      renderOwner: this.runId,
    });
  }

  /**
   * Evaluates a candidate on the validation split and records it (or replays its stored record).
   * A candidate with unscored examples is recorded `failed` with the reason (never as zeros, never
   * as a regression); once the budget is spent no new candidate starts (SearchStopped).
   */
  async evaluate(params: CandidateParams, meta: CandidateMeta): Promise<CandidateRecord> {
    const index = this.nextIndex++;
    const stored = this.replayed(index, params);
    if (stored) return stored;
    let problem: string | undefined;
    for (const [node, p] of Object.entries(params)) {
      const why = await renderProblem(p, this.runId);
      if (why) {
        problem = `node "${node}": ${why}`;
        break;
      }
    }
    if (problem) return this.record(this.make(index, params, meta, "validation", [], { status: "rejected", reason: problem }));
    const spent = this.budget.exhausted();
    // The baseline always gets its record (the summary reports it); other candidates just do not start.
    if (spent && index > 0) throw new SearchStopped(spent);
    const before = { ...this.spend };
    const perExample = await this.run(params, this.splits.validation);
    // A cancelled evaluation is not a result: nothing is stored, a resume evaluates it again.
    if (this.signal?.aborted) throw new AbortedError("optimization cancelled");
    const rec = this.make(index, params, meta, "validation", perExample);
    this.charge(rec, before);
    if (index > 0 && rec.status === "evaluated") {
      const regressed = this.regression(perExample);
      if (regressed) Object.assign(rec, { status: "rejected", rejectReason: regressed });
    }
    return this.record(rec);
  }

  /** Records a candidate that was not evaluated on validation (e.g. it did not improve its minibatch). */
  async reject(params: CandidateParams, meta: CandidateMeta, reason: string, perExample: ExampleResult[] = []): Promise<CandidateRecord> {
    const index = this.nextIndex++;
    return this.replayed(index, params) ?? this.record(this.make(index, params, meta, "validation", perExample, { status: "rejected", reason }));
  }

  /**
   * Re-scores a recorded candidate on the test split (recorded with split "test"); undefined when
   * the budget is already spent. A re-score with unscored examples is recorded `failed`.
   */
  async scoreOnTest(rec: CandidateRecord): Promise<CandidateRecord | undefined> {
    const stored = this.opts.replay.get(-1 - rec.index);
    if (stored) return stored;
    if (this.budget.exhausted()) return undefined;
    const before = { ...this.spend };
    const perExample = await this.run(rec.params, this.splits.test);
    if (this.signal?.aborted) throw new AbortedError("optimization cancelled");
    const test = this.make(rec.index, rec.params, { generation: rec.generation, parentIds: rec.parentIds, origin: rec.origin }, "test", perExample);
    this.charge(test, before);
    await this.opts.persist(test);
    return test;
  }

  /** Feasible, evaluated candidates (the ones a front may contain). */
  evaluated(): CandidateRecord[] {
    return this.records.filter((r) => r.status === "evaluated");
  }

  /**
   * Takes in the stored validation candidates the search did not get to replay (it stopped
   * early on this attempt, e.g. the restored spend already reached the budget): they were
   * evaluated in this run and count for its front.
   */
  adoptStored(): void {
    const have = new Set(this.records.map((r) => r.index));
    const rest = [...this.opts.replay.entries()].filter(([key, c]) => key >= 0 && c.split === "validation" && !have.has(c.index)).sort(([a], [b]) => a - b);
    for (const [, c] of rest) {
      this.records.push(c);
      this.nextIndex = Math.max(this.nextIndex, c.index + 1);
    }
  }

  private replayed(index: number, params: CandidateParams): CandidateRecord | undefined {
    const stored = this.opts.replay.get(index);
    if (!stored) return undefined;
    if (stored.paramsChecksum !== checksum(params)) {
      // Calls the budget refused during the replay (minibatches, reflection) change what a strategy proposes.
      if (this.budget.refused > 0) throw new SearchStopped(this.budget.exhausted() ?? BUDGET_EXHAUSTED);
      throw new FlowtuneError("CONFLICT", `resume diverged at candidate ${index}: the strategy proposed different parameters than the stored run (was the configuration or dataset changed?)`);
    }
    this.records.push(stored);
    this.progress(stored);
    return stored;
  }

  private regression(perExample: ExampleResult[]): string | undefined {
    const control = perExample.filter((r) => this.splits.control.has(r.row));
    if (control.length === 0) return undefined;
    const kept = control.filter(passedAll).length;
    const rate = kept / control.length;
    return rate + 1e-9 < 1 - this.config.regressionTolerance
      ? `regressed on the control set: passes ${kept} of ${control.length} examples the baseline passes (tolerance ${this.config.regressionTolerance})`
      : undefined;
  }

  // Why examples were not scored: the budget, or provider failures (the first one quoted).
  private failure(perExample: ExampleResult[]): string | undefined {
    const errored = perExample.filter(isErrored);
    if (errored.length === 0) return undefined;
    const scored = `${perExample.length - errored.length} of ${perExample.length} examples scored`;
    if (errored.some((r) => isBudgetStop(r.error))) return `${this.budget.exhaustedHead() ?? BUDGET_EXHAUSTED}: ${scored}`;
    const first = errored[0].error ?? "unknown error";
    return `provider error: ${scored} (${first.length > REASON_MAX ? `${first.slice(0, REASON_MAX)}…` : first})`;
  }

  private make(
    index: number,
    params: CandidateParams,
    meta: CandidateMeta,
    split: CandidateRecord["split"],
    perExample: ExampleResult[],
    forced?: { status: CandidateRecord["status"]; reason: string },
  ): CandidateRecord {
    const metrics = perExample.length ? aggregateExamples(perExample, this.config.objectives) : {};
    let status: CandidateRecord["status"] = forced?.status ?? "evaluated";
    let rejectReason = forced?.reason;
    const failure = forced ? undefined : this.failure(perExample);
    if (failure) [status, rejectReason] = ["failed", failure];
    // Constraints select among validation candidates; a test re-score reports what it measured.
    else if (!forced && split === "validation" && !this.feasible(metrics)) [status, rejectReason] = ["rejected", "violates a constraint"];
    return {
      index,
      generation: meta.generation,
      parentIds: meta.parentIds,
      params,
      paramsChecksum: checksum(params),
      status,
      rejectReason,
      split,
      origin: meta.origin,
      perExample,
      metrics,
      // A failed candidate has no objective values: its partial means are not comparable.
      objectives: this.config.objectives.map((o) => (status === "failed" ? NaN : (metrics[o.metric] ?? NaN))),
      tokens: 0,
      costUsd: 0,
      llmCalls: 0,
    };
  }

  private feasible(metrics: Record<string, number>): boolean {
    return this.config.constraints.every((c) => (c.op === "<=" ? (metrics[c.metric] ?? Infinity) <= c.value : (metrics[c.metric] ?? -Infinity) >= c.value));
  }

  // What the evaluation cost (detail only: the run's totals are the budget's).
  private charge(rec: CandidateRecord, before: Spend): void {
    rec.tokens = this.spend.tokens - before.tokens;
    rec.costUsd = this.spend.costUsd - before.costUsd;
    rec.llmCalls = this.spend.llmCalls - before.llmCalls;
  }

  private async record(rec: CandidateRecord): Promise<CandidateRecord> {
    await this.opts.persist(rec);
    this.records.push(rec);
    this.progress(rec);
    return rec;
  }

  private progress(last: CandidateRecord): void {
    const primary = this.config.objectives[0];
    const sign = primary.direction === "max" ? 1 : -1;
    const best = this.evaluated().reduce<CandidateRecord | undefined>((b, r) => (!b || sign * r.objectives[0] > sign * b.objectives[0] ? r : b), undefined);
    this.opts.onProgress({
      candidates: this.records.length,
      maxCandidates: this.config.limits.maxCandidates,
      best: best && { index: best.index, objectives: best.objectives },
      spend: { ...this.spend },
      last,
    });
  }
}
