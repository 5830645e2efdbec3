/**
 * Run ownership across real processes (issue 9, findings 3 and 5): a process starting up never
 * interrupts another live process's work; a killed process's work is interrupted only once it
 * is gone (its lease expired), and its optimizations then resume; concurrent CLI processes and
 * heavy writers do not fail each other's runs or an optimization.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAppServices, type AppServices } from "./services/app.js";
import { optimizationEnded, QA_DATASET_TEXT, QA_INPUTS, qaOptimizeConfig, runEnded, waitFor } from "./test-http.js";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "bin/flowtune.js");

let dir: string;
const children = new Set<ChildProcess>();
const opened = new Set<AppServices>();

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-ownership-"));
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

/** A fresh database file in the test directory. */
const dbUrl = (name: string) => `file:${path.join(dir, `${name}.db`)}`;

async function app(databaseUrl: string, opts: Parameters<typeof createAppServices>[0] = {}): Promise<AppServices> {
  const services = await createAppServices({ databaseUrl, latencyScale: 0.05, seedExamples: true, ...opts });
  opened.add(services);
  return services;
}

/** Runs the real CLI (`node bin/flowtune.js`, no wrapper process) on `databaseUrl`. */
async function flowtune(databaseUrl: string, args: string[], latency = "0"): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: databaseUrl, FLOWTUNE_SIM_LATENCY_SCALE: latency, NO_COLOR: "1" };
  try {
    const r = await exec(process.execPath, [BIN, ...args], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const QA_INPUT_ARG = JSON.stringify(QA_INPUTS);

describe("run ownership across processes", { timeout: 180_000 }, () => {
  it("(a) CLI commands starting up next to a server leave its live (paused) run alone; it then succeeds", async () => {
    const url = dbUrl("a");
    const server = await app(url, { process: { kind: "server" } });
    const { runId } = await server.runs.start({ workflowId: "qa", inputs: QA_INPUTS });
    expect(server.runs.pause(runId)).toBe(true);

    // A read-only command, then one that executes work (it registers a lease and sweeps).
    const list = await flowtune(url, ["runs", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).not.toMatch(/interrupted/);
    const other = await flowtune(url, ["run", "examples/qa.flow.json", "-i", QA_INPUT_ARG, "--json"]);
    expect(other.code, other.stderr).toBe(0);

    const mid = await server.runs.get(runId);
    expect(["running", "paused"]).toContain(mid!.status);
    expect(mid!.error).toBeUndefined();
    // The read-only command registered no lease; the executing one removed its own on exit.
    expect((await server.db.prisma.processLease.findMany()).map((l) => l.id)).toEqual([server.lease.id]);

    expect(server.runs.resume(runId)).toBe(true);
    expect(await runEnded(server, runId)).toBe("succeeded");
    expect((await server.runs.get(runId))!.error).toBeUndefined();
  });

  it("(b) 16 concurrent CLI runs on one database are all stored succeeded, none with an INTERRUPTED error", async () => {
    const url = dbUrl("b");
    const results = await Promise.all(Array.from({ length: 16 }, () => flowtune(url, ["run", "examples/qa.flow.json", "-i", QA_INPUT_ARG, "--json"], "0.05")));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const printed = results.map((r) => JSON.parse(r.stdout) as { runId: string; status: string });
    expect(printed.every((p) => p.status === "succeeded")).toBe(true);

    const reader = await app(url, { seedExamples: false });
    const { runs } = await reader.history.listRuns({ limit: 100 });
    expect(runs).toHaveLength(16);
    expect(runs.map((r) => r.id).sort()).toEqual(printed.map((p) => p.runId).sort());
    for (const run of runs) {
      expect(run.status, run.id).toBe("succeeded");
      expect(run.error, run.id).toBeUndefined();
    }
  });

  it("(c) a SIGKILLed process's run and optimization are interrupted only once its lease expires; the optimization then resumes and completes", async () => {
    const url = dbUrl("c");
    const LEASE_MS = 3_000;
    // The server-like process: sweeps every 200 ms and resumes what dead processes leave.
    const server = await app(url, { process: { kind: "server", sweepIntervalMs: 200, skewMs: 0 }, resumeOptimizations: true });
    await server.datasets.importDataset({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_DATASET_TEXT });

    // The owner runs "on another host": its pid says nothing here, only its lease does.
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/test-child-app.ts")], {
      cwd: ROOT,
      env: { ...process.env, FT_CHILD: JSON.stringify({ databaseUrl: url, leaseMs: LEASE_MS, hostname: "another-host", latencyScale: 1 }) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.add(child);
    let line = "";
    child.stdout!.on("data", (d: Buffer) => (line += d.toString()));
    const { runId, optimizationId } = await waitFor("the child's work", async () => (line.includes("\n") ? (JSON.parse(line) as { runId: string; optimizationId: string }) : undefined), 60_000);

    // Alive for more than a lease period: the server's sweeps leave its work alone.
    await new Promise((r) => setTimeout(r, LEASE_MS + 500));
    expect((await server.runs.get(runId))!.status).toBe("paused");
    expect((await server.optimizer.get(optimizationId))!.status).toBe("running");

    child.kill("SIGKILL");
    await once(child, "exit");
    const killedAt = Date.now();
    const lastBeat = (await server.db.prisma.processLease.findFirstOrThrow({ where: { hostname: "another-host" } })).heartbeatAt.getTime();
    await new Promise((r) => setTimeout(r, 300));
    if (Date.now() < lastBeat + LEASE_MS) expect((await server.runs.get(runId))!.status).toBe("paused"); // not before expiry

    const interrupted = await waitFor("the run to be interrupted", async () => {
      const run = await server.runs.get(runId);
      return run?.status === "failed" ? { run, at: Date.now() } : undefined;
    }, 30_000, 50);
    expect(interrupted.at).toBeGreaterThanOrEqual(lastBeat + LEASE_MS);
    expect(interrupted.run.error).toMatchObject({ code: "INTERRUPTED" });
    expect(interrupted.at - killedAt).toBeLessThan(LEASE_MS + 10_000);

    // The optimization was interrupted the same way and the server picked it up.
    expect(await optimizationEnded(server, optimizationId, 90_000)).toBe("completed");
    const stored = await server.db.prisma.optimizationRun.findUniqueOrThrow({ where: { id: optimizationId } });
    expect(stored.ownerId).toBe(server.lease.id);
    const validation = (await server.optimizations.listCandidates(optimizationId, { split: "validation", limit: 100 })).candidates.map((c) => c.index);
    expect([...validation].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    // The dead process's lease was pruned.
    expect(await server.db.prisma.processLease.count({ where: { hostname: "another-host" } })).toBe(0);
  });

  it("(d) an optimization completes while other processes write heavily (CLI batches)", async () => {
    const url = dbUrl("d");
    const server = await app(url, { process: { kind: "server" }, latencyScale: 0.05 });
    await server.datasets.importDataset({ name: "qa", fileName: "qa.dataset.jsonl", text: QA_DATASET_TEXT });
    const big = path.join(dir, "big.dataset.jsonl");
    writeFileSync(big, Array.from({ length: 4 }, () => QA_DATASET_TEXT.trim()).join("\n") + "\n");
    const batches = Array.from({ length: 3 }, () => flowtune(url, ["batch", "examples/qa.flow.json", "-d", big, "-c", "8", "--no-cache", "--json"], "0"));
    const { runId } = await server.optimizer.start({ workflowId: "qa", config: qaOptimizeConfig(8), dataset: "qa" });
    const results = await Promise.all(batches);
    // Every batch ran to its end and wrote its whole history (exit 1 would only mean some rows failed on their own).
    for (const r of results) {
      expect([0, 1], r.stderr).toContain(r.code);
      expect(r.stderr).not.toMatch(/history could not be written|database|SQLITE|Operation has timed out/i);
      expect((JSON.parse(r.stdout) as { runs: number }).runs).toBe(160);
    }
    expect(await optimizationEnded(server, runId, 120_000)).toBe("completed");
    expect((await server.optimizer.get(runId))!.error).toBeUndefined();
    expect((await server.optimizations.listCandidates(runId, { split: "validation" })).candidates).toHaveLength(8);
    // No run was stored as interrupted or lost to a database error.
    const runs = await server.db.prisma.run.findMany({ where: { status: { not: "succeeded" } }, select: { id: true, status: true, error: true } });
    expect(runs.filter((r) => /INTERRUPTED|database|SQLITE|Operation has timed out/i.test(r.error ?? "") || r.status !== "failed")).toEqual([]);
    expect(await server.db.prisma.run.count()).toBe(480);
  });
});
