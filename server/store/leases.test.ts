import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { goneOwners, leaseGone, PROCESS_START_TOLERANCE_MS, ProcessLease, pruneLeases, type LeaseRecord } from "./leases.js";
import { inspectProcess, ownStartMs } from "./process-identity.js";

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

const lease = (over: Partial<LeaseRecord>): LeaseRecord => ({
  id: "l",
  hostname: "elsewhere",
  pid: 123_456,
  kind: "server",
  startedAt: new Date(Date.now() - 60_000),
  heartbeatAt: new Date(),
  leaseMs: 10_000,
  ...over,
});

describe("leaseGone", () => {
  const now = Date.now();
  let sleeper: ChildProcess;
  let sleeperStart: number;
  beforeAll(async () => {
    const before = Date.now();
    sleeper = spawn(process.execPath, ["-e", "setInterval(() => {}, 60000)"], { stdio: "ignore" });
    await once(sleeper, "spawn");
    const state = inspectProcess(sleeper.pid!);
    expect(state.alive).toBe(true);
    sleeperStart = (state as { startedAtMs: number }).startedAtMs;
    // The kernel's start time of a process we just spawned.
    expect(Math.abs(sleeperStart - before)).toBeLessThan(1_500);
  });
  afterAll(async () => {
    sleeper.kill("SIGKILL");
    if (sleeper.exitCode === null && sleeper.signalCode === null) await once(sleeper, "exit");
  });

  it("trusts a fresh lease on another host, and believes its expiry only past the skew margin", () => {
    expect(leaseGone(lease({}), { now, skewMs: 2_000 })).toBe(false);
    expect(leaseGone(lease({ heartbeatAt: new Date(now - 11_000) }), { now, skewMs: 2_000 })).toBe(false);
    expect(leaseGone(lease({ heartbeatAt: new Date(now - 12_500) }), { now, skewMs: 2_000 })).toBe(true);
  });

  it("on this host, a dead pid is gone at once; another host's pid means nothing here", () => {
    const host = os.hostname();
    expect(leaseGone(lease({ hostname: host, pid: deadPid() }), { now })).toBe(true);
    expect(leaseGone(lease({ hostname: "elsewhere", pid: deadPid() }), { now })).toBe(false);
  });

  it("on this host, the live process that recorded the lease is never gone, however stale its heartbeat", () => {
    const host = os.hostname();
    const stale = { heartbeatAt: new Date(now - 3_600_000), leaseMs: 1_000 };
    expect(leaseGone(lease({ hostname: host, pid: sleeper.pid!, startedAt: new Date(sleeperStart), ...stale }), { now, skewMs: 0 })).toBe(false);
    // A lease recorded after the process started (registration time, a clock stepped back) is the same process.
    expect(leaseGone(lease({ hostname: host, pid: sleeper.pid!, startedAt: new Date(sleeperStart + 30_000), ...stale }), { now, skewMs: 0 })).toBe(false);
    // The same on another host is an expired lease.
    expect(leaseGone(lease({ hostname: "elsewhere", pid: sleeper.pid!, startedAt: new Date(sleeperStart), ...stale }), { now, skewMs: 0 })).toBe(true);
  });

  it("on this host, a live pid held by a process that started after the lease's process is a reused pid: gone, even with a fresh heartbeat", () => {
    const host = os.hostname();
    const fresh = { heartbeatAt: new Date(now), leaseMs: 60_000 };
    expect(leaseGone(lease({ hostname: host, pid: sleeper.pid!, startedAt: new Date(sleeperStart - 60_000), ...fresh }), { now })).toBe(true);
    // Within the tolerance it is the same process (the boot clock has 10 ms ticks; wall clocks are read twice).
    expect(leaseGone(lease({ hostname: host, pid: sleeper.pid!, startedAt: new Date(sleeperStart - PROCESS_START_TOLERANCE_MS + 500), ...fresh }), { now })).toBe(false);
  });

  it("this process's pid on an older lease is a previous incarnation (a restarted container's pid 1)", () => {
    const host = os.hostname();
    expect(leaseGone(lease({ hostname: host, pid: process.pid, startedAt: new Date(ownStartMs() - 60_000) }), { now })).toBe(true);
    expect(leaseGone(lease({ hostname: host, pid: process.pid, startedAt: new Date(ownStartMs()), heartbeatAt: new Date(0) }), { now })).toBe(false);
    // Our own lease is never gone, even expired.
    expect(leaseGone(lease({ id: "me", heartbeatAt: new Date(0) }), { now, selfId: "me" })).toBe(false);
  });
});

describe("ProcessLease", () => {
  let db: FlowtuneDatabase;
  beforeAll(async () => {
    db = await openDatabase({ url: ":memory:" });
  });
  afterAll(async () => db.close());

  it("registers lazily and once, renews its heartbeat, comes back if swept, and deletes itself on release", async () => {
    const mine = new ProcessLease(db.prisma, { kind: "cli", leaseMs: 60_000 });
    expect(mine.id).toBeUndefined();
    expect(await db.prisma.processLease.count()).toBe(0); // nothing until the process executes something
    const [a, b] = await Promise.all([mine.acquire(), mine.acquire()]);
    expect(a).toBe(b);
    const row = await db.prisma.processLease.findUniqueOrThrow({ where: { id: a } });
    expect(row).toMatchObject({ kind: "cli", pid: process.pid, hostname: os.hostname(), leaseMs: 60_000 });
    // It records when this process started (what same-host judges compare), not when it registered.
    expect(Math.abs(row.startedAt.getTime() - (Date.now() - process.uptime() * 1000))).toBeLessThan(1_000);

    await db.prisma.processLease.update({ where: { id: a }, data: { heartbeatAt: new Date(0) } });
    await mine.renew();
    const renewed = await db.prisma.processLease.findUniqueOrThrow({ where: { id: a } });
    expect(renewed.heartbeatAt.getTime()).toBeGreaterThan(Date.now() - 5_000);

    const warnings: string[] = [];
    const swept = new ProcessLease(db.prisma, { kind: "server", warn: (m) => warnings.push(m) });
    const sweptId = await swept.acquire();
    await db.prisma.processLease.delete({ where: { id: sweptId } });
    await swept.renew();
    expect(await db.prisma.processLease.count({ where: { id: sweptId } })).toBe(1);
    expect(warnings.join("\n")).toMatch(/expired and was removed/);

    await mine.release();
    await swept.release();
    expect(await db.prisma.processLease.count()).toBe(0);
    await expect(mine.acquire()).rejects.toThrow(/released/);
  });

  it("renews on its own timer", async () => {
    const mine = new ProcessLease(db.prisma, { kind: "worker", leaseMs: 300 });
    const id = await mine.acquire();
    const first = (await db.prisma.processLease.findUniqueOrThrow({ where: { id } })).heartbeatAt.getTime();
    await new Promise((r) => setTimeout(r, 350));
    const later = (await db.prisma.processLease.findUniqueOrThrow({ where: { id } })).heartbeatAt.getTime();
    expect(later).toBeGreaterThan(first);
    await mine.release();
  });

  it("goneOwners and pruneLeases: missing and expired leases are gone, live ones stay", async () => {
    const live = new ProcessLease(db.prisma, { kind: "server", hostname: "elsewhere" });
    const expired = new ProcessLease(db.prisma, { kind: "cli", hostname: "elsewhere", leaseMs: 1_000 });
    const liveId = await live.acquire();
    const expiredId = await expired.acquire();
    await db.prisma.processLease.update({ where: { id: expiredId }, data: { heartbeatAt: new Date(Date.now() - 60_000) } });
    const gone = await goneOwners(db.prisma, [liveId, expiredId, "never-registered", liveId]);
    expect([...gone].sort()).toEqual([expiredId, "never-registered"].sort());
    expect(await pruneLeases(db.prisma)).toEqual([expiredId]);
    expect((await db.prisma.processLease.findMany()).map((l) => l.id)).toEqual([liveId]);
    await live.release();
    await expired.release();
  });
});
