/**
 * Optimization runs and their candidates: the store the optimizer loop writes through.
 *
 * Candidates are immutable and written one transaction each, as each evaluation finishes, so a
 * process that dies loses at most the evaluations in flight. A repeated insert of the same
 * (runId, index, split) is a no-op, which is what lets a resumed run replay its strategy and
 * skip the evaluations already stored (resumeState()).
 *
 * Ownership: a store with an owner (the process lease) writes into a run — candidates, spend,
 * progress, its end — only while the run is `running` and its `ownerId` is that lease, checked in
 * the same statement as the write. A process whose lease was swept (another host took it for
 * gone) finds its run interrupted, or reopened by another process, and its writes refused with
 * OwnershipLostError: it stops, and the run stays resumable or with its new owner.
 */
import { randomUUID } from "node:crypto";
import { FlowtuneError, isBudgetStop, type ErrorInfo } from "../../engine/index.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import type Database from "better-sqlite3";
import { sanitizeErrorInfo } from "../safe-errors.js";
import { checksumOf, fromJsonText, sqliteTimestamp, toJsonText } from "./canonical.js";
import { writeDirect } from "./direct-write.js";
import { goneOwners, processAlive, type RunOwner } from "./leases.js";
import { runListArgs } from "./paging.js";
import { withDbRetry } from "./transient.js";

export type OptimizationStatus = "running" | "completed" | "failed" | "cancelled" | "interrupted";
export type CandidateStatus = "evaluated" | "rejected" | "failed";
type Json = Record<string, unknown>;

export interface CreateOptimizationRunInput {
  /** Defaults to a random UUID. */
  id?: string;
  workflowId: string;
  workflowVersion?: number | null;
  targetNodeIds: string[];
  datasetId?: string | null;
  /** Strategy, search space, objectives, constraints, limits, concurrency, seed (shape owned by the optimizer). */
  config: Json;
  baseline?: unknown;
  /** Who started it (a principal's name). */
  createdBy?: string | null;
}

export interface OptimizationRunRecord {
  id: string;
  workflowId: string;
  workflowVersion: number | null;
  targetNodeIds: string[];
  datasetId: string | null;
  config: Json;
  status: OptimizationStatus;
  baseline?: unknown;
  best?: unknown;
  pareto?: unknown;
  /** Totals of every model call the run made, across resumes (not the sum of its candidates). */
  tokensSpent: number;
  costSpent: number;
  llmCalls: number;
  startedAt: Date;
  finishedAt: Date | null;
  error?: ErrorInfo;
  createdBy: string | null;
  /** Why the search stopped (set on completion); a budget stop starts with "budget exhausted". */
  stopReason: string | null;
  /** True when the budget ended the run (the stop reason says so). */
  budgetExhausted: boolean;
  /** Closing notes of a finalized run (`finalize`); absent until then. */
  notes?: string;
}

export interface CandidateInput {
  /** Stable ordinal within the run; the same candidate keeps it on every split. */
  index: number;
  generation?: number;
  /** Indexes of the candidates this one was derived from. */
  parentIds?: number[];
  /** AI node id → the full parameter bundle evaluated. */
  params: Record<string, Json>;
  status: CandidateStatus;
  rejectReason?: string | null;
  /** validation (default) | test | control | … */
  split?: string;
  perExample?: unknown[];
  metrics?: Json;
  objectives?: Record<string, number>;
  tokens?: number;
  costUsd?: number;
  /** LLM calls this evaluation made (detail: the run's totals are written with recordSpend). */
  llmCalls?: number;
  latencyMs?: number | null;
}

export interface CandidateRecord {
  id: number;
  runId: string;
  index: number;
  generation: number;
  parentIds: number[];
  params: Record<string, Json>;
  paramsChecksum: string;
  status: CandidateStatus;
  rejectReason: string | null;
  split: string;
  perExample?: unknown[];
  metrics?: Json;
  objectives?: Record<string, number>;
  tokens: number;
  costUsd: number;
  llmCalls: number;
  latencyMs: number | null;
  createdAt: Date;
}

export interface FinishRunInput {
  status: Exclude<OptimizationStatus, "running" | "interrupted">;
  baseline?: unknown;
  best?: unknown;
  pareto?: unknown;
  error?: ErrorInfo;
  /** Why the search stopped (completed runs). */
  stopReason?: string;
  /** The final totals (as recordSpend writes them). */
  tokensSpent?: number;
  costSpent?: number;
  llmCalls?: number;
}

export interface ListCandidatesOptions {
  split?: string;
  /** Page size, 1–1000 (default 100). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: number;
}

export interface OptimizationStore {
  /** Records a new run with status `running`. */
  createRun(input: CreateOptimizationRunInput): Promise<OptimizationRunRecord>;
  getRun(runId: string): Promise<OptimizationRunRecord | undefined>;
  /** Newest first. */
  listRuns(options?: { workflowId?: string; workflowIds?: string[]; status?: OptimizationStatus; limit?: number; cursor?: string }): Promise<{ runs: OptimizationRunRecord[]; nextCursor?: string }>;
  /** How many runs `createdBy` has running now (the per-user concurrency cap). */
  countRunning(createdBy: string): Promise<number>;
  /** Progress summaries (baseline, best, pareto) while the run is going. */
  updateRun(runId: string, patch: { baseline?: unknown; best?: unknown; pareto?: unknown }): Promise<void>;
  /**
   * Inserts one candidate (its tokens, cost and calls are detail: the run's totals are written by
   * recordSpend). A second insert of the same (runId, index, split) changes nothing and returns the
   * stored one with `inserted: false`; CONFLICT if its params differ (a replay that diverged).
   */
  appendCandidate(runId: string, candidate: CandidateInput): Promise<{ candidate: CandidateRecord; inserted: boolean }>;
  /**
   * Sets the run's spend totals (every model call: candidates, minibatches, reflection, test
   * re-scoring). Absolute values; a write carrying fewer calls than stored is ignored, so a late
   * or stale writer never lowers them.
   */
  recordSpend(runId: string, spend: { tokens: number; costUsd: number; llmCalls: number }): Promise<void>;
  /** Candidates in index order (then split), paginated. */
  listCandidates(runId: string, options?: ListCandidatesOptions): Promise<{ candidates: CandidateRecord[]; nextCursor?: number }>;
  /** Ends a running (or interrupted) run; CONFLICT when it already ended. */
  finishRun(runId: string, input: FinishRunInput): Promise<OptimizationRunRecord>;
  /**
   * Runs left `running` by a process that is gone become `interrupted`; returns their ids. Gone
   * means (server/store/leases.ts) its pid died or was reused on this host, or its lease expired
   * or was removed on another; runs of live processes (on any host) are left alone, so no process starting up
   * interrupts another's optimization. Legacy runs without an owner id fall back to the pid check.
   */
  markInterrupted(): Promise<string[]>;
  /** Marks this process's own running runs interrupted (a clean shutdown; resumable); returns their ids. */
  interruptOwned(): Promise<string[]>;
  /**
   * Sets an interrupted or cancelled run, or one that failed for a transient cause (error code
   * TRANSIENT or INTERRUPTED), back to `running` before resuming it; CONFLICT otherwise.
   */
  reopenRun(runId: string): Promise<OptimizationRunRecord>;
  /** What a resume needs: the run (config, …) and every stored candidate, in index order. */
  resumeState(runId: string): Promise<{ run: OptimizationRunRecord; candidates: CandidateRecord[] }>;
  /** Finalizes a run that is not running with closing notes (replacing earlier ones); CONFLICT while it runs, NOT_FOUND for an unknown run. */
  finalizeRun(runId: string, notes: string): Promise<OptimizationRunRecord>;
}

type RunRow = {
  id: string;
  workflowId: string;
  workflowVersion: number | null;
  targetNodeIds: string;
  datasetId: string | null;
  config: string;
  status: string;
  baseline: string | null;
  best: string | null;
  pareto: string | null;
  tokensSpent: number;
  costSpent: number;
  llmCalls: number;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  ownerPid: number | null;
  ownerId: string | null;
  createdBy: string | null;
  stopReason: string | null;
  notes: string | null;
};

type CandidateRow = {
  id: number;
  runId: string;
  index: number;
  generation: number;
  parentIds: string;
  params: string;
  paramsChecksum: string;
  status: string;
  rejectReason: string | null;
  split: string;
  perExample: string | null;
  metrics: string | null;
  objectives: string | null;
  tokens: number;
  costUsd: number;
  llmCalls: number;
  latencyMs: number | null;
  createdAt: Date;
};

function toRun(row: RunRow): OptimizationRunRecord {
  const record: OptimizationRunRecord = {
    id: row.id,
    workflowId: row.workflowId,
    workflowVersion: row.workflowVersion,
    targetNodeIds: JSON.parse(row.targetNodeIds) as string[],
    datasetId: row.datasetId,
    config: JSON.parse(row.config) as Json,
    status: row.status as OptimizationStatus,
    tokensSpent: row.tokensSpent,
    costSpent: row.costSpent,
    llmCalls: row.llmCalls,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    createdBy: row.createdBy,
    stopReason: row.stopReason,
    budgetExhausted: isBudgetStop(row.stopReason),
  };
  // Absent summaries stay absent (not null), like RunDetail.outputs.
  for (const key of ["baseline", "best", "pareto"] as const) {
    const value = fromJsonText(row[key]);
    if (value !== undefined) record[key] = value;
  }
  const error = fromJsonText<ErrorInfo>(row.error);
  // Rows stored before errors were sanitized may still carry paths or source excerpts.
  if (error !== undefined) record.error = sanitizeErrorInfo(error);
  if (row.notes !== null) record.notes = row.notes;
  return record;
}

function toCandidate(row: CandidateRow): CandidateRecord {
  const record: CandidateRecord = {
    id: row.id,
    runId: row.runId,
    index: row.index,
    generation: row.generation,
    parentIds: JSON.parse(row.parentIds) as number[],
    params: JSON.parse(row.params) as Record<string, Json>,
    paramsChecksum: row.paramsChecksum,
    status: row.status as CandidateStatus,
    rejectReason: row.rejectReason,
    split: row.split,
    tokens: row.tokens,
    costUsd: row.costUsd,
    llmCalls: row.llmCalls,
    latencyMs: row.latencyMs,
    createdAt: row.createdAt,
  };
  const perExample = fromJsonText<unknown[]>(row.perExample);
  if (perExample !== undefined) record.perExample = perExample;
  const metrics = fromJsonText<Json>(row.metrics);
  if (metrics !== undefined) record.metrics = metrics;
  const objectives = fromJsonText<Record<string, number>>(row.objectives);
  if (objectives !== undefined) record.objectives = objectives;
  return record;
}

const CANDIDATE_STATUSES: readonly string[] = ["evaluated", "rejected", "failed"];

/** Error codes of failed runs that may be resumed: the cause was not the run's own. */
export const RESUMABLE_FAILURE_CODES: readonly string[] = ["TRANSIENT", "INTERRUPTED"];

/** A foreign-key failure (the run does not exist), from better-sqlite3 or from Prisma. */
function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "P2003" || code === "SQLITE_CONSTRAINT_FOREIGNKEY" || /FOREIGN KEY constraint failed|Foreign key constraint/i.test(String((error as Error | null)?.message));
}

// One statement, no read-then-write: a replayed candidate is a no-op, and nothing waits inside a transaction.
const CANDIDATE_INSERT_HEAD =
  `INSERT INTO "Candidate" ("runId","index","generation","parentIds","params","paramsChecksum","status","rejectReason","split","perExample","metrics","objectives","tokens","costUsd","llmCalls","latencyMs","createdAt") `;
const CANDIDATE_VALUES = "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?";
const ON_REPLAY = ` ON CONFLICT ("runId","index","split") DO NOTHING`;
const INSERT_CANDIDATE = `${CANDIDATE_INSERT_HEAD}VALUES (${CANDIDATE_VALUES})${ON_REPLAY}`;
const insertStatements = new WeakMap<Database.Database, Database.Statement>();

// The same insert, only into a run that is running and owned by the given lease (one statement: no check-then-write race).
const INSERT_OWNED_CANDIDATE =
  `${CANDIDATE_INSERT_HEAD}SELECT ${CANDIDATE_VALUES} WHERE EXISTS (SELECT 1 FROM "OptimizationRun" WHERE "id"=? AND "status"='running' AND "ownerId"=?)${ON_REPLAY}`;
const ownedInsertStatements = new WeakMap<Database.Database, Database.Statement>();

const INTERRUPTED_ERROR = JSON.stringify({ code: "INTERRUPTED", message: "the process stopped while this optimization run was in progress" });

/**
 * A write into an optimization run this process no longer owns: its lease was taken for gone and
 * the run was interrupted, or resumed by another process. The writer must stop (CONFLICT).
 */
export class OwnershipLostError extends FlowtuneError {
  constructor(runId: string, now: { status: string; ownerId: string | null }) {
    const why = now.status === "running" ? "another process has resumed it" : `it is ${now.status} (this process was taken for gone)`;
    super("CONFLICT", `optimization run ${runId} is no longer owned by this process: ${why}; this process stops writing to it`);
    this.name = "OwnershipLostError";
  }
}

export interface OptimizationStoreOptions {
  /**
   * The process lease runs created or reopened here record as their owner
   * (server/store/leases.ts), and which every write into a run must still match; without one
   * they record only the pid and writes are unchecked (legacy behaviour).
   */
  owner?: RunOwner;
  /** Called (synchronously, once per run until this process reopens it) when a write finds the run owned by no longer this process. */
  onOwnershipLost?: (runId: string) => void;
}

/** Creates the optimization run/candidate store on a Prisma client from openDatabase(). */
export function createOptimizationStore(prisma: PrismaClient, options: OptimizationStoreOptions = {}): OptimizationStore {
  const owner = options.owner;
  // Runs this process created or reopened and has not finished: markInterrupted() spares them.
  const live = new Set<string>();
  // Runs whose ownership loss was reported (once each, until this process reopens them).
  const lost = new Set<string>();

  /** The condition a write into a run must meet: running and ours (no condition without an owner). */
  function owned(): Prisma.OptimizationRunWhereInput {
    // No lease yet: this process has created or reopened nothing, so it owns nothing ("" matches no row).
    return owner ? { status: "running", ownerId: owner.id ?? "" } : {};
  }

  /**
   * After a conditional write changed nothing: NOT_FOUND for an unknown run, OwnershipLostError
   * when the run is not (or no longer) ours; otherwise returns the row (the write was a no-op).
   */
  async function explainUnchanged(runId: string): Promise<RunRow> {
    const row = await mustGetRun(runId);
    if (owner && (row.status !== "running" || row.ownerId !== owner.id)) {
      live.delete(runId);
      if (!lost.has(runId)) {
        lost.add(runId);
        options.onOwnershipLost?.(runId);
      }
      throw new OwnershipLostError(runId, row);
    }
    return row;
  }

  async function mustGetRun(runId: string): Promise<RunRow> {
    const row = await prisma.optimizationRun.findUnique({ where: { id: runId } });
    if (!row) throw new FlowtuneError("NOT_FOUND", `optimization run ${runId} not found`);
    return row;
  }

  function checkCandidate(c: CandidateInput): void {
    if (!Number.isInteger(c.index) || c.index < 0) throw new FlowtuneError("INPUT_INVALID", `candidate index must be a non-negative integer (got ${c.index})`);
    if (!CANDIDATE_STATUSES.includes(c.status)) throw new FlowtuneError("INPUT_INVALID", `candidate status must be one of ${CANDIDATE_STATUSES.join(", ")}`);
  }

  async function insertCandidate(runId: string, c: CandidateInput, paramsChecksum: string): Promise<{ row: CandidateRow; inserted: boolean }> {
    const split = c.split ?? "validation";
    const sql = owner ? INSERT_OWNED_CANDIDATE : INSERT_CANDIDATE;
    const statements = owner ? ownedInsertStatements : insertStatements;
    const values = [
      runId, c.index, c.generation ?? 0, JSON.stringify(c.parentIds ?? []), JSON.stringify(c.params), paramsChecksum, c.status,
      c.rejectReason ?? null, split, toJsonText(c.perExample), toJsonText(c.metrics), toJsonText(c.objectives),
      c.tokens ?? 0, c.costUsd ?? 0, c.llmCalls ?? 0, c.latencyMs ?? null, sqliteTimestamp(Date.now()),
      ...(owner ? [runId, owner.id ?? ""] : []),
    ];
    let changes: number;
    try {
      changes = await withDbRetry(async () => {
        const direct = await writeDirect(prisma, (db) => {
          let statement = statements.get(db);
          if (!statement) statements.set(db, (statement = db.prepare(sql)));
          return statement.run(values).changes;
        });
        return direct ? direct.value : prisma.$executeRawUnsafe(sql, ...values);
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new FlowtuneError("NOT_FOUND", `optimization run ${runId} not found`, {}, { cause: error });
      throw error;
    }
    // Nothing inserted: a replay of a stored candidate, or a run that is not (or no longer) ours.
    if (changes === 0 && owner) await explainUnchanged(runId);
    // Candidates are immutable: reading after the commit sees exactly what is stored.
    const row = await prisma.candidate.findUnique({ where: { runId_index_split: { runId, index: c.index, split } } });
    if (!row) throw new FlowtuneError("NOT_FOUND", `optimization run ${runId} not found`);
    return { row, inserted: changes === 1 };
  }

  /** Sets the running runs `ids` (still matching `owned`) to interrupted; returns the ids it changed. */
  async function interrupt(ids: string[], owned: Prisma.OptimizationRunWhereInput): Promise<string[]> {
    if (ids.length === 0) return [];
    const where: Prisma.OptimizationRunWhereInput = { id: { in: ids }, status: "running", ...owned };
    const marked = (await prisma.optimizationRun.findMany({ where, select: { id: true } })).map((r) => r.id);
    if (marked.length === 0) return [];
    await withDbRetry(() => prisma.optimizationRun.updateMany({ where: { ...where, id: { in: marked } }, data: { status: "interrupted", error: INTERRUPTED_ERROR, finishedAt: new Date() } }));
    for (const id of marked) live.delete(id);
    return marked;
  }

  return {
    async createRun(input) {
      const ownerId = owner ? await owner.acquire() : null;
      const row = await withDbRetry(() => prisma.optimizationRun.create({
        data: {
          id: input.id ?? randomUUID(),
          workflowId: input.workflowId,
          workflowVersion: input.workflowVersion ?? null,
          targetNodeIds: JSON.stringify(input.targetNodeIds),
          datasetId: input.datasetId ?? null,
          config: JSON.stringify(input.config),
          baseline: toJsonText(input.baseline),
          status: "running",
          startedAt: new Date(),
          ownerPid: process.pid,
          ownerId,
          createdBy: input.createdBy ?? null,
        },
      }));
      live.add(row.id);
      return toRun(row);
    },

    countRunning(createdBy) {
      return prisma.optimizationRun.count({ where: { createdBy, status: "running" } });
    },

    async getRun(runId) {
      const row = await prisma.optimizationRun.findUnique({ where: { id: runId } });
      return row ? toRun(row) : undefined;
    },

    async listRuns(options = {}) {
      const { limit, args } = runListArgs(options);
      const rows = await prisma.optimizationRun.findMany({
        ...args,
      });
      const runs = rows.slice(0, limit).map(toRun);
      return rows.length > limit ? { runs, nextCursor: runs[runs.length - 1].id } : { runs };
    },

    async updateRun(runId, patch) {
      const data: { baseline?: string | null; best?: string | null; pareto?: string | null } = {};
      if ("baseline" in patch) data.baseline = toJsonText(patch.baseline);
      if ("best" in patch) data.best = toJsonText(patch.best);
      if ("pareto" in patch) data.pareto = toJsonText(patch.pareto);
      const { count } = await withDbRetry(() => prisma.optimizationRun.updateMany({ where: { id: runId, ...owned() }, data }));
      if (count === 0) await explainUnchanged(runId);
    },

    async appendCandidate(runId, candidate) {
      checkCandidate(candidate);
      const paramsChecksum = checksumOf(candidate.params);
      const result = await insertCandidate(runId, candidate, paramsChecksum);
      if (!result.inserted && result.row.paramsChecksum !== paramsChecksum) {
        throw new FlowtuneError(
          "CONFLICT",
          `candidate ${candidate.index} (${result.row.split}) of run ${runId} is already stored with different parameters`,
        );
      }
      return { candidate: toCandidate(result.row), inserted: result.inserted };
    },

    async recordSpend(runId, spend) {
      const { count } = await withDbRetry(() =>
        prisma.optimizationRun.updateMany({
          where: { id: runId, llmCalls: { lte: spend.llmCalls }, ...owned() },
          data: { tokensSpent: spend.tokens, costSpent: spend.costUsd, llmCalls: spend.llmCalls },
        }),
      );
      // Unchanged and still ours: a stale lower total, ignored.
      if (count === 0) await explainUnchanged(runId);
    },

    async listCandidates(runId, options = {}) {
      const limit = Math.min(1000, Math.max(1, Math.trunc(options.limit ?? 100)));
      const rows = await prisma.candidate.findMany({
        where: { runId, ...(options.split !== undefined ? { split: options.split } : {}) },
        orderBy: [{ index: "asc" }, { id: "asc" }],
        ...(options.cursor !== undefined ? { cursor: { id: options.cursor }, skip: 1 } : {}),
        take: limit + 1,
      });
      const candidates = rows.slice(0, limit).map(toCandidate);
      return rows.length > limit ? { candidates, nextCursor: candidates[candidates.length - 1].id } : { candidates };
    },

    async finishRun(runId, input) {
      if (!["completed", "failed", "cancelled"].includes(input.status)) {
        throw new FlowtuneError("INPUT_INVALID", `a run finishes as completed, failed or cancelled (got ${input.status})`);
      }
      const data: Record<string, unknown> = { status: input.status, finishedAt: new Date() };
      if ("baseline" in input) data.baseline = toJsonText(input.baseline);
      if ("best" in input) data.best = toJsonText(input.best);
      if ("pareto" in input) data.pareto = toJsonText(input.pareto);
      // Clients read it: no server paths or source excerpts (e.g. a database error's).
      if (input.error !== undefined) data.error = JSON.stringify(sanitizeErrorInfo(input.error));
      if (input.stopReason !== undefined) data.stopReason = input.stopReason;
      if (input.tokensSpent !== undefined) data.tokensSpent = input.tokensSpent;
      if (input.costSpent !== undefined) data.costSpent = input.costSpent;
      if (input.llmCalls !== undefined) data.llmCalls = input.llmCalls;
      // Conditional update: a run finishes once, even with two writers racing. With an owner, only
      // its own running run — or its completion over a sweep's interrupted mark nobody resumed yet
      // (every candidate it stands on was written while it was ours).
      const where: Prisma.OptimizationRunWhereInput = owner
        ? { id: runId, ownerId: owner.id ?? "", status: { in: input.status === "completed" ? ["running", "interrupted"] : ["running"] } }
        : { id: runId, status: { in: ["running", "interrupted"] } };
      const { count } = await withDbRetry(() => prisma.optimizationRun.updateMany({ where, data }));
      if (count === 0) {
        const row = await mustGetRun(runId);
        if (["completed", "failed", "cancelled"].includes(row.status)) throw new FlowtuneError("CONFLICT", `optimization run ${runId} already ended (${row.status})`);
        await explainUnchanged(runId);
        throw new FlowtuneError("CONFLICT", `optimization run ${runId} changed while it was being finished; try again`);
      }
      live.delete(runId);
      return toRun(await mustGetRun(runId));
    },

    async markInterrupted() {
      const stuck = await prisma.optimizationRun.findMany({ where: { status: "running" }, select: { id: true, ownerId: true, ownerPid: true } });
      const candidates = stuck.filter((r) => !live.has(r.id));
      const gone = await goneOwners(
        prisma,
        candidates.flatMap((r) => (r.ownerId === null ? [] : [r.ownerId])),
        owner?.judgement() ?? {},
      );
      // Legacy rows (no owner id, from before leases): abandoned unless their pid is another live process here.
      const legacyAbandoned = (pid: number | null) => !(pid !== null && pid !== process.pid && processAlive(pid));
      const ids = candidates.filter((r) => (r.ownerId === null ? legacyAbandoned(r.ownerPid) : gone.has(r.ownerId))).map((r) => r.id);
      // Only if still running and still owned by a gone owner when we write (a live process may have reopened it).
      return interrupt(ids, { OR: [{ ownerId: null }, { ownerId: { in: [...gone] } }] });
    },

    async interruptOwned() {
      const ownerId = owner?.id;
      const where: Prisma.OptimizationRunWhereInput = { status: "running", OR: [...(ownerId ? [{ ownerId }] : []), { id: { in: [...live] } }] };
      const ids = (await prisma.optimizationRun.findMany({ where, select: { id: true } })).map((r) => r.id);
      return interrupt(ids, ownerId ? { OR: [{ ownerId }, { ownerId: null }] } : {});
    },

    async reopenRun(runId) {
      const ownerId = owner ? await owner.acquire() : null;
      const row = await mustGetRun(runId);
      const cause = fromJsonText<ErrorInfo>(row.error);
      const resumableFailure = row.status === "failed" && cause !== undefined && RESUMABLE_FAILURE_CODES.includes(cause.code);
      const { count } = await withDbRetry(() => prisma.optimizationRun.updateMany({
        // A cancelled run (Ctrl-C) resumes like an interrupted one (killed process); a transient failure too.
        where: resumableFailure ? { id: runId, status: "failed", error: row.error } : { id: runId, status: { in: ["interrupted", "cancelled"] } },
        data: { status: "running", finishedAt: null, error: null, stopReason: null, ownerPid: process.pid, ownerId },
      }));
      if (count === 0) {
        const now = await mustGetRun(runId);
        const why = now.status === "failed" ? fromJsonText<ErrorInfo>(now.error) : undefined;
        throw new FlowtuneError(
          "CONFLICT",
          why
            ? `optimization run ${runId} failed (${why.code}: ${why.message}); only interrupted, cancelled or transiently failed runs can be resumed — start a new optimization`
            : `optimization run ${runId} is ${now.status}, not interrupted, cancelled or transiently failed`,
        );
      }
      live.add(runId);
      lost.delete(runId);
      return toRun(await mustGetRun(runId));
    },

    async resumeState(runId) {
      const row = await prisma.optimizationRun.findUnique({
        where: { id: runId },
        include: { candidates: { orderBy: [{ index: "asc" }, { id: "asc" }] } },
      });
      if (!row) throw new FlowtuneError("NOT_FOUND", `optimization run ${runId} not found`);
      const { candidates, ...run } = row;
      return { run: toRun(run), candidates: candidates.map(toCandidate) };
    },

    async finalizeRun(runId, notes) {
      // Conditional: a run that is (or was just set) running keeps going without notes.
      const { count } = await withDbRetry(() => prisma.optimizationRun.updateMany({ where: { id: runId, status: { not: "running" } }, data: { notes } }));
      const row = await mustGetRun(runId);
      if (count === 0) {
        throw new FlowtuneError("CONFLICT", `optimization run ${runId} is still running: wait until it finishes (or cancel it), then finalize it`, { field: "runId" });
      }
      return toRun(row);
    },
  };
}
