/**
 * The parameter store: immutable versions (v1, v2, …) of each AI node's parameter bundle, a
 * production pointer per (workflow, node) with its full move history, promote/rollback, an audit
 * trail, and diffs between versions.
 *
 * Lifecycle (decisions):
 * - v1 is the graph's own parameters (the baseline), created lazily the first time a node is
 *   touched, from the workflow's latest stored graph; it starts as `production` (it is what runs).
 * - New versions start as `candidate` (optimizer output awaiting review) or `draft` (manual).
 * - promote(v) works from draft, candidate or archived; the version leaving production becomes
 *   `archived` (it served in production and was retired). `candidate` therefore always means
 *   "never been in production".
 * - rollback(to) only returns to a version that was in production before (else CONFLICT: use
 *   promote). Without `to`, it undoes the most recent promotion: the target is that promotion's
 *   `fromVersion`, so repeating the rollback is a no-op (idempotent); if production has moved
 *   elsewhere since (an explicit rollback), CONFLICT asks for `to`.
 * - Promoting/rolling back to the current production version changes nothing and writes nothing.
 * Every change is one transaction that first takes SQLite's write lock, so two processes cannot
 * interleave a read and a write, and a failure leaves nothing half-written.
 */
import { AiParamsSchema, FlowtuneError, type AiParams } from "../../engine/index.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { canonicalJson, checksumOf, fromJsonText, toJsonText } from "./canonical.js";
import { withDbRetry } from "./transient.js";
import { readStoredGraph } from "./workflow-versions.js";

export type ParameterStatus = "draft" | "candidate" | "production" | "archived";
export type MoveAction = "baseline" | "promote" | "rollback";
type Json = Record<string, unknown>;
type Tx = Prisma.TransactionClient;

export interface ParameterVersionRecord {
  workflowId: string;
  nodeId: string;
  version: number;
  params: AiParams;
  /** sha256 (hex) of the canonical JSON of `params`. */
  checksum: string;
  status: ParameterStatus;
  metrics?: Json;
  datasetId: string | null;
  optimizationRunId: string | null;
  sourceCandidateId: number | null;
  /** The workflow version v1 was read from. */
  workflowVersion: number | null;
  actor: string;
  note: string | null;
  createdAt: Date;
}

export interface ProductionMoveRecord {
  id: number;
  workflowId: string;
  nodeId: string;
  fromVersion: number | null;
  toVersion: number;
  action: MoveAction;
  actor: string;
  reason: string;
  at: Date;
}

export interface AuditEventRecord {
  id: number;
  workflowId: string;
  nodeId: string | null;
  /** baseline | create | promote | rollback */
  action: string;
  beforeVersion: number | null;
  afterVersion: number | null;
  actor: string;
  reason: string | null;
  at: Date;
  details?: Json;
}

export interface CreateVersionInput {
  workflowId: string;
  nodeId: string;
  /** A full (or defaultable) AI parameter bundle; validated with AiParamsSchema. */
  params: unknown;
  metrics?: Json;
  datasetId?: string | null;
  optimizationRunId?: string | null;
  sourceCandidateId?: number | null;
  /** Defaults to "system". */
  actor?: string;
  /** `candidate` (default) or `draft`; production is reached only through promote(). */
  status?: "draft" | "candidate";
  note?: string;
  /**
   * One more audit event written in the same transaction, also when the version already existed
   * (its `afterVersion` is the version created or found): e.g. the graph edit a draft came from.
   */
  event?: { action: string; reason?: string; details?: Json };
}

/** One node's outcome of saveAndPromote: the version (now production), whether it was new, the move. */
export interface SavePromoteResult {
  nodeId: string;
  version: ParameterVersionRecord;
  created: boolean;
  move: MoveResult;
}

/** A new version's input, validated and defaulted (the checksum is the identity of the bundle). */
interface PreparedVersion {
  input: CreateVersionInput;
  params: AiParams;
  status: "draft" | "candidate";
  checksum: string;
  actor: string;
}

export interface MoveResult {
  /** False when the target already was production (nothing was written). */
  changed: boolean;
  from: number;
  to: number;
  move?: ProductionMoveRecord;
}

export interface LineDiffOp {
  op: " " | "-" | "+";
  text: string;
}

export type ParameterChange =
  | { field: "systemPrompt" | "prompt"; kind: "text"; before: string; after: string; lines: LineDiffOp[] }
  | { field: "fewShot"; kind: "fewShot"; before: number; after: number; added: AiParams["fewShot"]; removed: AiParams["fewShot"]; reordered: boolean }
  | { field: string; kind: "value"; before: unknown; after: unknown; delta?: number };

export interface MetricDelta {
  /** Dotted path of a numeric leaf of the metrics object. */
  name: string;
  before: number | null;
  after: number | null;
  delta: number | null;
}

export interface ParameterDiff {
  workflowId: string;
  nodeId: string;
  from: number;
  to: number;
  /** Only the fields that differ, in AiParams order. */
  changes: ParameterChange[];
  metrics: MetricDelta[];
  /** False when the two versions' metrics were measured on different datasets. */
  sameDataset: boolean;
}

export interface ParameterStore {
  /** Creates v1 from the workflow's stored graph if the node has no versions yet; returns v1. */
  ensureBaseline(workflowId: string, nodeId: string, actor?: string): Promise<ParameterVersionRecord>;
  /** Adds a version, or returns the existing one with the same checksum (`created: false`). */
  createVersion(input: CreateVersionInput): Promise<{ version: ParameterVersionRecord; created: boolean }>;
  /** All versions, oldest first, and the production version (creates the baseline on first touch). */
  listVersions(workflowId: string, nodeId: string, actor?: string): Promise<{ production: number; versions: ParameterVersionRecord[] }>;
  getVersion(workflowId: string, nodeId: string, version: number): Promise<ParameterVersionRecord | undefined>;
  /** Production version and bundle of every managed node of a workflow (read-only; no baseline creation). */
  productionParams(workflowId: string): Promise<Map<string, { version: number; params: AiParams }>>;
  /** Changes whenever any production pointer moves (cheap cache validation across processes). */
  revision(): Promise<number>;
  promote(args: { workflowId: string; nodeId: string; version: number; reason: string; actor: string }): Promise<MoveResult>;
  /**
   * Saves each bundle as a version (or finds the one with the same checksum) and promotes it, all
   * in one transaction: when any step fails nothing is stored, not even the new versions.
   */
  saveAndPromote(args: { versions: CreateVersionInput[]; reason: string; actor: string }): Promise<SavePromoteResult[]>;
  rollback(args: { workflowId: string; nodeId: string; to?: number; reason: string; actor: string }): Promise<MoveResult>;
  /** The production pointer's full move history, oldest first. */
  history(workflowId: string, nodeId: string): Promise<ProductionMoveRecord[]>;
  diff(workflowId: string, nodeId: string, from: number, to: number): Promise<ParameterDiff>;
  /** Audit events, newest first (default limit 100, max 1000); `action` keeps only that action. */
  audit(workflowId: string, options?: { nodeId?: string; action?: string; limit?: number }): Promise<AuditEventRecord[]>;
}

type VersionRow = {
  workflowId: string;
  nodeId: string;
  version: number;
  params: string;
  checksum: string;
  status: string;
  metrics: string | null;
  datasetId: string | null;
  optimizationRunId: string | null;
  sourceCandidateId: number | null;
  workflowVersion: number | null;
  actor: string;
  note: string | null;
  createdAt: Date;
};

function toVersion(row: VersionRow): ParameterVersionRecord {
  const { params, metrics, status, ...rest } = row;
  const record: ParameterVersionRecord = { ...rest, params: JSON.parse(params) as AiParams, status: status as ParameterStatus };
  const m = fromJsonText<Json>(metrics);
  if (m !== undefined) record.metrics = m;
  return record;
}

function toMove(row: Omit<ProductionMoveRecord, "action"> & { action: string }): ProductionMoveRecord {
  return { ...row, action: row.action as MoveAction };
}

/** Validates and defaults a parameter bundle (INPUT_INVALID naming the field). */
export function normalizeParams(params: unknown): AiParams {
  const parsed = AiParamsSchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FlowtuneError("INPUT_INVALID", `invalid parameter bundle: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

function requireText(value: string | undefined, what: string): string {
  const text = value?.trim();
  if (!text) throw new FlowtuneError("INPUT_INVALID", `${what} is required`);
  return text;
}

// The first statement of every write transaction: takes SQLite's write lock at once (a
// deferred BEGIN would read under a snapshot another process may invalidate before we write).
const WRITE_LOCK = `UPDATE "ProductionPointer" SET "version" = "version" WHERE 0`;

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 };

/** Creates the parameter store on a Prisma client from openDatabase(). */
export function createParameterStore(prisma: PrismaClient): ParameterStore {
  const label = (workflowId: string, nodeId: string) => `workflow "${workflowId}" node "${nodeId}"`;

  async function audit(
    tx: Tx,
    e: { workflowId: string; nodeId: string; action: string; before: number | null; after: number | null; actor: string; reason?: string | null; details?: Json },
  ): Promise<void> {
    await tx.auditEvent.create({
      data: {
        workflowId: e.workflowId,
        nodeId: e.nodeId,
        action: e.action,
        beforeVersion: e.before,
        afterVersion: e.after,
        actor: e.actor,
        reason: e.reason ?? null,
        details: toJsonText(e.details),
      },
    });
  }

  /** v1 of a node, created from the workflow's latest stored graph when the node has no versions. */
  async function baselineTx(tx: Tx, workflowId: string, nodeId: string, actor: string): Promise<VersionRow> {
    const first = await tx.parameterVersion.findFirst({ where: { workflowId, nodeId }, orderBy: { version: "asc" } });
    if (first) return first;
    const workflow = await tx.workflow.findUnique({ where: { id: workflowId } });
    if (!workflow) throw new FlowtuneError("NOT_FOUND", `workflow "${workflowId}" not found`);
    const stored = await tx.workflowVersion.findUnique({ where: { workflowId_version: { workflowId, version: workflow.currentVersion } } });
    if (!stored) throw new FlowtuneError("NOT_FOUND", `workflow "${workflowId}" has no stored graph`);
    const node = (await readStoredGraph(tx, workflowId, stored.version, stored)).nodes.find((n) => n.id === nodeId);
    if (!node) throw new FlowtuneError("NOT_FOUND", `workflow "${workflowId}" has no node "${nodeId}"`, { nodeId });
    if (node.kind !== "ai") throw new FlowtuneError("NOT_FOUND", `node "${nodeId}" of workflow "${workflowId}" is a ${node.kind} node, not an AI node`, { nodeId });
    const params = normalizeParams(node.config);
    const checksum = checksumOf(params);
    const row = await tx.parameterVersion.create({
      data: {
        workflowId,
        nodeId,
        version: 1,
        params: JSON.stringify(params),
        checksum,
        status: "production",
        workflowVersion: stored.version,
        actor,
        note: `baseline: the graph's own parameters (workflow version ${stored.version})`,
      },
    });
    await tx.productionPointer.create({ data: { workflowId, nodeId, version: 1 } });
    const reason = "baseline: the graph's own parameters";
    await tx.productionMove.create({ data: { workflowId, nodeId, fromVersion: null, toVersion: 1, action: "baseline", actor, reason } });
    await audit(tx, { workflowId, nodeId, action: "baseline", before: null, after: 1, actor, reason, details: { checksum, workflowVersion: stored.version } });
    return row;
  }

  /** Runs `f` in one write transaction (write lock taken first), again while the database is busy. */
  function write<T>(f: (tx: Tx) => Promise<T>): Promise<T> {
    return withDbRetry(() =>
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(WRITE_LOCK);
        return f(tx);
      }, TX_OPTIONS),
    );
  }

  async function findVersion(tx: Tx | PrismaClient, workflowId: string, nodeId: string, version: number): Promise<VersionRow> {
    const row = await tx.parameterVersion.findUnique({ where: { workflowId_nodeId_version: { workflowId, nodeId, version } } });
    if (row) return row;
    const latest = await tx.parameterVersion.findFirst({ where: { workflowId, nodeId }, orderBy: { version: "desc" }, select: { version: true } });
    throw new FlowtuneError("NOT_FOUND", `${label(workflowId, nodeId)} has no version v${version}${latest ? ` (${latest.version === 1 ? "only v1" : `versions v1–v${latest.version}`})` : ""}`, { nodeId });
  }

  /** Moves the pointer from `from` to `to`, updating statuses and writing the move and audit rows. */
  async function move(
    tx: Tx,
    args: { workflowId: string; nodeId: string; from: number; to: number; action: "promote" | "rollback"; actor: string; reason: string; targetStatus: string },
  ): Promise<MoveResult> {
    const { workflowId, nodeId, from, to, action, actor, reason } = args;
    await tx.parameterVersion.update({ where: { workflowId_nodeId_version: { workflowId, nodeId, version: from } }, data: { status: "archived" } });
    await tx.parameterVersion.update({ where: { workflowId_nodeId_version: { workflowId, nodeId, version: to } }, data: { status: "production" } });
    const moved = await tx.productionPointer.updateMany({ where: { workflowId, nodeId, version: from }, data: { version: to } });
    if (moved.count !== 1) throw new FlowtuneError("CONFLICT", `${label(workflowId, nodeId)}: production changed concurrently; try again`, { nodeId });
    const row = await tx.productionMove.create({ data: { workflowId, nodeId, fromVersion: from, toVersion: to, action, actor, reason } });
    await audit(tx, { workflowId, nodeId, action, before: from, after: to, actor, reason, details: { previousStatus: args.targetStatus } });
    return { changed: true, from, to, move: toMove(row) };
  }

  async function currentProduction(tx: Tx, workflowId: string, nodeId: string): Promise<number> {
    const pointer = await tx.productionPointer.findUnique({ where: { workflowId_nodeId: { workflowId, nodeId } } });
    if (!pointer) throw new FlowtuneError("CONFLICT", `${label(workflowId, nodeId)} has versions but no production pointer`, { nodeId });
    return pointer.version;
  }

  async function ensureBaseline(workflowId: string, nodeId: string, actor = "system"): Promise<ParameterVersionRecord> {
    const existing = await prisma.parameterVersion.findUnique({ where: { workflowId_nodeId_version: { workflowId, nodeId, version: 1 } } });
    if (existing) return toVersion(existing);
    return toVersion(await write((tx) => baselineTx(tx, workflowId, nodeId, actor)));
  }

  /** Validates and defaults a new version's input (INPUT_INVALID naming the problem) before any transaction. */
  function prepareVersion(input: CreateVersionInput): PreparedVersion {
    const params = normalizeParams(input.params);
    const status = input.status ?? "candidate";
    if (status !== "draft" && status !== "candidate") throw new FlowtuneError("INPUT_INVALID", `a new version is a draft or a candidate (got ${String(status)}); use promote()`);
    return { input, params, status, checksum: checksumOf(params), actor: input.actor ?? "system" };
  }

  /** Adds the version inside `tx`, or returns the existing one with the same checksum (`created: false`). */
  async function createVersionTx(tx: Tx, prepared: PreparedVersion): Promise<{ version: ParameterVersionRecord; created: boolean }> {
    const { input, params, status, checksum, actor } = prepared;
    const { workflowId, nodeId } = input;
    await baselineTx(tx, workflowId, nodeId, actor);
    const same = await tx.parameterVersion.findFirst({ where: { workflowId, nodeId, checksum }, orderBy: { version: "asc" } });
    if (same) {
      if (input.event) await audit(tx, { workflowId, nodeId, ...input.event, before: null, after: same.version, actor });
      return { version: toVersion(same), created: false };
    }
    const latest = await tx.parameterVersion.findFirst({ where: { workflowId, nodeId }, orderBy: { version: "desc" }, select: { version: true } });
    const version = (latest?.version ?? 0) + 1;
    const row = await tx.parameterVersion.create({
      data: {
        workflowId,
        nodeId,
        version,
        params: JSON.stringify(params),
        checksum,
        status,
        metrics: toJsonText(input.metrics),
        datasetId: input.datasetId ?? null,
        optimizationRunId: input.optimizationRunId ?? null,
        sourceCandidateId: input.sourceCandidateId ?? null,
        actor,
        note: input.note ?? null,
      },
    });
    await audit(tx, {
      workflowId,
      nodeId,
      action: "create",
      before: null,
      after: version,
      actor,
      reason: input.note,
      details: { checksum, status, datasetId: input.datasetId ?? undefined, optimizationRunId: input.optimizationRunId ?? undefined, sourceCandidateId: input.sourceCandidateId ?? undefined },
    });
    if (input.event) await audit(tx, { workflowId, nodeId, ...input.event, before: null, after: version, actor });
    return { version: toVersion(row), created: true };
  }

  return {
    ensureBaseline,

    async createVersion(input) {
      const prepared = prepareVersion(input);
      return write((tx) => createVersionTx(tx, prepared));
    },

    async saveAndPromote({ versions, reason, actor }) {
      const why = requireText(reason, "a reason");
      const who = requireText(actor, "an actor");
      const prepared = versions.map((v) => prepareVersion({ ...v, actor: v.actor ?? who }));
      // One transaction: a promotion that fails rolls back the versions saved for it.
      return write(async (tx) => {
        const out: SavePromoteResult[] = [];
        for (const p of prepared) {
          const { workflowId, nodeId } = p.input;
          const saved = await createVersionTx(tx, p);
          const to = saved.version.version;
          const from = await currentProduction(tx, workflowId, nodeId);
          const moved = from === to ? { changed: false, from, to } : await move(tx, { workflowId, nodeId, from, to, action: "promote", actor: who, reason: why, targetStatus: saved.version.status });
          out.push({ nodeId, version: { ...saved.version, status: "production" }, created: saved.created, move: moved });
        }
        return out;
      });
    },

    async listVersions(workflowId, nodeId, actor = "system") {
      await ensureBaseline(workflowId, nodeId, actor);
      const [rows, pointer] = await Promise.all([
        prisma.parameterVersion.findMany({ where: { workflowId, nodeId }, orderBy: { version: "asc" } }),
        prisma.productionPointer.findUnique({ where: { workflowId_nodeId: { workflowId, nodeId } } }),
      ]);
      return { production: pointer?.version ?? 1, versions: rows.map(toVersion) };
    },

    async getVersion(workflowId, nodeId, version) {
      const row = await prisma.parameterVersion.findUnique({ where: { workflowId_nodeId_version: { workflowId, nodeId, version } } });
      return row ? toVersion(row) : undefined;
    },

    async productionParams(workflowId) {
      const pointers = await prisma.productionPointer.findMany({ where: { workflowId } });
      const out = new Map<string, { version: number; params: AiParams }>();
      if (pointers.length === 0) return out;
      const rows = await prisma.parameterVersion.findMany({
        where: { OR: pointers.map((p) => ({ workflowId, nodeId: p.nodeId, version: p.version })) },
        select: { nodeId: true, version: true, params: true },
      });
      for (const r of rows) out.set(r.nodeId, { version: r.version, params: JSON.parse(r.params) as AiParams });
      return out;
    },

    async revision() {
      const last = await prisma.productionMove.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
      return last?.id ?? 0;
    },

    async promote({ workflowId, nodeId, version, reason, actor }) {
      const why = requireText(reason, "a reason");
      const who = requireText(actor, "an actor");
      return write(async (tx) => {
        await baselineTx(tx, workflowId, nodeId, who);
        const target = await findVersion(tx, workflowId, nodeId, version);
        const from = await currentProduction(tx, workflowId, nodeId);
        if (from === version) return { changed: false, from, to: version };
        return move(tx, { workflowId, nodeId, from, to: version, action: "promote", actor: who, reason: why, targetStatus: target.status });
      });
    },

    async rollback({ workflowId, nodeId, to, reason, actor }) {
      const why = requireText(reason, "a reason");
      const who = requireText(actor, "an actor");
      return write(async (tx) => {
        await baselineTx(tx, workflowId, nodeId, who);
        const current = await currentProduction(tx, workflowId, nodeId);
        const moves = await tx.productionMove.findMany({ where: { workflowId, nodeId }, orderBy: { id: "asc" } });
        let target = to;
        if (target === undefined) {
          const lastPromote = [...moves].reverse().find((m) => m.action === "promote");
          if (!lastPromote || lastPromote.fromVersion === null) {
            throw new FlowtuneError("CONFLICT", `${label(workflowId, nodeId)}: nothing to roll back (no promotion yet)`, { nodeId });
          }
          if (current !== lastPromote.toVersion && current !== lastPromote.fromVersion) {
            throw new FlowtuneError(
              "CONFLICT",
              `${label(workflowId, nodeId)}: production (v${current}) moved since the last promotion (v${lastPromote.fromVersion} → v${lastPromote.toVersion}); give the version to roll back to`,
              { nodeId },
            );
          }
          target = lastPromote.fromVersion;
        }
        const row = await findVersion(tx, workflowId, nodeId, target);
        if (target === current) return { changed: false, from: current, to: target };
        if (!moves.some((m) => m.toVersion === target)) {
          throw new FlowtuneError("CONFLICT", `${label(workflowId, nodeId)}: v${target} was never in production; promote it instead`, { nodeId });
        }
        return move(tx, { workflowId, nodeId, from: current, to: target, action: "rollback", actor: who, reason: why, targetStatus: row.status });
      });
    },

    async history(workflowId, nodeId) {
      const rows = await prisma.productionMove.findMany({ where: { workflowId, nodeId }, orderBy: { id: "asc" } });
      return rows.map(toMove);
    },

    async diff(workflowId, nodeId, from, to) {
      await ensureBaseline(workflowId, nodeId);
      const [a, b] = await Promise.all([findVersion(prisma, workflowId, nodeId, from), findVersion(prisma, workflowId, nodeId, to)]);
      const before = toVersion(a);
      const after = toVersion(b);
      return {
        workflowId,
        nodeId,
        from,
        to,
        changes: diffParams(before.params, after.params),
        metrics: metricDeltas(before.metrics, after.metrics),
        sameDataset: before.datasetId === after.datasetId,
      };
    },

    async audit(workflowId, options = {}) {
      const limit = Math.min(1000, Math.max(1, Math.trunc(options.limit ?? 100)));
      const rows = await prisma.auditEvent.findMany({
        where: { workflowId, ...(options.nodeId !== undefined ? { nodeId: options.nodeId } : {}), ...(options.action !== undefined ? { action: options.action } : {}) },
        orderBy: { id: "desc" },
        take: limit,
      });
      return rows.map(({ details, ...rest }) => {
        const record: AuditEventRecord = rest;
        const d = fromJsonText<Json>(details);
        if (d !== undefined) record.details = d;
        return record;
      });
    },
  };
}

const PARAM_FIELDS = ["provider", "model", "systemPrompt", "prompt", "temperature", "topP", "maxTokens", "fewShot", "responseFormat", "seed"] as const;

/** The fields that differ between two bundles: line diffs for prompts, structured changes otherwise. */
export function diffParams(before: AiParams, after: AiParams): ParameterChange[] {
  const changes: ParameterChange[] = [];
  const fields = new Set<string>([...PARAM_FIELDS, ...Object.keys(before), ...Object.keys(after)]);
  for (const field of fields) {
    const x = (before as Json)[field];
    const y = (after as Json)[field];
    if (canonicalJson(x) === canonicalJson(y)) continue;
    if ((field === "systemPrompt" || field === "prompt") && typeof x === "string" && typeof y === "string") {
      changes.push({ field, kind: "text", before: x, after: y, lines: lineDiff(x, y) });
    } else if (field === "fewShot") {
      const xs = (x as AiParams["fewShot"] | undefined) ?? [];
      const ys = (y as AiParams["fewShot"] | undefined) ?? [];
      const added = multisetMinus(ys, xs);
      const removed = multisetMinus(xs, ys);
      changes.push({ field, kind: "fewShot", before: xs.length, after: ys.length, added, removed, reordered: added.length === 0 && removed.length === 0 });
    } else {
      const change: ParameterChange = { field, kind: "value", before: x ?? null, after: y ?? null };
      if (typeof x === "number" && typeof y === "number") change.delta = y - x;
      changes.push(change);
    }
  }
  return changes;
}

function multisetMinus<T>(xs: readonly T[], ys: readonly T[]): T[] {
  const counts = new Map<string, number>();
  for (const y of ys) counts.set(canonicalJson(y), (counts.get(canonicalJson(y)) ?? 0) + 1);
  return xs.filter((x) => {
    const k = canonicalJson(x);
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    return n === 0;
  });
}

// Past this many LCS cells (after trimming the common prefix and suffix) the middle is shown as
// a plain replacement: prompts are at most 50,000 characters, so this is rare.
const MAX_LCS_CELLS = 4_000_000;

/** Line-based diff (longest common subsequence): unchanged lines " ", removed "-", added "+". */
export function lineDiff(before: string, after: string): LineDiffOp[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: LineDiffOp[] = a.slice(0, start).map((text) => ({ op: " ", text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_LCS_CELLS) {
    ops.push(...midA.map((text) => ({ op: "-" as const, text })), ...midB.map((text) => ({ op: "+" as const, text })));
  } else {
    // lcs[i][j] = LCS length of midA[i..] and midB[j..], in one flat array.
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = midA[i] === midB[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (midA[i] === midB[j]) {
        ops.push({ op: " ", text: midA[i] });
        i++;
        j++;
      } else if (lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
        ops.push({ op: "-", text: midA[i++] });
      } else {
        ops.push({ op: "+", text: midB[j++] });
      }
    }
    while (i < n) ops.push({ op: "-", text: midA[i++] });
    while (j < m) ops.push({ op: "+", text: midB[j++] });
  }
  ops.push(...a.slice(endA).map((text) => ({ op: " " as const, text })));
  return ops;
}

/** Numeric leaves of a metrics object, by dotted path. */
function numericLeaves(value: unknown, prefix = "", out = new Map<string, number>()): Map<string, number> {
  if (typeof value === "number" && Number.isFinite(value)) out.set(prefix, value);
  else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) numericLeaves(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** Per-metric before/after/delta over the numeric leaves of two metrics objects, by name. */
export function metricDeltas(before: Json | undefined, after: Json | undefined): MetricDelta[] {
  const x = numericLeaves(before ?? {});
  const y = numericLeaves(after ?? {});
  const names = [...new Set([...x.keys(), ...y.keys()])].sort();
  return names.map((name) => {
    const b = x.get(name) ?? null;
    const a = y.get(name) ?? null;
    return { name, before: b, after: a, delta: a !== null && b !== null ? a - b : null };
  });
}
