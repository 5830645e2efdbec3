/**
 * Running a workflow from the editor: run qa, watch the statuses, see the parameter versions it
 * used, find it in the run history, re-run it from the answer node, and see the re-run in the
 * history with its parent; an old run picked in the history shows its per-node state again.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { createLoginUrl } from "./env.js";

function firstQaExample(): { question: string; expected: string } {
  const file = path.join(process.cwd(), "examples", "qa.dataset.jsonl");
  const line = readFileSync(file, "utf8").split("\n").find((l) => l.trim());
  if (!line) throw new Error(`${file} is empty`);
  const row = JSON.parse(line) as { question: string; expected: unknown };
  return { question: row.question, expected: String(row.expected ?? "") };
}

const NODES = ["in", "answer", "grade", "out"];

/** The id of the run the run panel shows. */
async function shownRunId(page: Page): Promise<string> {
  const id = await page.getByTestId("run-summary").getAttribute("data-run-id");
  expect(id, "run-summary carries data-run-id").toBeTruthy();
  return id!;
}

test("runs qa, shows it in the history, re-runs it from the answer node", async ({ page }) => {
  const { question, expected } = firstQaExample();
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));

  await signIn(page);
  await page.getByTestId("workflow-item-qa").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Math word problems (QA)");

  // The input form comes from the input node's fields; Ctrl+Enter runs.
  await page.getByTestId("input-question").fill(question);
  await page.getByTestId("input-expected").fill(expected);
  await page.getByTestId("input-expected").press("Control+Enter");

  for (const id of NODES) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("run-outputs")).toContainText('"answer"');
  await expect(page.getByTestId("cancel-button")).toBeDisabled();
  await expect(page.getByTestId("pause-button")).toBeDisabled();
  // Every run records the parameter version each AI node used (v1 until a version is promoted).
  await expect(page.getByTestId("run-params")).toHaveText(/parameters: answer v\d+ \(production\)/);
  const firstRun = await shownRunId(page);

  // The history lists it.
  const history = page.getByTestId("run-history");
  await expect(history.getByTestId(`run-history-item-${firstRun}`)).toHaveAttribute("data-status", "succeeded");

  // The answer node's details for this run, then "Run from here".
  await page.getByTestId("node-answer").click();
  const details = page.getByTestId("node-run-details");
  await expect(details.getByTestId("inspector-status")).toHaveAttribute("data-status", "succeeded");
  await expect(details.getByTestId("node-run-inputs")).not.toBeEmpty();
  await expect(details.getByTestId("inspector-output")).not.toBeEmpty();
  await expect(details.getByTestId("inspector-tokens")).toBeVisible();
  await details.getByTestId("run-from-here").click();

  // The re-run is shown: a new run, with its parent, reusing the input node's output.
  await expect(page.getByTestId("run-summary")).not.toHaveAttribute("data-run-id", firstRun);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  const rerun = await shownRunId(page);
  await expect(page.getByTestId("run-parent")).toContainText("from answer");
  await expect(page.getByTestId("run-params")).toHaveText(/answer v\d+/);
  for (const id of NODES) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute("data-status", "succeeded");

  // …and listed in the history with its parent.
  const item = history.getByTestId(`run-history-item-${rerun}`);
  await expect(item).toHaveAttribute("data-status", "succeeded");
  await expect(item).toHaveAttribute("data-parent-run-id", firstRun);
  await expect(history.getByTestId(`run-history-parent-${rerun}`)).toContainText("from answer");

  // Picking the first run in the history shows it again, with its per-node state.
  await history.getByTestId(`run-history-item-${firstRun}`).click();
  await expect(page.getByTestId("run-summary")).toHaveAttribute("data-run-id", firstRun);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("run-parent")).toHaveCount(0);
  for (const id of NODES) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute("data-status", "succeeded");
  await page.getByTestId("node-answer").click();
  await expect(page.getByTestId("node-run-details")).toHaveAttribute("data-run-id", firstRun);
  await expect(page.getByTestId("node-run-details").getByTestId("inspector-status")).toHaveAttribute("data-status", "succeeded");

  // Status filters.
  await history.getByTestId("run-history-filter-failed").click();
  await expect(history.getByTestId(`run-history-item-${firstRun}`)).toHaveCount(0);
  await history.getByTestId("run-history-filter-succeeded").click();
  await expect(history.getByTestId(`run-history-item-${rerun}`)).toBeVisible();
  await history.getByTestId("run-history-filter-all").click();

  await page.screenshot({ path: "test-results/screens/runs-history.png" });
  await history.screenshot({ path: "test-results/screens/runs-history-list.png" });
  expect(pageErrors).toEqual([]);
});

test("a viewer sees runs but cannot start them", async ({ page }) => {
  await signIn(page, createLoginUrl({ name: "viewer-e2e", role: "viewer" }));
  await page.getByTestId("workflow-item-qa").click();
  await expect(page.getByTestId("run-button")).toBeDisabled();
  await expect(page.getByTestId("readonly-note")).toBeVisible();
  await expect(page.getByTestId("run-history")).toBeVisible();
});
