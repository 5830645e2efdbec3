import { AbortedError, FlowtuneError } from "../errors.js";
import { checksum } from "../graph/checksum.js";
import type { ProviderRegistry } from "../providers/types.js";
import type { Graph } from "../schema/graph.js";
import { renderProblem } from "./apply.js";
import type { CandidateParams, CandidateRecord, ExampleResult } from "./candidate.js";
import type { OptimizeConfig } from "./config.js";
import { aggregateExamples, evaluateParams, type IndexedRow } from "./evaluate.js";
import type { TargetMaterial } from "./param-space.js";
import type { Spend } from "./budget.js";

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

/**
 * What a strategy works through: evaluating and recording candidates (persisted as each finishes,
 * replayed from the store on resume), limits, splits, and the spend so far.
 */
export class OptimizationContext {
  readonly records: CandidateRecord[] = [];
  private nextIndex = 0;
  private readonly started: number;

  constructor(
    readonly runId: string,
    readonly config: OptimizeConfig,
    readonly graph: Graph,
    readonly baseline: CandidateParams,
    readonly splits: Splits,
    readonly material: Record<string, TargetMaterial>,
    readonly providers: ProviderRegistry,
    readonly spend: Spend,
    private readonly exhausted: () => string | undefined,
    private readonly persist: (c: CandidateRecord) => Promise<void>,
    /** Candidates stored by an earlier attempt of this run, by index. */
    private readonly replay: Map<number, CandidateRecord>,
    private readonly onProgress: (p: ProgressInfo) => void,
    readonly signal: AbortSignal | undefined,
    private readonly now: () => number,
  ) {
    this.started = now();
  }

  /** Why no further candidate may be evaluated, or undefined while the limits allow more. */
  stopReason(): string | undefined {
    if (this.signal?.aborted) return "cancelled";
    if (this.nextIndex >= this.config.limits.maxCandidates) return `reached ${this.config.limits.maxCandidates} candidates`;
    if (this.config.limits.maxTimeMs !== undefined && this.now() - this.started >= this.config.limits.maxTimeMs) return "time limit reached";
    return this.exhausted();
  }

  /** Runs params on rows without recording them (minibatches, demo bootstrapping). */
  run(params: CandidateParams, rows: readonly IndexedRow[]): Promise<ExampleResult[]> {
    return evaluateParams({ graph: this.graph, params, rows, providers: this.providers, concurrency: this.config.concurrency, signal: this.signal });
  }

  /** Evaluates a candidate on the validation split and records it (or replays its stored record). */
  async evaluate(params: CandidateParams, meta: CandidateMeta): Promise<CandidateRecord> {
    const index = this.nextIndex++;
    const stored = this.replayed(index, params);
    if (stored) return stored;
    const problem = Object.entries(params)
      .map(([node, p]) => {
        const why = renderProblem(p);
        return why ? `node "${node}": ${why}` : undefined;
      })
      .find(Boolean);
    if (problem) return this.record(this.make(index, params, meta, "rejected", [], problem));
    const before = { ...this.spend };
    const perExample = await this.run(params, this.splits.validation);
    // A cancelled evaluation is not a result: nothing is stored, a resume evaluates it again.
    if (this.signal?.aborted) throw new AbortedError("optimization cancelled");
    const rec = this.make(index, params, meta, "evaluated", perExample);
    rec.tokens = this.spend.tokens - before.tokens;
    rec.costUsd = this.spend.costUsd - before.costUsd;
    rec.llmCalls = this.spend.llmCalls - before.llmCalls;
    if (perExample.length < this.splits.validation.length) {
      rec.status = "failed";
      rec.rejectReason = this.exhausted() ?? "stopped before every example was evaluated";
    } else if (index > 0 && rec.status === "evaluated") {
      const regressed = this.regression(perExample);
      if (regressed) Object.assign(rec, { status: "rejected", rejectReason: regressed });
    }
    return this.record(rec);
  }

  /** Records a candidate that was not evaluated on validation (e.g. it did not improve its minibatch). */
  async reject(params: CandidateParams, meta: CandidateMeta, reason: string, perExample: ExampleResult[] = []): Promise<CandidateRecord> {
    const index = this.nextIndex++;
    return this.replayed(index, params) ?? this.record(this.make(index, params, meta, "rejected", perExample, reason));
  }

  /** Re-scores a recorded candidate on the test split (recorded with split "test"). */
  async scoreOnTest(rec: CandidateRecord): Promise<CandidateRecord> {
    const stored = this.replay.get(-1 - rec.index);
    if (stored) return stored;
    const perExample = await this.run(rec.params, this.splits.test);
    if (this.signal?.aborted) throw new AbortedError("optimization cancelled");
    const test: CandidateRecord = { ...this.make(rec.index, rec.params, { generation: rec.generation, parentIds: rec.parentIds, origin: rec.origin }, "evaluated", perExample), split: "test" };
    await this.persist(test);
    return test;
  }

  /** Feasible, evaluated candidates (the ones a front may contain). */
  evaluated(): CandidateRecord[] {
    return this.records.filter((r) => r.status === "evaluated");
  }

  private replayed(index: number, params: CandidateParams): CandidateRecord | undefined {
    const stored = this.replay.get(index);
    if (!stored) return undefined;
    if (stored.paramsChecksum !== checksum(params)) {
      throw new FlowtuneError("CONFLICT", `resume diverged at candidate ${index}: the strategy proposed different parameters than the stored run (was the configuration or dataset changed?)`);
    }
    this.records.push(stored);
    this.progress(stored);
    return stored;
  }

  private regression(perExample: ExampleResult[]): string | undefined {
    const control = perExample.filter((r) => this.splits.control.has(r.row));
    if (control.length === 0) return undefined;
    const kept = control.filter((r) => Object.values(r.passed).every(Boolean)).length;
    const rate = kept / control.length;
    return rate + 1e-9 < 1 - this.config.regressionTolerance
      ? `regressed on the control set: passes ${kept} of ${control.length} examples the baseline passes (tolerance ${this.config.regressionTolerance})`
      : undefined;
  }

  private make(index: number, params: CandidateParams, meta: CandidateMeta, status: CandidateRecord["status"], perExample: ExampleResult[], reason?: string): CandidateRecord {
    const metrics = perExample.length ? aggregateExamples(perExample, this.config.objectives) : {};
    const feasible = this.config.constraints.every((c) => (c.op === "<=" ? (metrics[c.metric] ?? Infinity) <= c.value : (metrics[c.metric] ?? -Infinity) >= c.value));
    return {
      index,
      generation: meta.generation,
      parentIds: meta.parentIds,
      params,
      paramsChecksum: checksum(params),
      status: status === "evaluated" && perExample.length && !feasible ? "rejected" : status,
      rejectReason: reason ?? (status === "evaluated" && perExample.length && !feasible ? "violates a constraint" : undefined),
      split: "validation",
      origin: meta.origin,
      perExample,
      metrics,
      objectives: this.config.objectives.map((o) => metrics[o.metric] ?? NaN),
      tokens: 0,
      costUsd: 0,
      llmCalls: 0,
    };
  }

  private async record(rec: CandidateRecord): Promise<CandidateRecord> {
    await this.persist(rec);
    this.records.push(rec);
    this.progress(rec);
    return rec;
  }

  private progress(last: CandidateRecord): void {
    const primary = this.config.objectives[0];
    const sign = primary.direction === "max" ? 1 : -1;
    const best = this.evaluated().reduce<CandidateRecord | undefined>((b, r) => (!b || sign * r.objectives[0] > sign * b.objectives[0] ? r : b), undefined);
    this.onProgress({
      candidates: this.records.length,
      maxCandidates: this.config.limits.maxCandidates,
      best: best && { index: best.index, objectives: best.objectives },
      spend: { ...this.spend },
      last,
    });
  }
}
