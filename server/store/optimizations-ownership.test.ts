/**
 * The optimization store's ownership (process leases) and write path under contention: an
 * optimization belongs to the process that runs it, and a candidate write waits out another
 * process's write lock (longer than SQLite's busy_timeout and Prisma's transaction timeout)
 * without failing and without blocking the event loop.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { ProcessLease } from "./leases.js";
import { createOptimizationStore, OwnershipLostError, type CandidateInput } from "./optimizations.js";

const candidate = (index: number): CandidateInput => ({
  index,
  params: { answer: { provider: "sim", model: "sim-small", prompt: "{{ inputs.q }}", temperature: index / 10 } },
  status: "evaluated",
  metrics: { accuracy: 0.5 },
  objectives: { accuracy: 0.5 },
  tokens: 10,
  costUsd: 0.001,
  llmCalls: 1,
});

let db: FlowtuneDatabase;
beforeAll(async () => {
  db = await openDatabase({ url: ":memory:" });
});
afterAll(async () => db.close());

describe("optimization ownership", () => {
  it("records the owner lease; only a gone owner's runs are interrupted; a resume takes ownership; close marks only its own", async () => {
    const leaseA = new ProcessLease(db.prisma, { kind: "server", hostname: "host-a", leaseMs: 60_000, skewMs: 0 });
    const leaseB = new ProcessLease(db.prisma, { kind: "cli", hostname: "host-b", leaseMs: 60_000, skewMs: 0 });
    const a = createOptimizationStore(db.prisma, { owner: leaseA });
    const b = createOptimizationStore(db.prisma, { owner: leaseB });
    try {
      const run = await a.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
      expect((await db.prisma.optimizationRun.findUniqueOrThrow({ where: { id: run.id } })).ownerId).toBe(leaseA.id);
      // B starting up and sweeping: A is alive (fresh lease), so nothing happens.
      expect(await b.markInterrupted()).toEqual([]);
      expect(await createOptimizationStore(db.prisma).markInterrupted()).not.toContain(run.id);

      // A stops heartbeating (killed on another host): after its lease expires, B interrupts and resumes the run.
      await db.prisma.processLease.update({ where: { id: leaseA.id! }, data: { heartbeatAt: new Date(Date.now() - 61_000) } });
      expect(await b.markInterrupted()).toEqual([run.id]);
      expect(await b.getRun(run.id)).toMatchObject({ status: "interrupted", error: { code: "INTERRUPTED" } });
      await b.reopenRun(run.id);
      expect((await db.prisma.optimizationRun.findUniqueOrThrow({ where: { id: run.id } })).ownerId).toBe(leaseB.id);
      // A's stale lease no longer matters: the run is B's now.
      expect(await createOptimizationStore(db.prisma, { owner: new ProcessLease(db.prisma, { kind: "cli", hostname: "host-c" }) }).markInterrupted()).toEqual([]);

      const other = await a.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
      await db.prisma.processLease.update({ where: { id: leaseA.id! }, data: { heartbeatAt: new Date() } });
      expect(await b.interruptOwned()).toEqual([run.id]);
      expect((await a.getRun(other.id))!.status).toBe("running");
    } finally {
      await leaseA.release();
      await leaseB.release();
    }
  });

  it("a stale owner (its lease swept) cannot write candidates, spend, progress or an end into a run another process took over", async () => {
    const leaseA = new ProcessLease(db.prisma, { kind: "server", hostname: "host-a", leaseMs: 60_000, skewMs: 0 });
    const leaseB = new ProcessLease(db.prisma, { kind: "server", hostname: "host-b", leaseMs: 60_000, skewMs: 0 });
    const lostA: string[] = [];
    const a = createOptimizationStore(db.prisma, { owner: leaseA, onOwnershipLost: (id) => lostA.push(id) });
    const b = createOptimizationStore(db.prisma, { owner: leaseB });
    try {
      const run = await a.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
      expect((await a.appendCandidate(run.id, candidate(0))).inserted).toBe(true);
      await a.recordSpend(run.id, { tokens: 10, costUsd: 0.001, llmCalls: 1 });

      // A stalls on another host past its lease: B interrupts the run; nobody has resumed it yet.
      await db.prisma.processLease.update({ where: { id: leaseA.id! }, data: { heartbeatAt: new Date(Date.now() - 61_000) } });
      expect(await b.markInterrupted()).toContain(run.id);
      // Awake, A may not go on as if it still ran it, nor end it as failed (it stays resumable).
      await expect(a.appendCandidate(run.id, candidate(1))).rejects.toBeInstanceOf(OwnershipLostError);
      await expect(a.recordSpend(run.id, { tokens: 20, costUsd: 0.002, llmCalls: 2 })).rejects.toThrow(/no longer owned by this process: it is interrupted/);
      await expect(a.finishRun(run.id, { status: "failed", error: { code: "OPTIMIZATION_FAILED", message: "x" } })).rejects.toBeInstanceOf(OwnershipLostError);
      expect(await b.getRun(run.id)).toMatchObject({ status: "interrupted", llmCalls: 1 });
      expect(lostA).toEqual([run.id]); // reported once

      // B resumes it: from now on only B writes into it.
      await b.reopenRun(run.id);
      await expect(a.appendCandidate(run.id, candidate(1))).rejects.toThrow(/another process has resumed it/);
      // A replay of a candidate A had stored is refused too (A must stop, not skip ahead).
      await expect(a.appendCandidate(run.id, candidate(0))).rejects.toBeInstanceOf(OwnershipLostError);
      await expect(a.recordSpend(run.id, { tokens: 999, costUsd: 9, llmCalls: 99 })).rejects.toBeInstanceOf(OwnershipLostError);
      await expect(a.updateRun(run.id, { best: { index: 7 } })).rejects.toBeInstanceOf(OwnershipLostError);
      await expect(a.finishRun(run.id, { status: "completed", stopReason: "the strategy finished" })).rejects.toBeInstanceOf(OwnershipLostError);
      expect((await b.appendCandidate(run.id, candidate(1))).inserted).toBe(true);
      await b.recordSpend(run.id, { tokens: 20, costUsd: 0.002, llmCalls: 2 });
      const stored = await b.getRun(run.id);
      expect(stored).toMatchObject({ status: "running", tokensSpent: 20, llmCalls: 2 });
      expect(stored!.best).toBeUndefined();
      expect((await b.listCandidates(run.id)).candidates.map((c) => c.index)).toEqual([0, 1]);
      expect((await b.finishRun(run.id, { status: "completed", stopReason: "the strategy finished" })).status).toBe("completed");
      // Unknown runs are still NOT_FOUND, not an ownership matter.
      await expect(a.appendCandidate("nope", candidate(0))).rejects.toMatchObject({ code: "NOT_FOUND" });
    } finally {
      await leaseA.release();
      await leaseB.release();
    }
  });

  it("an owner's completion wins over a sweep's interrupted mark nobody resumed; its failure does not", async () => {
    const lease = new ProcessLease(db.prisma, { kind: "server", hostname: "host-a", leaseMs: 60_000, skewMs: 0 });
    const sweeper = createOptimizationStore(db.prisma, { owner: new ProcessLease(db.prisma, { kind: "cli", hostname: "host-s" }) });
    const mine = createOptimizationStore(db.prisma, { owner: lease });
    try {
      const done = await mine.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
      const failing = await mine.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
      await db.prisma.processLease.update({ where: { id: lease.id! }, data: { heartbeatAt: new Date(0) } });
      expect(await sweeper.markInterrupted()).toEqual(expect.arrayContaining([done.id, failing.id]));
      expect(await mine.finishRun(done.id, { status: "completed", stopReason: "the strategy finished" })).toMatchObject({ status: "completed", stopReason: "the strategy finished" });
      await expect(mine.finishRun(failing.id, { status: "failed", error: { code: "OPTIMIZATION_FAILED", message: "lost" } })).rejects.toBeInstanceOf(OwnershipLostError);
      expect(await mine.getRun(failing.id)).toMatchObject({ status: "interrupted", error: { code: "INTERRUPTED" } });
    } finally {
      await lease.release();
    }
  });

  it("stores and returns a failure's error without server paths or source excerpts", async () => {
    const store = createOptimizationStore(db.prisma);
    const run = await store.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
    const message = "\nInvalid `tx.candidate.create()` invocation in\n/work/main/server/store/optimizations.ts:281:40\n\n  280   const x = 1;\n→ 281   const row = await tx.candidate.create(\nOperation has timed out";
    const done = await store.finishRun(run.id, { status: "failed", error: { code: "OPTIMIZATION_FAILED", message } });
    expect(done.error).toEqual({ code: "OPTIMIZATION_FAILED", message: "database error: Operation has timed out" });
    expect((await db.prisma.optimizationRun.findUniqueOrThrow({ where: { id: run.id } })).error).not.toMatch(/work\/main|tx\.candidate/);
    // A row stored raw before this change is cleaned on the way out.
    await db.prisma.optimizationRun.update({ where: { id: run.id }, data: { error: JSON.stringify({ code: "OPTIMIZATION_FAILED", message }) } });
    expect((await store.getRun(run.id))!.error!.message).toBe("database error: Operation has timed out");
  });
});

describe("candidate writes under contention", () => {
  it("waits out another process holding the write lock longer than busy_timeout, without blocking the event loop", async () => {
    const store = createOptimizationStore(db.prisma);
    const run = await store.createRun({ workflowId: "qa", targetNodeIds: ["answer"], config: {} });
    const HOLD_MS = 6_500; // > busy_timeout (5 s) and > Prisma's interactive-transaction timeout (5 s)
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const D=require("better-sqlite3");const d=new D(${JSON.stringify(db.path)});d.exec("BEGIN IMMEDIATE");` +
          `d.prepare('UPDATE "OptimizationRun" SET "llmCalls"="llmCalls" WHERE 0').run();process.stdout.write("locked\\n");` +
          `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,${HOLD_MS});d.exec("COMMIT");d.close();`,
      ],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await once(holder.stdout!, "data");
      let maxGap = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
      }, 10);
      const t0 = performance.now();
      const written = await store.appendCandidate(run.id, candidate(0)).finally(() => clearInterval(ticker));
      const waited = performance.now() - t0;
      expect(written.inserted).toBe(true);
      expect(waited).toBeGreaterThan(HOLD_MS - 1_500);
      // Waiting happens between short lock attempts, not inside a 5 s synchronous busy wait.
      expect(maxGap).toBeLessThan(1_000);
      expect((await store.listCandidates(run.id)).candidates).toHaveLength(1);
    } finally {
      if (holder.exitCode === null) {
        holder.kill("SIGKILL");
        await once(holder, "exit");
      }
    }
  }, 30_000);
});
