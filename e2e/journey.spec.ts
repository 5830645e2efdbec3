/**
 * The first five minutes of a new user, end to end in one story: build the qa graph from the
 * palette, save and run it, upload a dataset, optimize the AI node and wait for the front,
 * promote the best candidate, run again with the promoted version, roll it back from the
 * parameter panel, reload and find everything persisted, and undo/redo an edit.
 */
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { buildQaGraph, clickEmpty, MOD, runAndWait, selectNode, watchErrors, workflowIdFromUrl } from "./editor-helpers.js";
import { createLoginUrl } from "./env.js";

const SCREENS = "test-results/screens";
const NODES = ["in", "answer", "grade", "out"];
const DATASET = `journey-${Date.now().toString(36)}`;

/** The run shown now (its id), to tell a new run from the previous one. */
function shownRunId(page: Page): Promise<string | null> {
  return page.getByTestId("run-summary").getAttribute("data-run-id");
}

test("build → run → dataset → optimize → promote → run with it → roll back → reload → undo/redo", async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  await signIn(page, createLoginUrl({ name: "journey", role: "editor" }));

  // 1. A new workflow, built from the palette and wired by dragging.
  await page.getByTestId("new-workflow").click();
  await page.getByTestId("new-workflow-name").fill("Journey QA");
  await page.getByTestId("new-workflow-create").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Journey QA");
  await buildQaGraph(page);
  await page.keyboard.press(`${MOD}+s`);
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
  await expect.poll(() => new URL(page.url()).hash).not.toBe("");
  const workflowId = workflowIdFromUrl(page.url());
  expect(workflowId).not.toBe("");

  // 2. Run it: every node succeeds, with the graph's own parameters (v1) in production.
  await runAndWait(page, NODES);
  await expect(page.getByTestId("run-params")).toContainText("answer v1 (production)");
  const firstRun = await shownRunId(page);
  await page.screenshot({ path: `${SCREENS}/journey-1-built-and-run.png` });

  // 3. Upload a dataset on the Datasets page.
  await page.getByTestId("nav-datasets").click();
  await page.getByTestId("dataset-upload").setInputFiles(path.join(process.cwd(), "examples", "qa.dataset.jsonl"));
  await page.getByTestId("dataset-name").fill(DATASET);
  await page.getByTestId("dataset-import-button").click();
  await expect(page.getByTestId("dataset-import-result")).toBeVisible();
  await expect(page.getByTestId("dataset-rows")).toHaveText("40");
  await expect(page.getByTestId("split-count-validation")).not.toHaveText("0");
  await page.screenshot({ path: `${SCREENS}/journey-2-dataset.png` });
  await page.getByTestId("nav-workflows").click();
  await page.getByTestId(`workflow-item-${workflowId}`).click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Journey QA");

  // 4. Optimize the AI node from its canvas button; wait for the front.
  await page.getByTestId("node-answer-optimize").click();
  const dialog = page.getByTestId("optimize-dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByTestId("optimize-dataset").selectOption(DATASET);
  await dialog.getByTestId("optimize-strategy").selectOption("nsga2");
  await dialog.getByTestId("objective-grade").check();
  await dialog.getByTestId("objective-tokens").check();
  await dialog.getByTestId("optimize-max-candidates").fill("10");
  await dialog.getByTestId("optimize-seed").fill("1");
  await dialog.getByTestId("optimize-start").click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("optimization-status")).toHaveAttribute("data-status", "completed", { timeout: 120_000 });
  await expect(page.getByTestId("pareto-plot")).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/journey-3-front.png` });

  // 5. Promote the best candidate on the front (the highest-quality end; not the baseline).
  const best = page.locator('[data-testid^="pareto-point-"][data-front="true"]:not([data-testid="pareto-point-0"])').last();
  await expect(best).toBeVisible();
  await best.click();
  const detail = page.getByTestId("candidate-detail");
  await detail.getByTestId("save-candidate").click();
  const saved = await detail.getByTestId("saved-versions").textContent();
  const promoted = Number(/answer v(\d+)/.exec(saved ?? "")?.[1]);
  expect(promoted).toBeGreaterThan(1);
  await detail.getByTestId("promote-candidate").click();
  await detail.getByTestId("promote-reason").fill("best grade on the front");
  await detail.getByTestId("promote-confirm").click();
  await expect(detail.getByTestId("promote-done")).toContainText(`answer v${promoted}`);

  // 6. Run again: the run says it used the promoted version.
  await page.getByTestId("inspector-tab-configure").click();
  await runAndWait(page, NODES);
  await expect.poll(() => shownRunId(page)).not.toBe(firstRun);
  await expect(page.getByTestId("run-params")).toContainText(`answer v${promoted} (production)`);
  await page.screenshot({ path: `${SCREENS}/journey-4-run-promoted.png` });

  // 7. Roll back from the parameter panel, with a reason.
  await selectNode(page, "answer");
  await page.getByTestId("inspector-tab-parameters").click();
  const panel = page.getByTestId("parameter-panel");
  await expect(panel.getByTestId(`param-version-${promoted}`)).toHaveAttribute("data-production", "true");
  await panel.getByTestId("rollback-button").click();
  await page.getByTestId("move-reason").fill("support reports wrong totals");
  await page.getByTestId("move-confirm").click();
  await expect(panel.getByTestId("param-version-1")).toHaveAttribute("data-production", "true");
  await expect(panel.getByTestId("production-history").locator("li").first()).toContainText("support reports wrong totals");
  await page.screenshot({ path: `${SCREENS}/journey-5-rolled-back.png` });

  // 8. Reload: the graph, the runs, the versions and the production history are all there.
  await page.reload();
  await expect(page.getByTestId("workflow-title")).toHaveText("Journey QA");
  for (const id of NODES) await expect(page.getByTestId(`node-${id}`)).toBeVisible();
  await expect(page.getByTestId("recent-runs").locator('[data-status="succeeded"]')).toHaveCount(2);
  await selectNode(page, "answer");
  await page.getByTestId("inspector-tab-parameters").click();
  await expect(panel.getByTestId("param-version-1")).toHaveAttribute("data-production", "true");
  await expect(panel.getByTestId(`param-version-${promoted}`)).toBeVisible();
  await expect(panel.getByTestId("production-history").locator("li")).toHaveCount(3);
  await page.getByTestId("inspector-tab-optimize").click();
  await expect(page.getByTestId("optimization-status")).toHaveAttribute("data-status", "completed");

  // 9. Undo and redo an edit.
  await page.getByTestId("inspector-tab-configure").click();
  await page.getByTestId("inspector-temperature").fill("0.7");
  await expect(page.getByTestId("node-answer")).toContainText("t=0.7");
  await clickEmpty(page);
  await page.keyboard.press(`${MOD}+z`);
  await expect(page.getByTestId("node-answer")).not.toContainText("t=0.7");
  await page.keyboard.press(`${MOD}+Shift+z`);
  await expect(page.getByTestId("node-answer")).toContainText("t=0.7");
  await page.screenshot({ path: `${SCREENS}/journey-6-final.png` });

  expect(errors).toEqual([]);
});
