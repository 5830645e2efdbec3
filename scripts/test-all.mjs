// `npm test`: typecheck, lint, unit/integration tests (vitest) and end-to-end tests (Playwright),
// then one plain closing line "N passed, N failed" with the totals of every suite.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const out = "test-results/summary";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let passed = 0;
let failed = 0;
const problems = [];

function step(name, cmd, args, env = {}) {
  console.log(`\n▶ ${name}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status !== 0) problems.push(`${name} exited with ${r.status ?? r.signal}`);
  return r.status === 0;
}

// Static checks count as one test each: a type error or a lint error must turn CI red.
for (const [name, args] of [["typecheck", ["tsc", "--noEmit", "-p", "tsconfig.json"]], ["lint", ["eslint", "."]]]) {
  if (step(name, "npx", args)) passed++;
  else failed++;
}

step("unit and integration tests", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${out}/vitest.json`]);
if (existsSync(`${out}/vitest.json`)) {
  const v = JSON.parse(readFileSync(`${out}/vitest.json`, "utf8"));
  passed += v.numPassedTests;
  failed += v.numFailedTests + (v.numTotalTestSuites > 0 && v.success === false && v.numFailedTests === 0 ? 1 : 0);
  if (v.numPendingTests || v.numTodoTests) problems.push(`vitest: ${v.numPendingTests} skipped, ${v.numTodoTests} todo (not allowed)`);
} else {
  failed++;
  problems.push("vitest wrote no report");
}

step("end-to-end tests", "npx", ["playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/playwright.json` });
if (existsSync(`${out}/playwright.json`)) {
  const p = JSON.parse(readFileSync(`${out}/playwright.json`, "utf8"));
  passed += p.stats.expected + p.stats.flaky;
  failed += p.stats.unexpected;
  if (p.stats.skipped) problems.push(`playwright: ${p.stats.skipped} skipped (not allowed)`);
  if (p.errors?.length) {
    failed += p.errors.length;
    problems.push(`playwright: ${p.errors.length} global error(s)`);
  }
} else {
  failed++;
  problems.push("playwright wrote no report");
}

if (problems.length) console.log(`\nProblems:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || problems.length > 0 ? 1 : 0);
