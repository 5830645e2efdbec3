import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** The stored run as the CLI summary names its fields. */
function storedRow(runId: string): Record<string, unknown> {
  const conn = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const row = conn.prepare(`SELECT tokensSpent, costSpent, llmCalls, stopReason FROM OptimizationRun WHERE id = ?`).get(runId) as Record<string, unknown>;
    const n = (conn.prepare(`SELECT COUNT(*) AS n FROM Candidate WHERE runId = ? AND split = 'validation'`).get(runId) as { n: number }).n;
    return { ...row, candidates: n };
  } finally {
    conn.close();
  }
}

/** A graph file: the qa example with its optimizer node's config replaced by `tune`. */
function qaWithOptimizer(name: string, tune: Record<string, unknown>): string {
  const g = JSON.parse(readFileSync("examples/qa.flow.json", "utf8"));
  g.id = name;
  g.nodes.find((n: { id: string }) => n.id === "tune").config = tune;
  const file = path.join(dir, `${name}.flow.json`);
  writeFileSync(file, JSON.stringify(g));
  return file;
}

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
    // The resume's summary is the stored run: totals across both processes, candidates of both.
    expect(out).toMatchObject({ status: "completed", ...storedRow(runId!), candidates: 12 });
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
  it("applies every field of an --optimizer node (flags override it, and say so) and prints what is stored", async () => {
    const tune = {
      targets: ["answer"],
      strategy: "random",
      objectives: [{ metric: "grade", direction: "max" }],
      constraints: [{ metric: "tokens", op: "<=", value: 400 }],
      searchSpace: { instructions: ["Answer with the number only.", "Double-check the arithmetic."], temperature: [0, 0.5], maxDemos: 1 },
      limits: { maxCandidates: 30, maxTimeMs: 600_000, holdoutReserve: 0.3 },
      concurrency: 2,
      seed: 3,
      split: { train: 0.3, validation: 0.4, test: 0.3 },
      regressionTolerance: 0.5,
      dataset: "examples/qa.dataset.jsonl",
    };
    const file = qaWithOptimizer("qa_tuned", tune);
    const r = await flowtune(["optimize", file, "--optimizer", "tune", "--max-candidates", "5", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`note: --max-candidates 5 overrides optimizer node "tune"'s 30`);
    const out = JSON.parse(r.stdout);
    const conn = new Database(dbFile, { readonly: true, fileMustExist: true });
    const config = JSON.parse((conn.prepare(`SELECT config FROM OptimizationRun WHERE id = ?`).get(out.runId) as { config: string }).config);
    conn.close();
    const { dataset: _dataset, ...fields } = tune;
    expect(config).toMatchObject({ ...fields, limits: { ...tune.limits, maxCandidates: 5 } });
    expect(out).toMatchObject({ status: "completed", budgetExhausted: false, ...storedRow(out.runId), candidates: 5 });
  });

  it("without --objective uses the graph's objectives (a note says which), never a ZodError", async () => {
    const r = await flowtune(["optimize", "examples/jury.flow.json", "--node", "juror_small", "--dataset", "examples/jury.dataset.jsonl", "--max-candidates", "2", "--strategy", "random", "--json"]);
    const jury = JSON.parse(readFileSync("examples/jury.flow.json", "utf8"));
    const evaluations = jury.nodes.filter((n: { kind: string }) => n.kind === "evaluation").map((n: { id: string }) => n.id);
    expect(r.stderr).not.toMatch(/ZodError|at .*\.ts:\d+/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`note: objectives ${evaluations.map((e: string) => `${e}:max`).join(", ")} (the graph's evaluation nodes`);
    const qa = await flowtune(["optimize", "examples/qa.flow.json", "--node", "answer", "--dataset", "examples/qa.dataset.jsonl", "--max-candidates", "2", "--json"]);
    expect(qa.code, qa.stderr).toBe(0);
    expect(qa.stderr).toContain(`note: objectives grade:max, tokens:min (from optimizer node "tune"`);
  });

  it("exits 3 when a budget ended the search, 0 when it finished; the summary equals the stored run", async () => {
    const spent = await flowtune([...OPTIMIZE, "--strategy", "random", "--budget-tokens", "3000"]);
    expect(spent.code, spent.stderr).toBe(3);
    const runId = /optimization (\S+) completed/.exec(spent.stdout)![1];
    const row = storedRow(runId);
    expect(spent.stdout).toContain(`${row.candidates} candidates (${row.stopReason}), ${row.llmCalls} LLM calls, ${row.tokensSpent} tokens, $${(row.costSpent as number).toFixed(4)}`);
    expect(row.stopReason).toMatch(/^budget exhausted/);
    expect(spent.stdout).toMatch(/the budget ended the search \(exit code 3\)/);

    const json = await flowtune([...OPTIMIZE, "--strategy", "random", "--budget-tokens", "3000", "--json"]);
    expect(json.code).toBe(3);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ status: "completed", budgetExhausted: true, ...storedRow(doc.runId) });
  });

  it("flowtune params shows the metrics of optimizer versions that --json has", async () => {
    const opt = JSON.parse((await flowtune([...OPTIMIZE, "--strategy", "random", "--max-candidates", "4", "--json"])).stdout);
    const best = opt.versions.find((v: { index: number }) => v.index === opt.best.index);
    const list = await flowtune(["params", "qa", "--node", "answer"]);
    expect(list.code, list.stderr).toBe(0);
    const line = list.stdout.split("\n").find((l) => new RegExp(`^\\*?\\s+v${best.version}\\s`).test(l))!;
    const grade = (v: number) => String(Number(v.toPrecision(3)));
    expect(line).toContain(`test grade=${grade(opt.best.test.grade)}`);
    expect(line).toContain(`val grade=${grade(opt.best.validation.grade)}`);
  });
});
