/**
 * A hard token cap holds across SIGKILLs of the server: an optimization is started the way the API
 * starts one, the server process (optimization-kill.fixture.ts, the node process itself) is killed
 * after every 20 billed calls, restarted on the same SQLite file and resumes it, four times; the
 * fifth process finishes it. The provider's bill (a ledger the fixture appends to before the
 * optimizer sees an answer) must stay within the cap plus the calls in flight at the cap and at
 * each kill — before spend was persisted, every restart began again at zero.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { optimizationState } from "../rest/optimizations.js";
import { createAppServices } from "./app.js";

const FIXTURE = path.join(import.meta.dirname, "optimization-kill.fixture.ts");
const PER_CALL = 100; // as in the fixture
const CAP = 12_000;
const CONCURRENCY = 2;
const KILLS = 4;
const CALLS_PER_LIFE = 20;

const dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-optkill-"));
const databaseUrl = `file:${path.join(dir, "kill.db")}`;
const ledger = path.join(dir, "ledger.txt");
writeFileSync(ledger, "");
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const billedCalls = () => (existsSync(ledger) ? readFileSync(ledger, "utf8").split("\n").filter(Boolean).length : 0);

/** Runs the fixture; SIGKILLs it once it has made `killAfter` more billed calls. Resolves with its output and how it ended. */
function life(mode: "start" | "resume", runId: string | undefined, killAfter: number): Promise<{ out: string; killed: boolean; code: number | null }> {
  const config = { targets: ["answer"], strategy: "random", objectives: [{ metric: "grade", direction: "max" }], seed: 8, concurrency: CONCURRENCY, limits: { maxCandidates: 200, budgetTokens: CAP } };
  const env: NodeJS.ProcessEnv = { ...process.env, FLOWTUNE_KILL_DB: databaseUrl, FLOWTUNE_KILL_LEDGER: ledger, FLOWTUNE_KILL_MODE: mode, FLOWTUNE_KILL_CONFIG: JSON.stringify(config), FLOWTUNE_KILL_RUN: runId ?? "" };
  delete env.DATABASE_URL;
  // node itself (not a tsx wrapper): the SIGKILL reaches the process that runs the optimization.
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE], { cwd: path.join(import.meta.dirname, "../.."), env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const start = billedCalls();
  let killed = false;
  const watch = setInterval(() => {
    if (billedCalls() - start >= killAfter && child.exitCode === null) {
      killed = true;
      child.kill("SIGKILL");
    }
  }, 5);
  return new Promise((resolve) => {
    child.once("exit", (code) => {
      clearInterval(watch);
      resolve({ out, killed, code });
    });
  });
}

describe("a token cap across server kills", () => {
  it(`${KILLS} SIGKILL + restart cycles: billed ≤ cap + (kills + 1) × calls in flight, and the stored totals carry over`, async () => {
    let runId: string | undefined;
    for (let k = 0; k < KILLS; k++) {
      const r = await life(k === 0 ? "start" : "resume", runId, CALLS_PER_LIFE);
      expect(r.killed, r.out).toBe(true);
      runId ??= /run (\S+)/.exec(r.out)?.[1];
      expect(runId, r.out).toBeDefined();
    }
    const last = await life("resume", runId, Infinity);
    expect(last.code, last.out).toBe(0);

    const bill = billedCalls() * PER_CALL;
    const inFlight = CONCURRENCY * PER_CALL;
    const app = await createAppServices({ databaseUrl });
    try {
      const run = (await app.optimizations.getRun(runId!))!;
      expect(run).toMatchObject({ status: "completed", budgetExhausted: true, stopReason: expect.stringMatching(/^budget exhausted/) });
      // The bill: the cap, plus at most the calls in flight when it was reached and at each kill.
      expect(bill).toBeLessThanOrEqual(CAP + (KILLS + 1) * inFlight);
      // The record: over the cap by at most the calls in flight, and short of the bill by at most those lost per kill.
      expect(run.tokensSpent).toBeLessThanOrEqual(CAP + inFlight);
      expect(run.tokensSpent).toBeGreaterThanOrEqual(bill - KILLS * inFlight);
      // The REST state shows the same numbers and the stop.
      expect(await optimizationState(app, run)).toMatchObject({ status: "completed", tokens_spent: run.tokensSpent, llm_calls: run.llmCalls, budget_exhausted: true });
      const { candidates } = await app.optimizations.listCandidates(runId!, { limit: 1000 });
      const keys = candidates.map((c) => `${c.index}/${c.split}`);
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      await app.close();
    }
  }, 120_000);
});
