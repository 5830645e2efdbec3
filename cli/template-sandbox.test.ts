import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const BIN = path.resolve("bin/flowtune.js");
const SECRET_LINE = JSON.parse(readFileSync("package.json", "utf8")).description as string;
let dir: string;

async function flowtune(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: `file:${path.join(dir, "cli.db")}`, FLOWTUNE_SIM_LATENCY_SCALE: "0", NO_COLOR: "1" };
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env, cwd: path.resolve(".") });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function graphFile(name: string, prompt: string): string {
  const g = {
    version: 1,
    id: "sandbox",
    name: "sandbox",
    nodes: [
      { id: "in", kind: "input", config: { fields: [{ name: "q" }] } },
      { id: "a", kind: "ai", config: { provider: "sim", model: "sim-small", prompt } },
      { id: "b", kind: "output", config: {} },
    ],
    edges: [
      { id: "e1", source: "in", target: "a", kind: "pipeline" },
      { id: "e2", source: "a", target: "b", kind: "pipeline" },
    ],
  };
  const file = path.join(dir, `${name}.flow.json`);
  writeFileSync(file, JSON.stringify(g));
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-sandbox-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("flowtune CLI and hostile templates", { timeout: 90_000 }, () => {
  it("validate names the node and field of a partial, in one line, without a stack, and exits 1", async () => {
    for (const [name, prompt] of [["missing", "{% include '/etc/passwd' %}"], ["existing", "{% render 'package.json' %}"]]) {
      const r = await flowtune(["validate", graphFile(name, prompt)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^ {2}- node "a" field config\.prompt: \{% (include|render) %\} is not supported: templates cannot include partials or files/m);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout + r.stderr).not.toContain(SECRET_LINE);
    }
  });

  it("run with a 30M-iteration loop fails the node quickly, and the process exits", async () => {
    const started = Date.now();
    const r = await flowtune(["run", graphFile("loop", "{% for i in (1..30000000) %}x{% endfor %}"), "--input", '{"q":"x"}']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/node "a": template memory limit exceeded/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
