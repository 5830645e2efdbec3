/**
 * Durable run history: the executor's RunHistorySink and RunHistoryReader on top of Prisma.
 *
 * Write path (hot: a 1,000-node run emits ~3,000 events). Each `write(events)` batch is ONE
 * Prisma batch transaction of at most three statements, whatever the batch size:
 *   1. a multi-row INSERT into RunEvent,
 *   2. a multi-row INSERT … ON CONFLICT DO UPDATE into NodeExecution, one row per node the batch
 *      touched, holding that node's full folded state,
 *   3. one UPDATE of the Run row (status, totals, lastSeq, …).
 * The store folds events into per-run node state in memory (released when the run ends), so the
 * upsert never needs to read the old row. Statements go through `$executeRawUnsafe` on Prisma's
 * own connection (same connection, same transaction mutex as every other Prisma query), because
 * Prisma's per-row API (createMany + one upsert per node) costs several times more per batch;
 * see docs/development.md for the numbers. Reads use the ordinary Prisma API.
 */
import type { Graph } from "../../engine/schema/graph.js";
import { isTerminalEvent, type ErrorInfo, type NodeStatus, type RunEvent, type RunStatus } from "../../engine/schema/events.js";
import type { RunHistoryReader, RunHistorySink, StoredRun } from "../../engine/executor/history.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import type Database from "better-sqlite3";
import type { Statement } from "better-sqlite3";
import { sanitizeErrorInfo, sanitizeErrorText } from "../safe-errors.js";
import { checksumOf, fromJsonText, sqliteTimestamp, toJsonText } from "./canonical.js";
import { writeDirect } from "./direct-write.js";
import { goneOwners, type RunOwner } from "./leases.js";
import { runListArgs } from "./paging.js";
import { withDbRetry } from "./transient.js";

export interface RunSummary {
  id: string;
  workflowId: string;
  workflowVersion: number | null;
  status: RunStatus;
  parentRunId: string | null;
  fromNodeId: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  lastSeq: number;
  error?: ErrorInfo;
}

export interface NodeExecutionRecord {
  nodeId: string;
  status: NodeStatus;
  input?: unknown;
  output?: unknown;
  error?: ErrorInfo;
  attempts: number;
  reason: string | null;
  reused: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface RunDetail extends RunSummary {
  graph: Graph;
  graphChecksum: string | null;
  inputs: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  /** In the order the nodes first appeared in the run. */
  nodes: NodeExecutionRecord[];
}

export interface ListRunsOptions {
  workflowId?: string;
  /** Only runs of these workflows (a caller limited to some workflows). */
  workflowIds?: string[];
  status?: RunStatus;
  /** Page size, 1–500 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface RunPage {
  runs: RunSummary[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface RunHistoryStore extends RunHistorySink, RunHistoryReader {
  listRuns(options?: ListRunsOptions): Promise<RunPage>;
  getRun(runId: string): Promise<RunDetail | undefined>;
  /** The workflow a stored run belongs to (one indexed lookup; authorization checks use it). */
  workflowOf(runId: string): Promise<string | undefined>;
  /** Events with `seq > afterSeq` (default: all), in order; `limit` caps the count. */
  getEvents(runId: string, afterSeq?: number, limit?: number): Promise<RunEvent[]>;
  /** Deletes a run with its events and node executions; false when there was none. */
  deleteRun(runId: string): Promise<boolean>;
  /**
   * Marks runs whose owning process is gone (server/store/leases.ts: on this host its pid died
   * or was reused; on another its lease expired or was removed) as failed (code INTERRUPTED),
   * with their unfinished nodes cancelled, so no run stays "running" forever. Runs of live
   * processes are never touched; if a stalled owner on another host was taken for gone, its own
   * later status and end replace the mark (writeBatch). Runs without an owner (written before leases existed, or by a store without one)
   * count as abandoned unless this store is writing them. Returns their ids.
   */
  markInterrupted(): Promise<string[]>;
  /** Marks this process's own unfinished runs interrupted (a clean shutdown); returns their ids. */
  interruptOwned(): Promise<string[]>;
}

/** Folded state of one node (one NodeExecution row). JSON columns are kept as text. */
interface NodeState {
  nodeId: string;
  status: NodeStatus;
  input: string | null;
  output: string | null;
  error: string | null;
  attempts: number;
  reason: string | null;
  reused: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
}

interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** What the store remembers about a run it is writing. */
interface LiveRun {
  nodes: Map<string, NodeState>;
  /** Sum over node events, used until run.completed gives the authoritative totals. */
  usage: Usage;
  costUsd: number;
  lastSeq: number;
  /** Serialises this run's writes. */
  tail: Promise<unknown>;
}

const EVENT_COLUMNS = 5;
const NODE_COLUMNS = 16;
/** Rows per multi-row statement (SQLite allows 32,766 bound parameters). */
const EVENT_CHUNK = 1000;
const NODE_CHUNK = 500;

const NODE_INSERT_HEAD = `INSERT INTO "NodeExecution" ("runId","nodeId","status","input","output","error","attempts","reason","reused","startedAt","finishedAt","durationMs","promptTokens","completionTokens","totalTokens","costUsd") VALUES `;
const NODE_UPSERT_TAIL = ` ON CONFLICT ("runId","nodeId") DO UPDATE SET "status"=excluded."status","input"=excluded."input","output"=excluded."output","error"=excluded."error","attempts"=excluded."attempts","reason"=excluded."reason","reused"=excluded."reused","startedAt"=excluded."startedAt","finishedAt"=excluded."finishedAt","durationMs"=excluded."durationMs","promptTokens"=excluded."promptTokens","completionTokens"=excluded."completionTokens","totalTokens"=excluded."totalTokens","costUsd"=excluded."costUsd"`;
const EVENT_INSERT_HEAD = `INSERT INTO "RunEvent" ("runId","seq","type","payload","ts") VALUES `;
// A batch that sets the status (flag = 1) also sets error, finishedAt and durationMs, null
// included: the owner's own status is the whole truth, over a sweep's earlier INTERRUPTED mark.
const RUN_UPDATE =
  `UPDATE "Run" SET "lastSeq"=?,"status"=COALESCE(?,"status"),"outputs"=COALESCE(?,"outputs"),"error"=CASE WHEN ? THEN ? ELSE "error" END,` +
  `"parentRunId"=COALESCE(?,"parentRunId"),"fromNodeId"=COALESCE(?,"fromNodeId"),"graphChecksum"=COALESCE(?,"graphChecksum"),` +
  `"startedAt"=COALESCE(?,"startedAt"),"finishedAt"=CASE WHEN ? THEN ? ELSE "finishedAt" END,"durationMs"=CASE WHEN ? THEN ? ELSE "durationMs" END,` +
  `"promptTokens"=?,"completionTokens"=?,"totalTokens"=?,"costUsd"=? WHERE "id"=?`;

/** The Run update of batches without run.* events: touches no indexed column. */
const RUN_PROGRESS_PARAMS = 6;
const RUN_PROGRESS =
  `UPDATE "Run" SET "lastSeq"=?,"promptTokens"=?,"completionTokens"=?,"totalTokens"=?,"costUsd"=? WHERE "id"=?`;

const INSERT_RUN = `INSERT INTO "Run" ("id","workflowId","status","inputs","graph","graphChecksum","parentRunId","startedAt","ownerId","workflowVersion") VALUES (?,?,?,?,?,?,?,?,?,?)`;
const FIND_VERSION = `SELECT "version" FROM "WorkflowVersion" WHERE "workflowId" = ? AND "checksum" = ? ORDER BY "version" DESC LIMIT 1`;

interface PreparedStatements {
  insertRun: Statement<unknown[]>;
  findVersion: Statement<unknown[]>;
  event: Statement<unknown[]>;
  node: Statement<unknown[]>;
  run: Statement<unknown[]>;
  progress: Statement<unknown[]>;
}
const prepared = new WeakMap<Database.Database, PreparedStatements>();
function preparedFor(db: Database.Database): PreparedStatements {
  let statements = prepared.get(db);
  if (!statements) {
    statements = {
      insertRun: db.prepare<unknown[]>(INSERT_RUN),
      findVersion: db.prepare<unknown[]>(FIND_VERSION),
      event: db.prepare<unknown[]>(EVENT_INSERT_HEAD + placeholders(1, EVENT_COLUMNS)),
      node: db.prepare<unknown[]>(NODE_INSERT_HEAD + placeholders(1, NODE_COLUMNS) + NODE_UPSERT_TAIL),
      run: db.prepare<unknown[]>(RUN_UPDATE),
      progress: db.prepare<unknown[]>(RUN_PROGRESS),
    };
    prepared.set(db, statements);
  }
  return statements;
}

const placeholderCache = new Map<string, string>();
/** `(?,?,…),(?,?,…)` for `rows` rows of `columns` columns. */
function placeholders(rows: number, columns: number): string {
  const key = `${rows}:${columns}`;
  let text = placeholderCache.get(key);
  if (text === undefined) {
    const row = `(${new Array(columns).fill("?").join(",")})`;
    text = new Array(rows).fill(row).join(",");
    if (placeholderCache.size < 4096) placeholderCache.set(key, text);
  }
  return text;
}

function timestamp(ts: number): string {
  return sqliteTimestamp(Number.isFinite(ts) ? ts : Date.now());
}

function emptyNode(nodeId: string): NodeState {
  return {
    nodeId,
    status: "pending",
    input: null,
    output: null,
    error: null,
    attempts: 0,
    reason: null,
    reused: false,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    costUsd: 0,
  };
}

/** Column values of the Run UPDATE; `undefined` leaves a column as it is. */
interface RunPatch {
  status?: RunStatus;
  outputs?: string;
  error?: string;
  parentRunId?: string;
  fromNodeId?: string;
  graphChecksum?: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  usage?: Usage;
  costUsd?: number;
}

export interface RunHistoryStoreOptions {
  /**
   * Write batches with prepared statements on Prisma's own better-sqlite3 connection (default
   * true; used only when the client comes from openDatabase()). false: Prisma raw queries only.
   */
  direct?: boolean;
  /**
   * Durability of the batches before a run's terminal event (direct writes only). `NORMAL`
   * (the default) commits them without an fsync even when the connection runs with
   * synchronous=FULL: a power loss may drop the last progress of a run that was cut short
   * anyway, while the terminal batch still commits with the connection's setting (and its fsync
   * makes every earlier batch durable too). `connection` keeps the connection's setting for all.
   */
  progressSync?: "NORMAL" | "connection";
  /**
   * The process lease runs begun here record as their owner (server/store/leases.ts). Without
   * one, runs have no owner and only this store instance's live set protects them from sweeps.
   */
  owner?: RunOwner;
}

/** Run statuses of work that is not finished. */
const ACTIVE = ["pending", "running", "paused"];
/** Node statuses a sweep cancels (the node had not finished). */
const UNFINISHED_NODES: readonly NodeStatus[] = ["pending", "queued", "running"];
const INTERRUPTED_ERROR = JSON.stringify({ code: "INTERRUPTED", message: "the process stopped while this run was in progress" });

export function createRunHistoryStore(prisma: PrismaClient, options: RunHistoryStoreOptions = {}): RunHistoryStore {
  const useDirect = options.direct ?? true;
  const relaxedSync = (options.progressSync ?? "NORMAL") === "NORMAL";
  const owner = options.owner;
  const live = new Map<string, LiveRun>();

  function enqueue<T>(run: LiveRun, job: () => Promise<T>): Promise<T> {
    const next = run.tail.then(job, job);
    run.tail = next.catch(() => undefined);
    return next;
  }

  /** Rebuilds the in-memory state of a run this process did not begin (e.g. after a restart). */
  async function revive(runId: string): Promise<LiveRun> {
    const row = await prisma.run.findUnique({ where: { id: runId }, include: { nodes: { orderBy: { id: "asc" } } } });
    if (!row) throw new Error(`run ${runId} is unknown: call begin() before write()`);
    // This process writes the run from now on: it owns it (a sweep must not take it for abandoned).
    if (owner) {
      const ownerId = await owner.acquire();
      await withDbRetry(() => prisma.run.updateMany({ where: { id: runId }, data: { ownerId } }));
    }
    const nodes = new Map<string, NodeState>();
    const usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    let costUsd = 0;
    for (const n of row.nodes) {
      nodes.set(n.nodeId, {
        nodeId: n.nodeId,
        status: n.status as NodeStatus,
        input: n.input,
        output: n.output,
        error: n.error,
        attempts: n.attempts,
        reason: n.reason,
        reused: n.reused,
        startedAt: n.startedAt ? sqliteTimestamp(n.startedAt) : null,
        finishedAt: n.finishedAt ? sqliteTimestamp(n.finishedAt) : null,
        durationMs: n.durationMs,
        promptTokens: n.promptTokens,
        completionTokens: n.completionTokens,
        totalTokens: n.totalTokens,
        costUsd: n.costUsd,
      });
      usage.promptTokens += n.promptTokens;
      usage.completionTokens += n.completionTokens;
      usage.totalTokens += n.totalTokens;
      costUsd += n.costUsd;
    }
    const state: LiveRun = { nodes, usage, costUsd, lastSeq: row.lastSeq, tail: Promise.resolve() };
    live.set(runId, state);
    return state;
  }

  /**
   * Runs `apply` (synchronous better-sqlite3 work) in one write transaction on Prisma's
   * connection and returns true, or returns false when there is no such connection (the caller
   * then goes through Prisma). `relax`: commit with synchronous=NORMAL (see
   * RunHistoryStoreOptions.progressSync).
   */
  async function direct(apply: (db: Database.Database) => void, relax: boolean): Promise<boolean> {
    if (!useDirect) return false;
    return (await writeDirect(prisma, apply, { relaxSync: relax && relaxedSync })) !== undefined;
  }

  /** Runs the batch's statements in one transaction (see the file comment), again while the database is busy. */
  function persist(eventRows: unknown[][], nodeRows: unknown[][], runParams: unknown[], terminal: boolean): Promise<void> {
    return withDbRetry(() => persistOnce(eventRows, nodeRows, runParams, terminal));
  }

  async function persistOnce(eventRows: unknown[][], nodeRows: unknown[][], runParams: unknown[], terminal: boolean): Promise<void> {
    const done = await direct((db) => {
      const statements = preparedFor(db);
      for (const row of eventRows) statements.event.run(row);
      for (const row of nodeRows) statements.node.run(row);
      const { changes } = (runParams.length === RUN_PROGRESS_PARAMS ? statements.progress : statements.run).run(runParams);
      if (changes !== 1) throw new Error(`run ${String(runParams[runParams.length - 1])} is not in the database`);
    }, !terminal);
    if (done) return;
    const statements = [];
    for (let i = 0; i < eventRows.length; i += EVENT_CHUNK) {
      const chunk = eventRows.slice(i, i + EVENT_CHUNK);
      statements.push(prisma.$executeRawUnsafe(EVENT_INSERT_HEAD + placeholders(chunk.length, EVENT_COLUMNS), ...chunk.flat()));
    }
    for (let i = 0; i < nodeRows.length; i += NODE_CHUNK) {
      const chunk = nodeRows.slice(i, i + NODE_CHUNK);
      statements.push(
        prisma.$executeRawUnsafe(NODE_INSERT_HEAD + placeholders(chunk.length, NODE_COLUMNS) + NODE_UPSERT_TAIL, ...chunk.flat()),
      );
    }
    statements.push(prisma.$executeRawUnsafe(runParams.length === RUN_PROGRESS_PARAMS ? RUN_PROGRESS : RUN_UPDATE, ...runParams));
    const counts = await prisma.$transaction(statements);
    if (counts[counts.length - 1] !== 1) throw new Error(`run ${String(runParams[runParams.length - 1])} is not in the database`);
  }

  async function writeBatch(runId: string, run: LiveRun, events: RunEvent[]): Promise<void> {
    // Fold into copies; the live state is updated only after the transaction commits.
    const dirty = new Map<string, NodeState>();
    const patch: RunPatch = {};
    const usage = { ...run.usage };
    let costUsd = run.costUsd;
    let terminal = false;
    const eventRows: unknown[][] = [];

    const nodeOf = (nodeId: string): NodeState => {
      let n = dirty.get(nodeId);
      if (!n) {
        const prev = run.nodes.get(nodeId);
        n = prev ? { ...prev } : emptyNode(nodeId);
        dirty.set(nodeId, n);
      }
      return n;
    };
    const addUsage = (n: NodeState, u: Usage | undefined, cost: number | undefined) => {
      if (u) {
        usage.promptTokens += u.promptTokens - n.promptTokens;
        usage.completionTokens += u.completionTokens - n.completionTokens;
        usage.totalTokens += u.totalTokens - n.totalTokens;
        n.promptTokens = u.promptTokens;
        n.completionTokens = u.completionTokens;
        n.totalTokens = u.totalTokens;
      }
      if (cost !== undefined) {
        costUsd += cost - n.costUsd;
        n.costUsd = cost;
      }
    };

    let lastSeq = run.lastSeq;
    for (const e of events) {
      if (e.runId !== runId) throw new Error(`event for run ${e.runId} in a batch of run ${runId}`);
      const ts = timestamp(e.ts);
      eventRows.push([runId, e.seq, e.type, JSON.stringify(e), ts]);
      if (e.seq > lastSeq) lastSeq = e.seq;
      switch (e.type) {
        case "run.started":
          patch.status = "running";
          patch.startedAt = ts;
          patch.graphChecksum = e.graphChecksum;
          if (e.parentRunId !== undefined) patch.parentRunId = e.parentRunId;
          if (e.fromNodeId !== undefined) patch.fromNodeId = e.fromNodeId;
          break;
        case "run.paused":
          patch.status = "paused";
          break;
        case "run.resumed":
          patch.status = "running";
          break;
        case "run.completed":
          patch.status = "succeeded";
          patch.outputs = toJsonText(e.outputs) ?? "{}";
          patch.durationMs = e.durationMs;
          patch.finishedAt = ts;
          patch.usage = e.usage;
          patch.costUsd = e.costUsd;
          terminal = true;
          break;
        case "run.failed":
          patch.status = "failed";
          // Clients read it: no server paths or source excerpts (e.g. a database error's).
          patch.error = toJsonText(e.error ? sanitizeErrorInfo(e.error) : e.error) ?? undefined;
          patch.durationMs = e.durationMs;
          patch.finishedAt = ts;
          terminal = true;
          break;
        case "run.cancelled":
          patch.status = "cancelled";
          patch.error = JSON.stringify({ code: "cancelled", message: e.reason });
          patch.durationMs = e.durationMs;
          patch.finishedAt = ts;
          terminal = true;
          break;
        case "node.queued": {
          const n = nodeOf(e.nodeId);
          n.status = "queued";
          break;
        }
        case "node.started": {
          const n = nodeOf(e.nodeId);
          n.status = "running";
          n.input = toJsonText(e.input);
          n.attempts = Math.max(n.attempts, e.attempt);
          n.startedAt ??= ts;
          break;
        }
        case "node.retrying": {
          const n = nodeOf(e.nodeId);
          n.attempts = Math.max(n.attempts, e.attempt);
          n.error = toJsonText(e.error);
          break;
        }
        case "node.partial": {
          const n = nodeOf(e.nodeId);
          n.output = toJsonText(e.output);
          break;
        }
        case "node.succeeded": {
          const n = nodeOf(e.nodeId);
          n.status = "succeeded";
          n.output = toJsonText(e.output);
          n.error = null;
          n.durationMs = e.durationMs;
          n.finishedAt = ts;
          n.reused = e.reused === true;
          if (n.attempts === 0 && !e.reused) n.attempts = 1;
          addUsage(n, e.usage, e.costUsd);
          break;
        }
        case "node.failed": {
          const n = nodeOf(e.nodeId);
          n.status = "failed";
          n.error = toJsonText(e.error);
          n.durationMs = e.durationMs;
          n.finishedAt = ts;
          if (n.attempts === 0) n.attempts = 1;
          addUsage(n, e.usage, undefined);
          break;
        }
        case "node.skipped":
        case "node.cancelled": {
          const n = nodeOf(e.nodeId);
          n.status = e.type === "node.skipped" ? "skipped" : "cancelled";
          n.reason = e.reason;
          n.finishedAt = ts;
          break;
        }
      }
    }
    const runChanged = Object.keys(patch).length > 0;
    if (!patch.usage) patch.usage = usage;
    if (patch.costUsd === undefined) patch.costUsd = costUsd;

    // A terminal batch rewrites the nodes a sweep may have cancelled meanwhile (those unfinished
    // as last written) with this process's own view of them.
    if (terminal) {
      for (const [id, n] of run.nodes) if (!dirty.has(id) && UNFINISHED_NODES.includes(n.status)) dirty.set(id, n);
    }
    const nodeRows: unknown[][] = [];
    for (const n of dirty.values()) {
      nodeRows.push([
        runId, n.nodeId, n.status, n.input, n.output, n.error, n.attempts, n.reason, n.reused ? 1 : 0,
        n.startedAt, n.finishedAt, n.durationMs, n.promptTokens, n.completionTokens, n.totalTokens, n.costUsd,
      ]);
    }
    const statusSet = patch.status !== undefined ? 1 : 0;
    const runParams = !runChanged
      ? [lastSeq, patch.usage.promptTokens, patch.usage.completionTokens, patch.usage.totalTokens, patch.costUsd, runId]
      : [
      lastSeq,
      patch.status ?? null,
      patch.outputs ?? null,
      statusSet,
      patch.error ?? null,
      patch.parentRunId ?? null,
      patch.fromNodeId ?? null,
      patch.graphChecksum ?? null,
      patch.startedAt ?? null,
      statusSet,
      patch.finishedAt ?? null,
      statusSet,
      patch.durationMs ?? null,
      patch.usage.promptTokens,
      patch.usage.completionTokens,
      patch.usage.totalTokens,
      patch.costUsd,
      runId,
    ];
    await persist(eventRows, nodeRows, runParams, terminal);

    for (const [id, n] of dirty) run.nodes.set(id, n);
    run.usage = patch.usage === usage ? usage : { ...patch.usage };
    run.costUsd = patch.costUsd;
    run.lastSeq = lastSeq;
    if (terminal) live.delete(runId);
  }

  const summarySelect = {
    id: true,
    workflowId: true,
    workflowVersion: true,
    status: true,
    parentRunId: true,
    fromNodeId: true,
    startedAt: true,
    finishedAt: true,
    durationMs: true,
    promptTokens: true,
    completionTokens: true,
    totalTokens: true,
    costUsd: true,
    lastSeq: true,
    error: true,
  } as const;

  type SummaryRow = {
    id: string;
    workflowId: string;
    workflowVersion: number | null;
    status: string;
    parentRunId: string | null;
    fromNodeId: string | null;
    startedAt: Date;
    finishedAt: Date | null;
    durationMs: number | null;
    promptTokens: number;
    completionTokens: number;
    totalTokens: number;
    costUsd: number;
    lastSeq: number;
    error: string | null;
  };

  /** Fails the runs `ids` (still unfinished, matching `owned`) as INTERRUPTED and cancels their unfinished nodes; returns the ids. */
  async function interrupt(ids: string[], owned: Prisma.RunWhereInput): Promise<string[]> {
    if (ids.length === 0) return [];
    const runWhere: Prisma.RunWhereInput = { id: { in: ids }, status: { in: ACTIVE }, ...owned };
    const marked = await prisma.run.findMany({ where: runWhere, select: { id: true } });
    if (marked.length === 0) return [];
    const markedIds = marked.map((r) => r.id);
    // A batch transaction (no interactive one): both writes commit together or not at all.
    await withDbRetry(() =>
      prisma.$transaction([
        prisma.nodeExecution.updateMany({
          where: { runId: { in: markedIds }, status: { in: [...UNFINISHED_NODES] }, run: { is: { status: { in: ACTIVE } } } },
          data: { status: "cancelled", reason: "interrupted" },
        }),
        prisma.run.updateMany({ where: { ...runWhere, id: { in: markedIds } }, data: { status: "failed", error: INTERRUPTED_ERROR, finishedAt: new Date() } }),
      ]),
    );
    for (const id of markedIds) live.delete(id);
    return markedIds;
  }

  function toSummary(row: SummaryRow): RunSummary {
    const { error, status, ...rest } = row;
    const summary: RunSummary = { ...rest, status: status as RunStatus };
    const parsed = fromJsonText<ErrorInfo>(error);
    if (parsed !== undefined) summary.error = sanitizeErrorInfo(parsed);
    return summary;
  }

  /** The fallback when a run's terminal batch cannot be stored: its end, marked as a history failure. */
  async function recordEndWithoutHistory(runId: string, terminal: RunEvent, cause: unknown): Promise<void> {
    live.delete(runId);
    const ended = terminal.type === "run.completed" ? "succeeded" : terminal.type === "run.failed" ? "failed" : "cancelled";
    const reason = sanitizeErrorText(cause instanceof Error ? cause.message : String(cause)).slice(0, 500);
    const error = { code: "HISTORY_WRITE_FAILED", message: `the run ended (${ended}) but its history could not be stored: ${reason}` };
    await withDbRetry(() =>
      prisma.run.updateMany({ where: { id: runId, status: { in: ["pending", "running", "paused"] } }, data: { status: "failed", error: JSON.stringify(error), finishedAt: new Date(terminal.ts) } }),
    );
  }

  return {
    async begin({ runId, workflowId, graph, inputs, parentRunId }) {
      if (live.has(runId)) throw new Error(`run ${runId} has already begun`);
      const state: LiveRun = {
        nodes: new Map(),
        usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
        costUsd: 0,
        lastSeq: -1,
        tail: Promise.resolve(),
      };
      live.set(runId, state);
      try {
        await enqueue(state, async () => {
          const ownerId = owner ? await owner.acquire() : null;
          const checksum = checksumOf(graph);
          const row = [
            runId,
            workflowId,
            "pending",
            toJsonText(inputs) ?? "{}",
            JSON.stringify(graph),
            checksum,
            parentRunId ?? null,
            sqliteTimestamp(Date.now()),
            ownerId,
          ];
          // Best effort: which saved version of the workflow (if any) this graph is.
          const done = await withDbRetry(() =>
            direct((db) => {
              const statements = preparedFor(db);
              const version = statements.findVersion.get(workflowId, checksum) as { version: number | bigint } | undefined;
              statements.insertRun.run([...row, version === undefined ? null : Number(version.version)]);
            }, true),
          );
          if (done) return;
          const version = await prisma.workflowVersion.findFirst({
            where: { workflowId, checksum },
            orderBy: { version: "desc" },
            select: { version: true },
          });
          await withDbRetry(() => prisma.$executeRawUnsafe(INSERT_RUN, ...row, version?.version ?? null));
        });
      } catch (error) {
        live.delete(runId);
        throw error;
      }
    },

    async write(events) {
      if (events.length === 0) return;
      const runId = events[0].runId;
      const run = live.get(runId) ?? (await revive(runId));
      try {
        await enqueue(run, () => writeBatch(runId, run, events));
      } catch (error) {
        // The run must not stay "running" for good because its last batch could not be stored:
        // record how it ended (and that its history is incomplete) in one small statement.
        const terminal = events.find(isTerminalEvent);
        if (terminal) await recordEndWithoutHistory(runId, terminal, error).catch(() => undefined);
        throw error;
      }
    },

    async loadRun(runId): Promise<StoredRun | undefined> {
      const row = await prisma.run.findUnique({
        where: { id: runId },
        select: {
          id: true,
          workflowId: true,
          status: true,
          graph: true,
          inputs: true,
          nodes: { select: { nodeId: true, status: true, output: true }, orderBy: { id: "asc" } },
        },
      });
      if (!row) return undefined;
      const nodes: StoredRun["nodes"] = {};
      for (const n of row.nodes) {
        const entry: StoredRun["nodes"][string] = { status: n.status as NodeStatus };
        if (n.output !== null) entry.output = JSON.parse(n.output);
        nodes[n.nodeId] = entry;
      }
      return {
        runId: row.id,
        workflowId: row.workflowId,
        status: row.status as RunStatus,
        graph: JSON.parse(row.graph) as Graph,
        inputs: JSON.parse(row.inputs) as Record<string, unknown>,
        nodes,
      };
    },

    async listRuns(options = {}) {
      const { limit, args } = runListArgs(options);
      const rows = await prisma.run.findMany({
        ...args,
        select: summarySelect,
      });
      const page = rows.slice(0, limit).map(toSummary);
      return rows.length > limit ? { runs: page, nextCursor: page[page.length - 1].id } : { runs: page };
    },

    async workflowOf(runId) {
      return (await prisma.run.findUnique({ where: { id: runId }, select: { workflowId: true } }))?.workflowId;
    },

    async getRun(runId) {
      const row = await prisma.run.findUnique({ where: { id: runId }, include: { nodes: { orderBy: { id: "asc" } } } });
      if (!row) return undefined;
      const detail: RunDetail = {
        ...toSummary(row),
        graph: JSON.parse(row.graph) as Graph,
        graphChecksum: row.graphChecksum,
        inputs: JSON.parse(row.inputs) as Record<string, unknown>,
        nodes: row.nodes.map((n) => {
          const record: NodeExecutionRecord = {
            nodeId: n.nodeId,
            status: n.status as NodeStatus,
            attempts: n.attempts,
            reason: n.reason,
            reused: n.reused,
            startedAt: n.startedAt,
            finishedAt: n.finishedAt,
            durationMs: n.durationMs,
            promptTokens: n.promptTokens,
            completionTokens: n.completionTokens,
            totalTokens: n.totalTokens,
            costUsd: n.costUsd,
          };
          if (n.input !== null) record.input = JSON.parse(n.input);
          if (n.output !== null) record.output = JSON.parse(n.output);
          if (n.error !== null) record.error = sanitizeErrorInfo(JSON.parse(n.error) as ErrorInfo);
          return record;
        }),
      };
      const outputs = fromJsonText<Record<string, unknown>>(row.outputs);
      if (outputs !== undefined) detail.outputs = outputs;
      return detail;
    },

    async getEvents(runId, afterSeq = -1, limit) {
      const rows = await prisma.runEvent.findMany({
        where: { runId, seq: { gt: afterSeq } },
        orderBy: { seq: "asc" },
        select: { payload: true },
        ...(limit !== undefined ? { take: Math.max(0, Math.trunc(limit)) } : {}),
      });
      return rows.map((r) => JSON.parse(r.payload) as RunEvent);
    },

    async markInterrupted() {
      const stuck = await prisma.run.findMany({ where: { status: { in: ACTIVE } }, select: { id: true, ownerId: true } });
      const owned = stuck.filter((r) => !live.has(r.id));
      const gone = await goneOwners(
        prisma,
        owned.flatMap((r) => (r.ownerId === null ? [] : [r.ownerId])),
        owner?.judgement() ?? {},
      );
      const ids = owned.filter((r) => r.ownerId === null || gone.has(r.ownerId)).map((r) => r.id);
      // Only if the run is still unfinished and still belongs to a gone owner when we write.
      return interrupt(ids, { OR: [{ ownerId: null }, { ownerId: { in: [...gone] } }] });
    },

    async interruptOwned() {
      const ownerId = owner?.id;
      const where = { status: { in: ACTIVE }, OR: [...(ownerId ? [{ ownerId }] : []), { id: { in: [...live.keys()] } }] };
      const ids = (await prisma.run.findMany({ where, select: { id: true } })).map((r) => r.id);
      return interrupt(ids, ownerId ? { OR: [{ ownerId }, { ownerId: null }] } : {});
    },

    async deleteRun(runId) {
      live.delete(runId);
      const { count } = await prisma.run.deleteMany({ where: { id: runId } });
      return count > 0;
    },
  };
}
