// The CLI accepts graph files with sticky notes (validate, run) and names a bad note's field.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const BIN = path.resolve("bin/flowtune.js");
let dir: string;

async function flowtune(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: `file:${path.join(dir, "cli.db")}`, FLOWTUNE_SIM_LATENCY_SCALE: "0", NO_COLOR: "1" };
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function graphFile(name: string, notes: unknown[]): string {
  const g = {
    version: 1,
    id: "noted",
    name: "noted",
    nodes: [
      { id: "in", kind: "input", config: { fields: [{ name: "q" }] } },
      { id: "out", kind: "output", config: { fields: { echo: "{{ inputs.q }}" } } },
    ],
    edges: [{ id: "e1", source: "in", target: "out", kind: "pipeline" }],
    notes,
  };
  const file = path.join(dir, `${name}.flow.json`);
  writeFileSync(file, JSON.stringify(g));
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-cli-notes-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("flowtune CLI with notes", { timeout: 90_000 }, () => {
  it("validates and runs a graph with notes, and names a bad note's field", async () => {
    const good = graphFile("good", [{ id: "why", text: "Explains {{ nodes.x }}\nline 2", position: { x: 0, y: -100 }, color: "yellow" }]);
    expect((await flowtune(["validate", good])).code).toBe(0);
    const r = await flowtune(["run", good, "--input", '{"q":"hi"}', "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"echo": "hi"');

    const bad = graphFile("bad", [{ id: "why", text: "t", position: { x: 0, y: 0 }, colour: "red" }]);
    const v = await flowtune(["validate", bad]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/notes\.0\.colour: unrecognized key "colour"/);
  });
});
