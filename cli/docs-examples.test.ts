/**
 * Every `npx flowtune …` command the README and docs/*.md show works on a fresh database, in the
 * order the page shows it (each page on its own new database): code blocks line by line
 * (continuations joined, comments dropped, `<run-id>` = the newest run), and inline examples
 * without placeholders.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "bin/flowtune.js");
const PAGES = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The line without a trailing shell comment (a `#` after a blank, outside quotes). */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && /\s/.test(line[i - 1] ?? "")) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** The page's `npx flowtune` commands in order: code-block lines, then inline examples without placeholders. */
function docCommands(markdown: string): string[] {
  const out: string[] = [];
  for (const block of markdown.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    const lines = block[1].replace(/\s*\\\n\s*/g, " ").split("\n");
    for (const line of lines.map(stripComment)) if (line.startsWith("npx flowtune ")) out.push(line);
  }
  for (const m of markdown.replace(/```[\s\S]*?```/g, "").matchAll(/`(npx flowtune [^`]+)`/g)) {
    if (!/[<>[\]…]/.test(m[1])) out.push(m[1]);
  }
  return out;
}

async function sh(command: string, dbUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: dbUrl, FLOWTUNE_SIM_LATENCY_SCALE: "0", NO_COLOR: "1", USER: "docs" };
  try {
    const r = await exec("sh", ["-c", command], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("documented CLI examples", () => {
  it("the extractor finds the documented commands", () => {
    const optimization = docCommands(readFileSync(path.join(ROOT, "docs/optimization.md"), "utf8"));
    expect(optimization).toEqual(expect.arrayContaining([expect.stringMatching(/^npx flowtune optimize qa --node answer --dataset qa --strategy nsga2 --objective grade:max --objective tokens:min --seed 1$/), "npx flowtune optimize qa --optimizer tune"]));
    expect(docCommands(readFileSync(path.join(ROOT, "README.md"), "utf8"))).toEqual(expect.arrayContaining(["npx flowtune show <run-id>", "npx flowtune --help"]));
  });

  for (const page of PAGES) {
    const commands = docCommands(readFileSync(path.join(ROOT, page), "utf8"));
    if (commands.length === 0) continue;
    // Dozens of CLI processes per page on a busy machine.
    it(`${page}: every command exits 0 on a fresh database`, { timeout: 600_000 }, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-docs-"));
      dirs.push(dir);
      const dbUrl = `file:${path.join(dir, "docs.db")}`;
      for (const command of commands) {
        let line = command;
        if (line.includes("<run-id>")) {
          const runs = JSON.parse((await sh(`node ${JSON.stringify(BIN)} runs --limit 1 --json`, dbUrl)).stdout) as { runs: Array<{ id: string }> };
          expect(runs.runs.length, `${page}: "${command}" needs a run`).toBe(1);
          line = line.replaceAll("<run-id>", runs.runs[0].id);
        }
        const r = await sh(line.replace(/^npx flowtune /, `node ${JSON.stringify(BIN)} `), dbUrl);
        expect(r.code, `${page}: ${command}\n${r.stderr}`).toBe(0);
      }
    });
  }
});
