/**
 * Datasets page (upload, preview, splits) and the parameter panel of an AI node (versions, diff,
 * promote, rollback, production history) in the real product. The optimization that creates the
 * versions to promote runs through the CLI against the e2e database, as a user would run it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { createLoginUrl, DATABASE_URL, PORT } from "./env.js";

const QA_DATASET = path.join(process.cwd(), "examples", "qa.dataset.jsonl");
const SCREENS = path.join("test-results", "screens");
// A copy of the qa workflow that no other spec touches, so its parameter history starts at v1.
const WORKFLOW = "qa-params";
const WORKFLOW_FILE = path.join(process.env.FLOWTUNE_E2E_TMP ?? "test-results", `${WORKFLOW}.flow.json`);

function writeWorkflowCopy(): void {
  const graph = JSON.parse(readFileSync(path.join(process.cwd(), "examples", "qa.flow.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(WORKFLOW_FILE, JSON.stringify({ ...graph, id: WORKFLOW, name: "QA (parameters e2e)" }));
}

test.describe.configure({ mode: "serial" });
test.beforeAll(() => mkdirSync(SCREENS, { recursive: true }));

/** Runs the flowtune CLI (bin/flowtune.js, what npx runs) on the e2e database. */
function flowtune(args: string[]): string {
  return execFileSync(process.execPath, [path.join(process.cwd(), "bin", "flowtune.js"), ...args], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL, FLOWTUNE_PORT: String(PORT), FLOWTUNE_SIM_LATENCY_SCALE: "0" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
}

async function openDatasets(page: Page): Promise<void> {
  await page.getByTestId("nav-datasets").click();
  await expect(page.getByTestId("datasets-panel")).toBeVisible();
}

/** Workflow qa-params, node answer, tab "Parameters". */
async function openParameters(page: Page): Promise<void> {
  await page.goto(`/#${WORKFLOW}`);
  await page.getByTestId(`workflow-item-${WORKFLOW}`).click();
  await page.getByTestId("node-answer").click();
  await page.getByRole("tab", { name: "Parameters" }).click();
  await expect(page.getByTestId("parameter-panel")).toBeVisible();
}

test("uploads the qa dataset, previews its rows and the optimizer's split", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await signIn(page);
  await openDatasets(page);
  const panel = page.getByTestId("datasets-panel");
  await page.screenshot({ path: `${SCREENS}/datasets-before-upload.png` });

  // The file chooser; the name defaults from the file name ("qa.dataset.jsonl" → "qa").
  await page.getByTestId("dataset-upload").setInputFiles(QA_DATASET);
  await expect(page.getByTestId("dataset-name")).toHaveValue("qa");
  await page.getByTestId("dataset-import-button").click();
  await expect(page.getByTestId("dataset-import-result")).toContainText(/Imported qa v1: 40 rows|qa unchanged: same rows as v\d+/);

  const row = page.getByTestId("dataset-row-qa");
  await expect(row).toBeVisible();
  await expect(row).toContainText("40");
  await expect(row).toContainText("qa.dataset.jsonl");
  await expect(panel.getByTestId("dataset-rows")).toHaveText("40");

  // The preview: first page of rows, columns from the rows' keys, a split per row.
  const preview = page.getByTestId("dataset-preview");
  await expect(preview.locator("thead")).toContainText("question");
  await expect(preview.locator("thead")).toContainText("expected");
  await expect(preview.locator("tbody tr")).toHaveCount(25);
  await expect(preview.locator("tbody tr[data-split]")).toHaveCount(25);
  await expect(page.getByTestId("dataset-page-range")).toHaveText("1–25 of 40");

  // Splits with the optimizer's default ratios (0.4 / 0.3 / 0.3) and seed 0: 16 / 12 / 12.
  const splits = page.getByTestId("dataset-splits");
  await expect(splits.getByTestId("split-count-train")).toHaveText("16");
  await expect(splits.getByTestId("split-count-validation")).toHaveText("12");
  await expect(splits.getByTestId("split-count-test")).toHaveText("12");
  await page.screenshot({ path: `${SCREENS}/datasets-preview.png`, fullPage: true });

  // Another seed: same counts, rows assigned differently.
  const before = await preview.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-split")));
  await splits.getByTestId("split-seed").fill("7");
  await expect
    .poll(async () => (await preview.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-split")))).join(","))
    .not.toBe(before.join(","));
  await expect(splits.getByTestId("split-count-train")).toHaveText("16");

  // Second page.
  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page.getByTestId("dataset-page-range")).toHaveText("26–40 of 40");
  await expect(preview.locator("tbody tr")).toHaveCount(15);
  await page.screenshot({ path: `${SCREENS}/datasets-page2-seed7.png`, fullPage: true });

  // Uploading the same file again creates nothing.
  await page.getByTestId("dataset-upload").setInputFiles(QA_DATASET);
  await page.getByTestId("dataset-import-button").click();
  await expect(page.getByTestId("dataset-import-result")).toContainText(/qa unchanged: same rows as v1/);

  // A malformed JSONL file: the server's message names the line.
  await page.getByTestId("dataset-upload").setInputFiles({ name: "broken.jsonl", mimeType: "application/json", buffer: Buffer.from('{"a": 1}\n{"a": 2\n') });
  await expect(page.getByTestId("dataset-name")).toHaveValue("broken");
  await page.getByTestId("dataset-import-button").click();
  await expect(page.getByTestId("dataset-import-error")).toContainText("line 2");
  await page.screenshot({ path: `${SCREENS}/datasets-import-error.png` });
  expect(pageErrors).toEqual([]);
});

test("lists parameter versions, diffs them, promotes and rolls back with reasons", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  // The dataset is imported by the previous test (or here, when run alone).
  flowtune(["dataset", "import", "examples/qa.dataset.jsonl", "--name", "qa"]);
  writeWorkflowCopy();
  // Optimizing a graph file stores the workflow under its id (qa-params).
  const out = flowtune(["optimize", WORKFLOW_FILE, "--node", "answer", "--dataset", "qa", "--strategy", "random", "--max-candidates", "4", "--objective", "grade:max"]);
  const created = /answer v(\d+)/.exec(out);
  expect(created, `the optimization saved a version:\n${out}`).not.toBeNull();
  const v = Number(created![1]);
  expect(v).toBeGreaterThan(1);

  await signIn(page);
  await openParameters(page);
  const panel = page.getByTestId("parameter-panel");

  // v1 (the graph's own parameters) is production; the optimizer's version is a candidate.
  await expect(panel.getByTestId("param-version-1")).toHaveAttribute("data-production", "true");
  await expect(panel.getByTestId("param-version-1").getByTestId("production-badge")).toBeVisible();
  await expect(panel.getByTestId(`param-version-${v}`)).toHaveAttribute("data-status", "candidate");
  await expect(panel.getByTestId(`param-version-${v}`)).toContainText("optimization");
  await expect(panel.getByTestId("production-badge")).toHaveCount(1);

  // Diff v1 → v: prompt lines added/removed, parameter changes, metric deltas.
  await panel.getByTestId("param-diff-a").selectOption("1");
  await panel.getByTestId("param-diff-b").selectOption(String(v));
  const diff = panel.getByTestId("param-diff");
  await expect(diff.locator(".pp-line-added, .pp-line-removed, .pp-table").first()).toBeVisible();
  await expect(diff).toContainText("Metrics");
  await page.screenshot({ path: `${SCREENS}/params-versions-diff.png`, fullPage: true });

  // Rolling back needs an earlier production version: none yet.
  await expect(panel.getByTestId("rollback-button")).toBeDisabled();

  // Promote v with a reason (required).
  await panel.getByTestId(`promote-version-${v}`).click();
  await page.getByTestId("move-confirm").click();
  await expect(page.getByText("A reason is required.")).toBeVisible();
  await page.getByTestId("move-reason").fill("grade 0.25 → 0.75 on validation");
  await page.screenshot({ path: `${SCREENS}/params-promote-dialog.png` });
  await page.getByTestId("move-confirm").click();
  await expect(page.getByTestId("move-reason")).toBeHidden();
  await expect(panel.getByTestId(`param-version-${v}`)).toHaveAttribute("data-production", "true");
  await expect(panel.getByTestId(`param-version-${v}`)).toHaveAttribute("data-status", "production");
  await expect(panel.getByTestId("param-version-1")).toHaveAttribute("data-status", "archived");
  const history = panel.getByTestId("production-history");
  await expect(history.locator("li").first()).toContainText(`v1 → v${v}`);
  await expect(history.locator("li").first()).toContainText("grade 0.25 → 0.75 on validation");

  // Roll back to v1 with a reason.
  await panel.getByTestId("rollback-button").click();
  await page.getByTestId("move-reason").fill("regression reported by support");
  await page.screenshot({ path: `${SCREENS}/params-rollback-dialog.png` });
  await page.getByTestId("move-confirm").click();
  await expect(page.getByTestId("move-reason")).toBeHidden();
  await expect(panel.getByTestId("param-version-1")).toHaveAttribute("data-production", "true");
  await expect(history.locator("li").first()).toContainText(`v${v} → v1`);
  await expect(history.locator("li").first()).toContainText("rollback");
  await expect(history.locator("li").first()).toContainText("regression reported by support");
  await expect(history.locator("li")).toHaveCount(3);
  await history.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/params-after-rollback.png` });

  // The CLI sees the same production pointer.
  expect(flowtune(["params", WORKFLOW, "--node", "answer"])).toMatch(/production is v1/);
  expect(pageErrors).toEqual([]);
});

test("a viewer sees versions and history read-only", async ({ page }) => {
  await signIn(page, createLoginUrl({ name: "vera", role: "viewer" }));
  await openParameters(page);
  const panel = page.getByTestId("parameter-panel");
  await expect(panel.getByTestId("production-history").locator("li").first()).toBeVisible();
  const promote = panel.locator('[data-testid^="promote-version-"]').first();
  await expect(promote).toBeDisabled();
  await expect(promote).toHaveAttribute("title", /viewer/);
  await expect(panel.getByTestId("rollback-button")).toBeDisabled();
  await expect(panel).toContainText("Read-only: your role is viewer");
  await page.screenshot({ path: `${SCREENS}/params-viewer.png` });

  await openDatasets(page);
  await expect(page.getByTestId("dataset-upload")).toBeDisabled();
  await expect(page.getByTestId("dataset-delete")).toBeDisabled();
});
