import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../server/db.js";
import { createParameterStore } from "../server/store/parameters.js";
import { actorOf, parseVersion } from "./commands/params.js";

const exec = promisify(execFile);
const BIN = path.resolve("bin/flowtune.js");
let dir: string;
let dbUrl: string;

async function flowtune(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: dbUrl, NO_COLOR: "1", USER: "tester", ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Adds versions the way the optimizer would, through the store on the same database file. */
async function addVersions(): Promise<void> {
  const db = await openDatabase({ url: dbUrl });
  try {
    const store = createParameterStore(db.prisma);
    const base = (await store.getVersion("qa", "answer", 1))!.params;
    await store.createVersion({
      workflowId: "qa",
      nodeId: "answer",
      params: { ...base, systemPrompt: `${base.systemPrompt}\nAnswer with the number only.`, temperature: 0.2 },
      metrics: { accuracy: 0.9, costUsd: 0.0012 },
      datasetId: "ds-qa",
      optimizationRunId: "opt-1",
      sourceCandidateId: 4,
      actor: "optimizer",
    });
    await store.createVersion({ workflowId: "qa", nodeId: "answer", params: { ...base, maxTokens: 64 }, metrics: { accuracy: 0.7 }, actor: "optimizer" });
  } finally {
    await db.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-cli-params-"));
  dbUrl = `file:${path.join(dir, "cli.db")}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each test spawns several CLI processes (a few seconds each on a busy machine).
describe("flowtune params / promote / rollback / diff / audit", { timeout: 90_000 }, () => {
  it("lists, promotes, rolls back, diffs and audits an AI node's parameters", async () => {
    // A graph file is saved as the workflow; the first touch creates v1 from it.
    const first = await flowtune(["params", "examples/qa.flow.json", "--node", "answer", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ workflowId: "qa", nodeId: "answer", production: 1, versions: [{ version: 1, status: "production", actor: "tester" }] });

    await addVersions();
    const list = await flowtune(["params", "qa", "--node", "answer"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/production is v1/);
    expect(list.stdout).toMatch(/^\*\s+v1\s+production\s+-\s+.*graph \(workflow v1\)/m);
    expect(list.stdout).toMatch(/^\s+v2\s+candidate\s+accuracy=0\.9 costUsd=0\.0012\s+.*optimizer\s+run opt-1, candidate 4, dataset ds-qa/m);
    expect(list.stdout).toMatch(/^\s+v3\s+candidate\s+accuracy=0\.7/m);

    const promote = await flowtune(["promote", "qa", "--node", "answer", "--version", "v2", "--reason", "accuracy 0.9 on ds-qa", "--actor", "alice"]);
    expect(promote.code, promote.stderr).toBe(0);
    expect(promote.stdout).toMatch(/promoted v1 → v2 \(production is now v2\)/);
    const again = await flowtune(["promote", "qa", "--node", "answer", "--version", "2", "--reason", "again", "--json"]);
    expect(JSON.parse(again.stdout)).toEqual({ workflowId: "qa", nodeId: "answer", changed: false, from: 2, to: 2 });

    // Refusals write nothing, so they can run side by side.
    const [listed, missing, noReason, badVersion, ghost, notAi, noV2] = await Promise.all([
      flowtune(["params", "qa", "--node", "answer"]),
      flowtune(["promote", "qa", "--node", "answer", "--version", "9", "--reason", "x"]),
      flowtune(["promote", "qa", "--node", "answer", "--version", "2"]),
      flowtune(["promote", "qa", "--node", "answer", "--version", "two", "--reason", "x"]),
      flowtune(["promote", "ghost", "--node", "answer", "--version", "2", "--reason", "x"]),
      flowtune(["params", "qa", "--node", "grade"]),
      flowtune(["diff", "qa", "--node", "answer", "1"]),
    ]);
    expect(listed.stdout).toMatch(/^\*\s+v2\s+production/m);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NOT_FOUND.*has no version v9 \(versions v1–v3\)/);
    expect([noReason.code, badVersion.code, ghost.code, noV2.code]).toEqual([2, 2, 2, 2]);
    expect(badVersion.stderr).toMatch(/--version must be a version number/);
    expect(notAi.code).toBe(1);
    expect(notAi.stderr).toMatch(/evaluation node, not an AI node/);

    const rollback = await flowtune(["rollback", "qa", "--node", "answer", "--reason", "regression in prod"]);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toMatch(/rolled back v2 → v1/);

    const [never, diff, diff23json] = await Promise.all([
      flowtune(["rollback", "qa", "--node", "answer", "--to", "3", "--reason", "x"]),
      flowtune(["diff", "qa", "--node", "answer", "1", "2"]),
      flowtune(["diff", "qa", "--node", "answer", "v2", "v3", "--json"]),
    ]);
    expect(never.code).toBe(1);
    expect(never.stderr).toMatch(/CONFLICT.*v3 was never in production/);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain("qa / answer: v1 → v2");
    expect(diff.stdout).toMatch(/^systemPrompt:\n {2}You are a helpful assistant\.\n\+ Answer with the number only\.$/m);
    expect(diff.stdout).toMatch(/^temperature: 0 → 0\.2 \(\+0\.2\)$/m);
    expect(diff.stdout).toMatch(/^\s+accuracy\s+-\s+0\.9\s+-$/m);
    expect(diff.stdout).toMatch(/different datasets/);
    const diff23 = JSON.parse(diff23json.stdout);
    expect(diff23.metrics).toEqual(expect.arrayContaining([expect.objectContaining({ name: "accuracy", before: 0.9, after: 0.7 })]));

    const [audit, table] = await Promise.all([flowtune(["audit", "qa", "--node", "answer", "--json"]), flowtune(["audit", "qa"])]);
    expect(audit.code, audit.stderr).toBe(0);
    expect((JSON.parse(audit.stdout) as Array<Record<string, unknown>>).map((e) => [e.action, e.beforeVersion, e.afterVersion, e.actor, e.reason])).toEqual([
      ["rollback", 2, 1, "tester", "regression in prod"],
      ["promote", 1, 2, "alice", "accuracy 0.9 on ds-qa"],
      ["create", null, 3, "optimizer", null],
      ["create", null, 2, "optimizer", null],
      ["baseline", null, 1, "tester", "baseline: the graph's own parameters"],
    ]);
    expect(table.stdout).toMatch(/answer\s+rollback\s+v2 → v1\s+tester\s+regression in prod/);
  }, 180_000);

  it("imports datasets with versioning and lists them", async () => {
    const imported = await flowtune(["dataset", "import", "examples/qa.dataset.jsonl", "--name", "qa", "--json"]);
    expect(imported.code, imported.stderr).toBe(0);
    const doc = JSON.parse(imported.stdout);
    expect(doc).toMatchObject({ name: "qa", version: 1, created: true });
    expect(doc.rows).toBe(readFileSync("examples/qa.dataset.jsonl", "utf8").split("\n").filter((l) => l.trim()).length);
    expect(doc.hash).toMatch(/^[0-9a-f]{64}$/);

    const same = await flowtune(["dataset", "import", "examples/qa.dataset.jsonl", "--name", "qa"]);
    expect(same.stdout).toMatch(/dataset qa v1: \d+ rows, sha256 [0-9a-f]{16}… \(unchanged: same rows as v1, nothing stored\)/);

    const csv = path.join(dir, "small.csv");
    writeFileSync(csv, 'question,expected\n"What is 2+2?",4\n');
    const v2 = await flowtune(["dataset", "import", csv, "--name", "qa"]);
    expect(v2.stdout).toMatch(/dataset qa v2: 1 rows, .*\(new version\)/);

    const list = await flowtune(["dataset", "list"]);
    expect(list.stdout).toMatch(/^qa\s+v2\s+1\s+[0-9a-f]{12}\s+small\.csv/m);
    expect(list.stdout).toMatch(/^qa\s+v1\s+\d+\s+[0-9a-f]{12}\s+qa\.dataset\.jsonl/m);

    const bad = path.join(dir, "bad.jsonl");
    writeFileSync(bad, '{"a":1}\nnot json\n');
    const [noFile, noName, broken] = await Promise.all([
      flowtune(["dataset", "import", "nope.jsonl", "--name", "x"]),
      flowtune(["dataset", "import", csv]),
      flowtune(["dataset", "import", bad, "--name", "bad"]),
    ]);
    expect([noFile.code, noName.code]).toEqual([2, 2]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/line 2/);
  }, 120_000);
});

describe("CLI argument helpers", () => {
  it("parses versions and picks the actor", () => {
    expect(parseVersion("3")).toBe(3);
    expect(parseVersion("v12")).toBe(12);
    expect(() => parseVersion("0")).toThrow(/version number/);
    expect(() => parseVersion("v")).toThrow(/version number/);
    expect(actorOf({ actor: "alice" }, { USER: "bob" })).toBe("alice");
    expect(actorOf({}, { USER: "bob" })).toBe("bob");
    expect(actorOf({}, {})).toBe("cli");
  });
});
