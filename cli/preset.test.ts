/** `flowtune run <id> --preset NAME`: the workflow's saved input preset, with --input overriding its fields. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppServices } from "../server/services/app.js";
import { presetsOf } from "../server/services/presets.js";

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

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-cli-preset-"));
  dbUrl = `file:${path.join(dir, "cli.db")}`;
  const services = await createAppServices({ databaseUrl: dbUrl, seedExamples: true });
  try {
    await presetsOf(services.db.prisma).save({ workflowId: "qa", name: "apples", inputs: { question: "Sam has 12 apples and buys 5 more. How many apples does Sam have now?", expected: "17" }, actor: "test" });
  } finally {
    await services.close();
  }
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("flowtune run --preset", { timeout: 90_000 }, () => {
  it("runs with the preset's inputs, --input overriding a field; an unknown preset is a usage error naming the known ones", async () => {
    const r = await flowtune(["run", "qa", "--preset", "apples", "--input", '{"expected": "99"}', "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { nodes: Record<string, { output?: unknown }> };
    expect(doc.nodes.in.output).toEqual({ question: "Sam has 12 apples and buys 5 more. How many apples does Sam have now?", expected: "99" });

    const missing = await flowtune(["run", "qa", "--preset", "pears"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('workflow "qa" has no input preset "pears"; its presets: "apples"');
  });
});
