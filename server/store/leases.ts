/**
 * Process leases: which Flowtune process owns which runs and optimizations.
 *
 * A process that executes work registers one ProcessLease row (random id, hostname, pid, kind,
 * `startedAt` = the process's own start time) and renews its `heartbeatAt` on an unref'd timer.
 * Runs and optimizations it starts record the lease id as `ownerId`. Another process may treat
 * that work as interrupted only when its owner is gone (leaseGone):
 *   - on this host the operating system decides, not the heartbeat: the owner is gone when its
 *     pid no longer exists (or is a zombie), or is held by a process that started after the
 *     recorded start (a reused pid; checked where /proc tells start times). A live owner keeps its
 *     work however stale its heartbeat — a blocked event loop is a stall, not a death;
 *   - on another host only the heartbeat can tell: the lease expired (heartbeatAt + leaseMs + skew
 *     < now), or its row was deleted. A stall longer than that there hands the work over: its runs
 *     are marked interrupted (the owner's own terminal write later wins, run-history.ts) and its
 *     optimizations interrupted and resumable (the stale owner's writes are then refused,
 *     optimizations.ts).
 * A process merely starting (e.g. a read-only CLI command, which never registers a lease)
 * interrupts nothing.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { inspectProcess, ownStartMs } from "./process-identity.js";
import { withDbRetry } from "./transient.js";

export { processAlive } from "./process-identity.js";

export type ProcessKind = "server" | "cli" | "worker";

/** A lease counts as expired this long after its last heartbeat (ms). */
export const DEFAULT_LEASE_MS = 30_000;
/** Extra time past expiry before another process believes it (clock skew between hosts, a late timer). */
export const DEFAULT_SKEW_MS = 5_000;
/** How much later than a lease's recorded process start a live process at its pid may have started and still be that process. */
export const PROCESS_START_TOLERANCE_MS = 2_000;

/** The stored lease of one process. */
export interface LeaseRecord {
  id: string;
  hostname: string;
  pid: number;
  kind: string;
  startedAt: Date;
  heartbeatAt: Date;
  leaseMs: number;
}

/** How a sweeping process judges other processes' leases. */
export interface LeaseJudgement {
  /** This process's own lease id: never gone. */
  selfId?: string;
  /** This machine's name (default os.hostname()). */
  hostname?: string;
  skewMs?: number;
  /** Current time (ms). */
  now?: number;
}

/**
 * True when the process behind `lease` is gone. On this host: its pid does not exist, or the
 * process now holding it started more than PROCESS_START_TOLERANCE_MS after the lease's
 * recorded start (a reused pid, or this process's previous incarnation) — a live same process is
 * never gone, however old its heartbeat. The check is one-sided on purpose: a pid is reused only
 * after its holder died, which was after it recorded its lease, so a live process that had
 * started by then is that holder (this also keeps leases whose `startedAt` is their registration
 * time, and a clock stepped back, safe). On another host: expired, with `skewMs` of margin.
 */
export function leaseGone(lease: LeaseRecord, judgement: LeaseJudgement = {}): boolean {
  if (lease.id === judgement.selfId) return false;
  if (lease.hostname === (judgement.hostname ?? os.hostname())) {
    const holder = inspectProcess(lease.pid);
    if (!holder.alive) return true;
    // Without a readable start time (no /proc) a live pid counts as the owner.
    return holder.startedAtMs !== undefined && holder.startedAtMs > lease.startedAt.getTime() + PROCESS_START_TOLERANCE_MS;
  }
  const now = judgement.now ?? Date.now();
  const skewMs = judgement.skewMs ?? DEFAULT_SKEW_MS;
  return lease.heartbeatAt.getTime() + lease.leaseMs + skewMs < now;
}

/** The owner ids among `ownerIds` whose process is gone (no lease row, or leaseGone). */
export async function goneOwners(prisma: PrismaClient, ownerIds: Iterable<string>, judgement: LeaseJudgement = {}): Promise<Set<string>> {
  const ids = [...new Set(ownerIds)].filter((id) => id !== judgement.selfId);
  const gone = new Set<string>();
  if (ids.length === 0) return gone;
  const leases = new Map<string, LeaseRecord>();
  // Chunked: SQLite bounds the number of bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    for (const row of await prisma.processLease.findMany({ where: { id: { in: ids.slice(i, i + 500) } } })) leases.set(row.id, row);
  }
  for (const id of ids) {
    const lease = leases.get(id);
    if (!lease || leaseGone(lease, judgement)) gone.add(id);
  }
  return gone;
}

/** Deletes the leases of processes that are gone; returns their ids. Call after sweeping their work. */
export async function pruneLeases(prisma: PrismaClient, judgement: LeaseJudgement = {}): Promise<string[]> {
  const rows = await prisma.processLease.findMany();
  const ids = rows.filter((row) => leaseGone(row, judgement)).map((row) => row.id);
  if (ids.length === 0) return [];
  await withDbRetry(() => prisma.processLease.deleteMany({ where: { id: { in: ids } } }));
  return ids;
}

/** What the stores need from the process that owns the work they record. */
export interface RunOwner {
  /** This process's lease id, registering the lease on first use (idempotent). */
  acquire(): Promise<string>;
  /** The lease id once registered, else undefined. */
  readonly id: string | undefined;
  /** The judgement to apply to other processes' leases (self id, host, skew). */
  judgement(): LeaseJudgement;
}

export interface ProcessLeaseOptions {
  kind: ProcessKind;
  /** Default DEFAULT_LEASE_MS. */
  leaseMs?: number;
  /** How often the lease is renewed (default leaseMs / 3). */
  heartbeatMs?: number;
  /** Margin before another process's expired lease is believed (default DEFAULT_SKEW_MS). */
  skewMs?: number;
  /** Recorded host name (default os.hostname()). */
  hostname?: string;
  /** Runs once, right after the lease is first registered (e.g. a sweep of dead owners' work). */
  onRegistered?: () => Promise<unknown>;
  /** Where warnings go (default console.warn). */
  warn?: (message: string) => void;
}

/** This process's lease: registered lazily, renewed on an unref'd timer, deleted by release(). */
export class ProcessLease implements RunOwner {
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly skewMs: number;
  readonly hostname: string;
  #id: string | undefined;
  #registering: Promise<string> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #renewing = false;
  #released = false;
  /** This process's start as last recorded (ms): what same-host judges compare the pid's holder with. */
  #startedAt = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: ProcessLeaseOptions,
  ) {
    this.leaseMs = Math.max(100, Math.trunc(options.leaseMs ?? DEFAULT_LEASE_MS));
    this.heartbeatMs = Math.max(20, Math.min(this.leaseMs, Math.trunc(options.heartbeatMs ?? this.leaseMs / 3)));
    this.skewMs = Math.max(0, options.skewMs ?? DEFAULT_SKEW_MS);
    this.hostname = options.hostname ?? os.hostname();
  }

  get id(): string | undefined {
    return this.#id;
  }

  judgement(): LeaseJudgement {
    return { selfId: this.#id, hostname: this.hostname, skewMs: this.skewMs };
  }

  acquire(): Promise<string> {
    if (this.#released) return Promise.reject(new Error("this process has released its lease (it is shutting down)"));
    if (this.#id) return Promise.resolve(this.#id);
    this.#registering ??= this.register().catch((error: unknown) => {
      this.#registering = undefined; // a later call tries again
      throw error;
    });
    return this.#registering;
  }

  private async register(): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    this.#startedAt = ownStartMs();
    const startedAt = new Date(this.#startedAt);
    await withDbRetry(() =>
      this.prisma.processLease.create({
        data: { id, hostname: this.hostname, pid: process.pid, kind: this.options.kind, startedAt, heartbeatAt: now, leaseMs: this.leaseMs },
      }),
    );
    this.#id = id;
    if (this.#released) return id; // release() deletes the row once this returns
    this.#timer = setInterval(() => void this.renew(), this.heartbeatMs);
    this.#timer.unref(); // the lease never keeps a process alive
    if (this.options.onRegistered) {
      try {
        await this.options.onRegistered();
      } catch (error) {
        this.warn(`flowtune: sweeping interrupted work failed: ${(error as Error).message}`);
      }
    }
    return id;
  }

  /**
   * Renews the heartbeat; re-creates the row (same id) if a sweeper deleted it meanwhile. The
   * recorded process start follows a wall-clock step (it is derived from the clock).
   */
  async renew(): Promise<void> {
    const id = this.#id;
    if (!id || this.#renewing || this.#released) return;
    this.#renewing = true;
    try {
      const now = new Date();
      const start = ownStartMs();
      const data: { heartbeatAt: Date; startedAt?: Date } = { heartbeatAt: now };
      if (Math.abs(start - this.#startedAt) > 1_000) data.startedAt = new Date((this.#startedAt = start));
      const { count } = await withDbRetry(() => this.prisma.processLease.updateMany({ where: { id }, data }), { timeoutMs: this.heartbeatMs });
      if (count === 0 && !this.#released) {
        // Our heartbeat came too late (on another host's view: a blocked event loop, a suspended
        // machine) and a sweeper took us for gone: our runs were marked interrupted (they finish
        // and record their true end), our optimizations refuse our writes from now on.
        this.warn(`flowtune: this process's lease ${id} had expired and was removed; renewing it`);
        const startedAt = new Date(this.#startedAt);
        await withDbRetry(() =>
          this.prisma.processLease.upsert({
            where: { id },
            create: { id, hostname: this.hostname, pid: process.pid, kind: this.options.kind, startedAt, heartbeatAt: now, leaseMs: this.leaseMs },
            update: { heartbeatAt: now },
          }),
        );
      }
    } catch (error) {
      this.warn(`flowtune: renewing the process lease failed (will retry): ${(error as Error).message}`);
    } finally {
      this.#renewing = false;
    }
  }

  /** Stops renewing and deletes the lease row (after the process marked its own unfinished work). */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#registering?.catch(() => undefined);
    const id = this.#id;
    if (id) await withDbRetry(() => this.prisma.processLease.deleteMany({ where: { id } }));
  }

  private warn(message: string): void {
    (this.options.warn ?? console.warn)(message);
  }
}
