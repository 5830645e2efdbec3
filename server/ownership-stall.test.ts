/**
 * A process that is alive but stalled (its event loop blocked far longer than its lease, as by a
 * runaway regex) across real processes (issue 9, finding 3, second round):
 * - on the same host it keeps its run and its optimization, whatever its heartbeat says, while a
 *   sweeping server and a CLI command that executes work run next to it;
 * - seen from another host it is taken for gone: its run is marked interrupted, yet stored with
 *   its true end (succeeded, no error) once it finishes it; its optimization is resumed by the
 *   server and the stalled process, once awake, stops writing to it.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAppServices, type AppServices } from "./services/app.js";
import { optimizationEnded, QA_DATASET_TEXT, QA_INPUTS, waitFor } from "./test-http.js";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");

let dir: string;
const children = new Set<ChildProcess>();
const opened = new Set<AppServices>();

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-stall-"));
});
afterEach(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
  }
  children.clear();
  for (const s of opened) await s.close();
  opened.clear();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server-like process in this test process: sweeps every 100 ms, believes expiry at once, resumes what gone processes leave. */
async function sweepingServer(name: string): Promise<{ server: AppServices; url: string }> {
  const url = `file:${path.join(dir, `${name}.db`)}`;
  const server = await createAppServices({
    databaseUrl: url,
    latencyScale: 0.05,
    seedExamples: true,
    resumeOptimizations: true,
    process: { kind: "server", sweepIntervalMs: 100, skewMs: 0 },
  });
  opened.add(server);
  await server.datasets.importDataset({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_DATASET_TEXT });
  return { server, url };
}

interface StallChild {
  ids: { runId: string; optimizationId: string; leaseId: string };
  /** Waits for a stdout line matching `pattern`, from the first line not yet consumed. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  send(command: string): void;
  stderr(): string;
  child: ChildProcess;
}

/** Starts server/test-stall-child.ts (node + tsx loader: the pid is the process itself, no wrapper). */
async function stallChild(settings: { databaseUrl: string; leaseMs: number; hostname?: string }): Promise<StallChild> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/test-stall-child.ts")], {
    cwd: ROOT,
    env: { ...process.env, FT_CHILD: JSON.stringify({ latencyScale: 1, ...settings }) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.add(child);
  const lines: string[] = [];
  let partial = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => {
    const parts = (partial + d.toString()).split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  let consumed = 0;
  const line = (pattern: RegExp, timeoutMs = 60_000) =>
    waitFor(`a child line matching ${pattern}`, async () => {
      if (child.exitCode !== null) throw new Error(`the child exited (${child.exitCode}): ${err}`);
      const i = lines.findIndex((l, k) => k >= consumed && pattern.test(l));
      if (i < 0) return undefined;
      consumed = i + 1;
      return lines[i];
    }, timeoutMs, 20);
  const ids = JSON.parse(await line(/"leaseId"/)) as StallChild["ids"];
  return { ids, line, send: (command) => child.stdin!.write(`${command}\n`), stderr: () => err, child };
}

/** The real CLI (`node bin/flowtune.js`) executing a run on the same database: it registers a lease and sweeps. */
async function cliRun(databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: databaseUrl, FLOWTUNE_SIM_LATENCY_SCALE: "0", NO_COLOR: "1" };
  try {
    const r = await exec(process.execPath, [path.join(ROOT, "bin/flowtune.js"), "run", "examples/qa.flow.json", "-i", JSON.stringify(QA_INPUTS), "--json"], { cwd: ROOT, env });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const heartbeatAge = async (server: AppServices, leaseId: string) =>
  Date.now() - (await server.db.prisma.processLease.findUniqueOrThrow({ where: { id: leaseId } })).heartbeatAt.getTime();

const validationIndexes = async (server: AppServices, optimizationId: string) =>
  (await server.optimizations.listCandidates(optimizationId, { split: "validation", limit: 100 })).candidates.map((c) => c.index).sort((a, b) => a - b);

describe("a stalled but alive process", { timeout: 240_000 }, () => {
  it("on this host keeps its run and optimization however stale its heartbeat; sweeping neighbours touch nothing", async () => {
    const { server, url } = await sweepingServer("same-host");
    const LEASE_MS = 500;
    const owner = await stallChild({ databaseUrl: url, leaseMs: LEASE_MS });
    const { runId, optimizationId, leaseId } = owner.ids;
    const release = path.join(dir, "release-same-host");
    owner.send(`stall ${release}`);
    await owner.line(/^stalling$/);

    // Past the CLI's judgement too (lease + its default 5 s skew) before it sweeps.
    await waitFor("the owner's heartbeat to go stale", async () => ((await heartbeatAge(server, leaseId)) > LEASE_MS + 5_500 ? true : undefined), 30_000, 100);
    const cli = await cliRun(url);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).not.toMatch(/interrupted/);

    // Still stalled, its heartbeat stale by far more than the lease: nothing of it was touched.
    expect(await heartbeatAge(server, leaseId)).toBeGreaterThan(10 * LEASE_MS);
    const run = await server.runs.get(runId);
    expect(run).toMatchObject({ status: "paused" });
    expect(run!.error).toBeUndefined();
    expect(run!.nodes.filter((n) => n.reason === "interrupted")).toEqual([]);
    const optimization = await server.db.prisma.optimizationRun.findUniqueOrThrow({ where: { id: optimizationId } });
    expect(optimization).toMatchObject({ status: "running", ownerId: leaseId, error: null });

    writeFileSync(release, "");
    await owner.line(/^awake$/);
    owner.send("resume");
    expect(JSON.parse(await owner.line(/"run"/))).toEqual({ run: "succeeded" });
    const done = await server.runs.get(runId);
    expect(done).toMatchObject({ status: "succeeded" });
    expect(done!.error).toBeUndefined();

    // The optimization finished where it started: no takeover, no replay by the server.
    expect(await optimizationEnded(server, optimizationId, 120_000)).toBe("completed");
    const finished = await server.db.prisma.optimizationRun.findUniqueOrThrow({ where: { id: optimizationId } });
    expect(finished.ownerId).toBe(leaseId);
    expect(await validationIndexes(server, optimizationId)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(owner.stderr()).not.toMatch(/no longer owned|had expired and was removed/);

    owner.send("close");
    await once(owner.child, "exit");
    expect(await server.db.prisma.processLease.count({ where: { id: leaseId } })).toBe(0);
  });

  it("on another host is taken for gone: its run is stored with its true end, its optimization resumed elsewhere and no longer written by it", async () => {
    const { server, url } = await sweepingServer("cross-host");
    const owner = await stallChild({ databaseUrl: url, leaseMs: 800, hostname: "another-host" });
    const { runId, optimizationId } = owner.ids;
    const release = path.join(dir, "release-cross-host");
    owner.send(`stall ${release}`);
    await owner.line(/^stalling$/);

    // Its lease expires: the server marks the run interrupted and resumes the optimization itself.
    const interrupted = await waitFor("the run to be interrupted", async () => {
      const run = await server.runs.get(runId);
      return run?.status === "failed" ? run : undefined;
    }, 30_000);
    expect(interrupted.error).toMatchObject({ code: "INTERRUPTED" });
    await waitFor("the server to take the optimization over", async () => {
      const row = await server.db.prisma.optimizationRun.findUniqueOrThrow({ where: { id: optimizationId } });
      return row.ownerId === server.lease.id ? true : undefined;
    }, 30_000);

    writeFileSync(release, "");
    await owner.line(/^awake$/);
    owner.send("resume");
    expect(JSON.parse(await owner.line(/"run"/))).toEqual({ run: "succeeded" });
    // The owner's own end wins over the INTERRUPTED mark, on the run and on its nodes.
    const done = await server.runs.get(runId);
    expect(done).toMatchObject({ status: "succeeded" });
    expect(done!.error).toBeUndefined();
    for (const node of done!.nodes) {
      expect(node.reason, node.nodeId).not.toBe("interrupted");
      expect(node.status, node.nodeId).not.toBe("cancelled");
      if (node.status === "succeeded") expect(node.error, node.nodeId).toBeUndefined();
    }

    expect(await optimizationEnded(server, optimizationId, 120_000)).toBe("completed");
    const finished = await server.db.prisma.optimizationRun.findUniqueOrThrow({ where: { id: optimizationId } });
    expect(finished.ownerId).toBe(server.lease.id);
    expect(await validationIndexes(server, optimizationId)).toEqual([0, 1, 2, 3, 4, 5]);
    // Awake, the stalled process found its optimization gone and stopped writing to it.
    await waitFor("the stale owner to notice", async () => (/optimization \S+ is no longer owned by this process/.test(owner.stderr()) ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect((await server.db.prisma.optimizationRun.findUniqueOrThrow({ where: { id: optimizationId } })).status).toBe("completed");

    owner.send("close");
    await once(owner.child, "exit");
  });
});
