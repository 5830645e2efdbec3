/**
 * Optimizing the qa workflow's `answer` node from the editor: the Optimize tab of the node, the
 * dialog (dataset, strategy, budget), the live view (status, progress, best-score chart, Pareto
 * plot, candidate table, lineage), then "Save as version" and "Promote" of a front candidate.
 * The dataset is imported with the CLI against the e2e database, as a user would.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { createLoginUrl, DATABASE_URL, PORT } from "./env.js";

test.beforeAll(() => {
  execFileSync(process.execPath, [path.join(process.cwd(), "bin", "flowtune.js"), "dataset", "import", "examples/qa.dataset.jsonl", "--name", "qa"], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL, FLOWTUNE_PORT: String(PORT) },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
});

/** Opens workflow qa, selects the `answer` node and its Optimize tab. */
async function openOptimizeTab(page: Page): Promise<void> {
  await page.getByTestId("workflow-item-qa").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Math word problems (QA)");
  await page.getByTestId("node-answer").click();
  await page.getByRole("tab", { name: "Optimize" }).click();
  await expect(page.getByTestId("optimize-button")).toBeVisible();
}

test("optimizes the answer node, watches it live, saves and promotes a front candidate", async ({ page }) => {
  test.setTimeout(120_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));

  await signIn(page);
  await openOptimizeTab(page);

  // The dialog: prefilled from the graph's `tune` optimizer node (nsga2, grade max + tokens min).
  await page.getByTestId("optimize-button").click();
  const dialog = page.getByTestId("optimize-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("optimize-strategy")).toHaveValue("nsga2");
  await expect(dialog.getByTestId("objective-grade")).toBeChecked();
  await dialog.getByTestId("optimize-dataset").selectOption("qa");

  // Client-side validation names the field before anything is sent.
  await dialog.getByTestId("optimize-max-candidates").fill("0");
  await dialog.getByTestId("optimize-start").click();
  await expect(dialog.locator(".opt-field.has-error")).toHaveCount(1);
  await expect(dialog).toBeVisible();

  await dialog.getByTestId("optimize-max-candidates").fill("8");
  await dialog.getByTestId("optimize-seed").fill("1");
  await page.screenshot({ path: "test-results/screens/optimize-dialog.png" });
  await dialog.getByTestId("optimize-start").click();
  await expect(dialog).toBeHidden();

  // The live view: running, then candidates arrive and the charts grow.
  const status = page.getByTestId("optimization-status");
  await expect(status).toHaveAttribute("data-status", /running|completed/);
  const progress = page.getByTestId("optimization-progress");
  await expect(progress).toHaveAttribute("data-max", "8");
  await expect(page.getByTestId("best-score-chart")).toBeVisible();
  await expect(page.getByTestId("pareto-point-0")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("candidate-row-0")).toBeVisible();

  await expect(status).toHaveAttribute("data-status", "completed", { timeout: 90_000 });
  await expect(progress).toHaveAttribute("data-done", "8");
  await expect(page.getByTestId("best-score-chart")).toHaveAttribute("data-points", "8");
  await expect(page.getByTestId("candidates-table").locator("tbody tr")).toHaveCount(8);
  await expect(page.getByTestId("lineage")).toBeVisible();
  await page.screenshot({ path: "test-results/screens/optimize-live.png" });

  // The front is highlighted; hovering a point shows its parameters and scores.
  // A front point other than the baseline (#0, whose parameters are v1, already production).
  const frontPoint = page.locator('[data-testid^="pareto-point-"][data-front="true"]:not([data-testid="pareto-point-0"])').last();
  await expect(frontPoint).toBeVisible();
  await frontPoint.hover();
  await expect(page.getByTestId("pareto-tooltip")).toContainText("grade");

  // The table sorts by a column.
  const tokensHeader = page.getByTestId("candidates-table").getByRole("button", { name: /^tokens/ });
  await tokensHeader.click();
  await expect(page.getByTestId("candidates-table").locator('th[aria-sort="ascending"], th[aria-sort="descending"]')).toContainText("tokens");

  // Select a front candidate, save it as a version, promote it with a reason.
  const testId = await frontPoint.getAttribute("data-testid");
  const index = Number(testId!.replace("pareto-point-", ""));
  await frontPoint.click();
  await expect(page.getByTestId(`candidate-row-${index}`)).toHaveAttribute("aria-selected", "true");
  const detail = page.getByTestId("candidate-detail");
  await expect(detail).toHaveAttribute("data-index", String(index));

  await page.getByTestId("optimization-expand").click();
  await page.screenshot({ path: "test-results/screens/optimize-expanded.png" });
  await page.getByTestId("optimization-expand").click();

  await detail.getByTestId("save-candidate").click();
  await expect(detail.getByTestId("saved-versions")).toContainText(/answer v\d+/);
  await detail.getByTestId("promote-candidate").click();
  await detail.getByTestId("promote-reason").fill("e2e: best on the front");
  await detail.getByTestId("promote-confirm").click();
  await expect(detail.getByTestId("promote-done")).toContainText(/Production is now answer v([2-9]|\d\d+)/);
  await page.screenshot({ path: "test-results/screens/optimize-promoted.png", fullPage: true });

  expect(pageErrors).toEqual([]);
});

test("viewers see the Optimize button disabled", async ({ page }) => {
  await signIn(page, createLoginUrl({ name: "viewer-e2e", role: "viewer" }));
  await openOptimizeTab(page);
  await expect(page.getByTestId("optimize-button")).toBeDisabled();
  // The past optimization of the first test is listed and viewable.
  await expect(page.getByTestId("optimization-status")).toHaveAttribute("data-status", "completed");
  await expect(page.getByTestId("save-candidate")).toBeDisabled();
  // Promoting is an editor's action: a viewer sees no Promote, neither on the candidate nor on a row.
  await expect(page.getByTestId("candidate-detail")).toBeVisible();
  await expect(page.getByTestId("promote-candidate")).toHaveCount(0);
  await expect(page.locator('[data-testid^="promote-row-"]')).toHaveCount(0);
});

test("the canvas node's Optimize action opens the dialog on the Optimize tab; Escape closes it", async ({ page }) => {
  await signIn(page);
  await page.getByTestId("workflow-item-qa").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Math word problems (QA)");
  await page.getByTestId("node-answer").hover();
  await page.getByRole("button", { name: "Optimize answer" }).click();
  const dialog = page.getByTestId("optimize-dialog");
  await expect(dialog).toBeVisible();
  await expect(page.getByRole("tab", { name: "Optimize" })).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  // Coming back to the tab does not reopen it.
  await page.getByRole("tab", { name: "Configure" }).click();
  await page.getByRole("tab", { name: "Optimize" }).click();
  await expect(page.getByTestId("optimize-button")).toBeVisible();
  await expect(dialog).toBeHidden();
});
