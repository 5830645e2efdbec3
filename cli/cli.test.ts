import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const BIN = path.resolve("bin/flowtune.js");
let dir: string;
let dbUrl: string;

async function flowtune(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: dbUrl, FLOWTUNE_SIM_LATENCY_SCALE: "0", NO_COLOR: "1" } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function graphFile(name: string, mutate: (g: Record<string, any>) => void): string {
  const g: Record<string, any> = {
    version: 1,
    id: "bad",
    name: "bad",
    nodes: [
      { id: "in", kind: "input", config: { fields: [{ name: "q" }] } },
      { id: "a", kind: "ai", config: { provider: "sim", model: "sim-small", prompt: "{{ inputs.q }}" } },
      { id: "b", kind: "output", config: {} },
    ],
    edges: [
      { id: "e1", source: "in", target: "a", kind: "pipeline" },
      { id: "e2", source: "a", target: "b", kind: "pipeline" },
    ],
  };
  mutate(g);
  const file = path.join(dir, `${name}.flow.json`);
  writeFileSync(file, JSON.stringify(g));
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-cli-"));
  dbUrl = `file:${path.join(dir, "cli.db")}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each test spawns several CLI processes (a few seconds each on a busy machine).
describe("flowtune CLI", { timeout: 90_000 }, () => {
  it("refuses broken graphs with exit 1, names the culprit, and writes nothing", async () => {
    const cases: Array<[string, (g: Record<string, any>) => void, RegExp]> = [
      ["dangling", (g) => g.edges.push({ id: "e3", source: "b", target: "ghost", kind: "pipeline" }), /edge "e3" field target: dangling edge: target node "ghost" does not exist/],
      ["cycle", (g) => g.edges.push({ id: "e3", source: "b", target: "a", kind: "pipeline" }), /cycle: .*a.*b/],
      ["kind", (g) => g.nodes.push({ id: "zap", kind: "teleport", config: {} }), /node "zap" field kind: unknown node kind "teleport"/],
      ["template", (g) => (g.nodes[1].config.prompt = "{{ inputs.q "), /node "a" field config.prompt: template syntax error/],
    ];
    for (const [name, mutate, message] of cases) {
      const file = graphFile(name, mutate);
      for (const cmd of [["validate", file], ["run", file, "--input", '{"q":"x"}']]) {
        const r = await flowtune(cmd);
        expect(r.code, `${name} ${cmd[0]}`).toBe(1);
        expect(r.stderr).toMatch(message);
      }
    }
    expect(existsSync(path.join(dir, "cli.db"))).toBe(false);
  });

  it("exits 2 on usage errors", async () => {
    expect((await flowtune(["run"])).code).toBe(2);
    expect((await flowtune(["frobnicate"])).code).toBe(2);
    const r = await flowtune(["run", "examples/qa.flow.json", "--input", "{not json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--input is not valid JSON/);
    expect((await flowtune(["--help"])).code).toBe(0);
  });

  it("runs an example with --json, lists it, shows its timeline and re-runs it from a node", async () => {
    const run = await flowtune(["run", "examples/qa.flow.json", "--input", '{"question": "Sam has 12 apples and buys 5 more. How many apples does Sam have now?", "expected": "17"}', "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ status: "succeeded", nodes: { in: { status: "succeeded" }, answer: { status: "succeeded" }, grade: { status: "succeeded" }, out: { status: "succeeded" } } });
    expect(typeof doc.runId).toBe("string");
    // The sim may answer wrongly or chattily; the grade must agree with what it answered.
    expect(doc.outputs.out.answer.length).toBeGreaterThan(0);
    expect(doc.outputs.out.score).toBe(doc.outputs.out.answer.trim() === "17" ? "1" : "0");

    const runs = await flowtune(["runs"]);
    expect(runs.stdout).toContain(doc.runId);
    expect(runs.stdout).toMatch(/qa\s+succeeded/);

    const show = await flowtune(["show", doc.runId]);
    expect(show.code).toBe(0);
    for (const n of ["in", "answer", "grade", "out"]) expect(show.stdout).toMatch(new RegExp(`^${n}\\s+succeeded`, "m"));

    const rerun = await flowtune(["rerun", doc.runId, "--from", "grade", "--json"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const again = JSON.parse(rerun.stdout);
    expect(again.status).toBe("succeeded");
    const shown = await flowtune(["show", again.runId, "--json"]);
    const nodes = JSON.parse(shown.stdout).nodes as Array<{ nodeId: string; reused: boolean }>;
    expect(nodes.find((n) => n.nodeId === "answer")!.reused).toBe(true);
    expect(nodes.find((n) => n.nodeId === "grade")!.reused).toBe(false);
  });

  it("run --json shows a failed node as failed, with its error (never as running)", async () => {
    const file = graphFile("failing", (g) => (g.nodes[1].config.model = "sim-nope"));
    const r = await flowtune(["run", file, "--input", '{"q":"x"}', "--json"]);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe("failed");
    expect(doc.nodes.a).toMatchObject({ status: "failed", error: { code: "PROVIDER_ERROR", message: expect.stringContaining("sim-nope") } });
    expect(Object.values(doc.nodes).map((n) => (n as { status: string }).status)).not.toContain("running");
    // The stored run agrees.
    const shown = JSON.parse((await flowtune(["show", doc.runId, "--json"])).stdout);
    expect(shown.nodes.find((n: { nodeId: string }) => n.nodeId === "a").status).toBe("failed");
  });

  it("a directory or missing file given as a dataset is a usage error (exit 2) in one line", async () => {
    for (const args of [["batch", "examples/qa.flow.json", "--dataset", dir], ["dataset", "import", dir, "--name", "d"], ["batch", "examples/qa.flow.json", "--dataset", path.join(dir, "nope.jsonl")]]) {
      const r = await flowtune(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/is a directory, not a file|no such file/);
      expect(r.stderr).not.toMatch(/EISDIR|\bat /);
    }
  });

  it("prints stored names with control characters escaped, never raw", async () => {
    const { createAppServices } = await import("../server/services/app.js");
    const app = await createAppServices({ databaseUrl: dbUrl });
    try {
      await app.auth.createToken({ name: "evil\u001b[2J\u202Ename", role: "viewer" }, "legacy");
    } finally {
      await app.close();
    }
    const r = await flowtune(["token", "list"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("evil\\u{1B}[2J\\u{202E}name");
    expect(r.stdout.includes("\u001b") || r.stdout.includes("\u202e")).toBe(false);
  });

  it("batch prints stats for a dataset", async () => {
    const r = await flowtune(["batch", "examples/qa.flow.json", "--dataset", "examples/qa.dataset.jsonl", "--concurrency", "8", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.runs).toBeGreaterThanOrEqual(30);
    expect(stats.succeeded).toBe(stats.runs);
    expect(stats.totalTokens).toBeGreaterThan(0);
    expect(stats.scores.grade.n).toBe(stats.runs);
  });
});
