import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const BIN = path.resolve("bin/flowtune.js");
let dir: string;
let dbFile: string;
const env = (scale = "0") => ({ ...process.env, DATABASE_URL: `file:${dbFile}`, FLOWTUNE_SIM_LATENCY_SCALE: scale, NO_COLOR: "1" });

async function flowtune(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env: env(), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const OPTIMIZE = ["optimize", "examples/qa.flow.json", "--node", "answer", "--dataset", "examples/qa.dataset.jsonl", "--objective", "grade:max", "--objective", "tokens:min", "--seed", "1", "--max-candidates", "12"];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-opt-"));
  dbFile = path.join(dir, "opt.db");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each test spawns several CLI processes (a few seconds each on a busy machine).
describe("flowtune optimize", { timeout: 120_000 }, () => {
  it("beats the baseline on the test split and gives identical results twice", async () => {
    const a = await flowtune([...OPTIMIZE, "--strategy", "nsga2", "--json"]);
    expect(a.code, a.stderr).toBe(0);
    const b = await flowtune([...OPTIMIZE, "--strategy", "nsga2", "--json"]);
    const [ra, rb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ra.best.test.grade).toBeGreaterThan(ra.baseline.test.grade);
    expect(rb.runId).not.toBe(ra.runId);
    for (const key of ["baseline", "best", "pareto"]) expect(rb[key]).toEqual(ra[key]);
  });

  it("resumes a killed optimization and stores every candidate exactly once", async () => {
    const child = spawn(process.execPath, [BIN, ...OPTIMIZE, "--strategy", "tpe", "--json"], { env: env("0.05"), stdio: "ignore" });
    const db = () => new Database(dbFile, { readonly: true, fileMustExist: true });
    let runId: string | undefined;
    for (let i = 0; i < 600 && !runId; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const conn = db();
      const row = conn.prepare(`SELECT r.id AS id, COUNT(c.id) AS n FROM OptimizationRun r JOIN Candidate c ON c.runId = r.id WHERE r.status = 'running' GROUP BY r.id`).get() as { id: string; n: number } | undefined;
      conn.close();
      if (row && row.n >= 3) runId = row.id;
    }
    expect(runId, "the optimization never stored 3 candidates").toBeDefined();
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));

    const resumed = await flowtune(["optimize", "examples/qa.flow.json", "--node", "answer", "--dataset", "examples/qa.dataset.jsonl", "--resume", runId!, "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const out = JSON.parse(resumed.stdout);
    expect(out.runId).toBe(runId);
    const conn = db();
    const counts = conn.prepare(`SELECT "index" AS i, split, COUNT(*) AS n FROM Candidate WHERE runId = ? GROUP BY "index", split`).all(runId) as Array<{ i: number; split: string; n: number }>;
    const status = (conn.prepare(`SELECT status FROM OptimizationRun WHERE id = ?`).get(runId) as { status: string }).status;
    conn.close();
    expect(status).toBe("completed");
    expect(counts.every((c) => c.n === 1)).toBe(true);
    expect(counts.filter((c) => c.split === "validation").map((c) => c.i)).toEqual([...Array(12).keys()]);
    // The same run uninterrupted gives the same answer.
    const fresh = JSON.parse((await flowtune([...OPTIMIZE, "--strategy", "tpe", "--json"])).stdout);
    expect(out.best).toEqual(fresh.best);
  });

  it("saves the front as versions; a run after promote uses the promoted version and says so; rollback restores it", async () => {
    const opt = JSON.parse((await flowtune([...OPTIMIZE, "--strategy", "random", "--json"])).stdout);
    const best = opt.versions.find((v: { index: number }) => v.index === opt.best.index);
    expect(best.version).toBeGreaterThan(1);
    const promote = await flowtune(["promote", "qa", "--node", "answer", "--version", String(best.version), "--reason", "better exact match"]);
    expect(promote.code, promote.stderr).toBe(0);
    const run = await flowtune(["run", "qa", "--input", '{"question": "Nora has 8 pencils. She wins 7 more. How many pencils does Nora have now?", "expected": "15"}', "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).parameterVersions).toEqual({ answer: best.version });
    const shown = JSON.parse((await flowtune(["show", JSON.parse(run.stdout).runId, "--json"])).stdout);
    expect(shown.graph.nodes.find((n: { id: string }) => n.id === "answer").config).toEqual(opt.best.params.answer);

    expect((await flowtune(["rollback", "qa", "--node", "answer", "--reason", "regression in prod"])).code).toBe(0);
    const after = JSON.parse((await flowtune(["run", "qa", "--input", '{"question": "Sam has 3 apples and buys 4 more. How many apples does Sam have now?"}', "--json"])).stdout);
    expect(after.parameterVersions).toEqual({ answer: 1 });
    const audit = await flowtune(["audit", "qa", "--json"]);
    const actions = (JSON.parse(audit.stdout).events ?? JSON.parse(audit.stdout)).map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["promote", "rollback"]));
  });
});
