// Issue 9, H9 finding 3: run inputs have a size limit on the CLI too (runs and batch rows), checked before anything runs.
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
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${path.join(dir, "cli.db")}`, FLOWTUNE_SIM_LATENCY_SCALE: "0", NO_COLOR: "1" };
  for (const k of Object.keys(env)) if (k.startsWith("FLOWTUNE_LIMIT_")) delete env[k];
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-cli-input-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("CLI run inputs over runInputChars", () => {
  it("run: refused naming the field, nothing run", async () => {
    const input = path.join(dir, "big.json");
    writeFileSync(input, JSON.stringify({ question: "x".repeat(1_000_001), expected: "15" }));
    const r = await flowtune(["run", "examples/qa.flow.json", "--input", `@${input}`, "--json"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error [INPUT_INVALID]: run inputs are over the limit of 1,000,000 characters of JSON (runInputChars): input "question" is over 1,000,000 characters');
    expect(r.stdout).toBe("");
  }, 60_000);

  it("batch: a row over the limit is a usage error naming the row, before any row runs", async () => {
    const dataset = path.join(dir, "rows.jsonl");
    writeFileSync(dataset, [{ question: "small", expected: "1" }, { question: "y".repeat(1_000_001), expected: "2" }].map((r) => JSON.stringify(r)).join("\n"));
    const r = await flowtune(["batch", "examples/qa.flow.json", "--dataset", dataset, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`error: --dataset ${dataset}: row 2: run inputs are over the limit of 1,000,000 characters of JSON (runInputChars): input "question" is over 1,000,000 characters`);
    expect(r.stdout).toBe("");
  }, 60_000);
});
