/**
 * Optimization runs and their candidates: the store the optimizer loop writes through.
 *
 * Candidates are immutable and written one transaction each, as each evaluation finishes, so a
 * process that dies loses at most the evaluations in flight. A repeated insert of the same
 * (runId, index, split) is a no-op, which is what lets a resumed run replay its strategy and
 * skip the evaluations already stored (resumeState()).
 */
import { randomUUID } from "node:crypto";
import { FlowtuneError, type ErrorInfo } from "../../engine/index.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { checksumOf, fromJsonText, toJsonText } from "./canonical.js";
import { runListArgs } from "./paging.js";

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
  tokensSpent: number;
  costSpent: number;
  llmCalls: number;
  startedAt: Date;
  finishedAt: Date | null;
  error?: ErrorInfo;
  createdBy: string | null;
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
  /** LLM calls this evaluation made (added to the run's llmCalls). */
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
  /** Override the totals summed from the candidates (e.g. to count calls outside them). */
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
   * Inserts one candidate and adds its tokens, cost and calls to the run's totals, in one
   * transaction. A second insert of the same (runId, index, split) changes nothing and returns the
   * stored one with `inserted: false`; CONFLICT if its params differ (a replay that diverged).
   */
  appendCandidate(runId: string, candidate: CandidateInput): Promise<{ candidate: CandidateRecord; inserted: boolean }>;
  /** Candidates in index order (then split), paginated. */
  listCandidates(runId: string, options?: ListCandidatesOptions): Promise<{ candidates: CandidateRecord[]; nextCursor?: number }>;
  /** Ends a running (or interrupted) run; CONFLICT when it already ended. */
  finishRun(runId: string, input: FinishRunInput): Promise<OptimizationRunRecord>;
  /**
   * Runs left `running` by a process that died become `interrupted`; returns their ids. Runs
   * this process owns, and runs whose owning process (same machine: one SQLite file) is still
   * alive, are left alone, so a CLI command does not interrupt the server's optimization.
   */
  markInterrupted(): Promise<string[]>;
  /** Sets an interrupted run back to `running` before resuming it; CONFLICT otherwise. */
  reopenRun(runId: string): Promise<OptimizationRunRecord>;
  /** What a resume needs: the run (config, …) and every stored candidate, in index order. */
  resumeState(runId: string): Promise<{ run: OptimizationRunRecord; candidates: CandidateRecord[] }>;
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
  createdBy: string | null;
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
  };
  // Absent summaries stay absent (not null), like RunDetail.outputs.
  for (const key of ["baseline", "best", "pareto"] as const) {
    const value = fromJsonText(row[key]);
    if (value !== undefined) record[key] = value;
  }
  const error = fromJsonText<ErrorInfo>(row.error);
  if (error !== undefined) record.error = error;
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

/** True when a process with this id exists (signal 0 only checks). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const CANDIDATE_STATUSES: readonly string[] = ["evaluated", "rejected", "failed"];

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** Creates the optimization run/candidate store on a Prisma client from openDatabase(). */
export function createOptimizationStore(prisma: PrismaClient): OptimizationStore {
  // Runs this process created or reopened and has not finished: markInterrupted() spares them.
  const live = new Set<string>();

  async function mustGetRun(runId: string): Promise<RunRow> {
    const row = await prisma.optimizationRun.findUnique({ where: { id: runId } });
    if (!row) throw new FlowtuneError("NOT_FOUND", `optimization run ${runId} not found`);
    return row;
  }

  function checkCandidate(c: CandidateInput): void {
    if (!Number.isInteger(c.index) || c.index < 0) throw new FlowtuneError("INPUT_INVALID", `candidate index must be a non-negative integer (got ${c.index})`);
    if (!CANDIDATE_STATUSES.includes(c.status)) throw new FlowtuneError("INPUT_INVALID", `candidate status must be one of ${CANDIDATE_STATUSES.join(", ")}`);
  }

  async function insertCandidate(runId: string, c: CandidateInput, paramsChecksum: string) {
    const split = c.split ?? "validation";
    return prisma.$transaction(async (tx) => {
      const existing = await tx.candidate.findUnique({ where: { runId_index_split: { runId, index: c.index, split } } });
      if (existing) return { row: existing, inserted: false };
      const row = await tx.candidate.create({
        data: {
          runId,
          index: c.index,
          generation: c.generation ?? 0,
          parentIds: JSON.stringify(c.parentIds ?? []),
          params: JSON.stringify(c.params),
          paramsChecksum,
          status: c.status,
          rejectReason: c.rejectReason ?? null,
          split,
          perExample: toJsonText(c.perExample),
          metrics: toJsonText(c.metrics),
          objectives: toJsonText(c.objectives),
          tokens: c.tokens ?? 0,
          costUsd: c.costUsd ?? 0,
          llmCalls: c.llmCalls ?? 0,
          latencyMs: c.latencyMs ?? null,
        },
      });
      await tx.optimizationRun.update({
        where: { id: runId },
        data: { tokensSpent: { increment: row.tokens }, costSpent: { increment: row.costUsd }, llmCalls: { increment: row.llmCalls } },
      });
      return { row, inserted: true };
    });
  }

  return {
    async createRun(input) {
      const row = await prisma.optimizationRun.create({
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
          createdBy: input.createdBy ?? null,
        },
      });
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
      const { count } = await prisma.optimizationRun.updateMany({ where: { id: runId }, data });
      if (count === 0) throw new FlowtuneError("NOT_FOUND", `optimization run ${runId} not found`);
    },

    async appendCandidate(runId, candidate) {
      checkCandidate(candidate);
      const paramsChecksum = checksumOf(candidate.params);
      let result: { row: CandidateRow; inserted: boolean };
      try {
        result = await insertCandidate(runId, candidate, paramsChecksum);
      } catch (error) {
        // Another process inserted the same candidate between our read and write: that is the no-op case.
        if (!isUniqueViolation(error)) {
          if ((error as { code?: unknown }).code === "P2025" || (error as { code?: unknown }).code === "P2003") {
            throw new FlowtuneError("NOT_FOUND", `optimization run ${runId} not found`, {}, { cause: error });
          }
          throw error;
        }
        result = await insertCandidate(runId, candidate, paramsChecksum);
      }
      if (!result.inserted && result.row.paramsChecksum !== paramsChecksum) {
        throw new FlowtuneError(
          "CONFLICT",
          `candidate ${candidate.index} (${result.row.split}) of run ${runId} is already stored with different parameters`,
        );
      }
      return { candidate: toCandidate(result.row), inserted: result.inserted };
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
      if (input.error !== undefined) data.error = JSON.stringify(input.error);
      if (input.tokensSpent !== undefined) data.tokensSpent = input.tokensSpent;
      if (input.costSpent !== undefined) data.costSpent = input.costSpent;
      if (input.llmCalls !== undefined) data.llmCalls = input.llmCalls;
      // Conditional update: a run finishes once, even with two writers racing.
      const { count } = await prisma.optimizationRun.updateMany({ where: { id: runId, status: { in: ["running", "interrupted"] } }, data });
      if (count === 0) {
        const row = await mustGetRun(runId);
        throw new FlowtuneError("CONFLICT", `optimization run ${runId} already ended (${row.status})`);
      }
      live.delete(runId);
      return toRun(await mustGetRun(runId));
    },

    async markInterrupted() {
      const stuck = await prisma.optimizationRun.findMany({ where: { status: "running" }, select: { id: true, ownerPid: true } });
      const ids = stuck
        .filter((r) => !live.has(r.id) && !(r.ownerPid !== null && r.ownerPid !== process.pid && processAlive(r.ownerPid)))
        .map((r) => r.id);
      if (ids.length === 0) return [];
      const error = JSON.stringify({ code: "INTERRUPTED", message: "the process stopped while this optimization run was in progress" });
      await prisma.optimizationRun.updateMany({ where: { id: { in: ids }, status: "running" }, data: { status: "interrupted", error, finishedAt: new Date() } });
      return ids;
    },

    async reopenRun(runId) {
      const { count } = await prisma.optimizationRun.updateMany({
        // A cancelled run (Ctrl-C) resumes like an interrupted one (killed process).
        where: { id: runId, status: { in: ["interrupted", "cancelled"] } },
        data: { status: "running", finishedAt: null, error: null, ownerPid: process.pid },
      });
      if (count === 0) {
        const row = await mustGetRun(runId);
        throw new FlowtuneError("CONFLICT", `optimization run ${runId} is ${row.status}, not interrupted or cancelled`);
      }
      live.add(runId);
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
  };
}
