import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signIn } from "./auth-helpers.js";

/** The first example of the qa dataset (one JSON object per line). */
function firstQaExample(): { question: string; expected: string } {
  const file = path.join(process.cwd(), "examples", "qa.dataset.jsonl");
  const line = readFileSync(file, "utf8").split("\n").find((l) => l.trim());
  if (!line) throw new Error(`${file} is empty`);
  const row = JSON.parse(line) as { question: string; expected: unknown };
  return { question: row.question, expected: String(row.expected ?? "") };
}

test("runs the qa workflow from the editor and shows every node succeeded", async ({ page }) => {
  const { question, expected } = firstQaExample();
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));

  await signIn(page);
  await page.getByTestId("workflow-item-qa").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Math word problems (QA)");

  // The canvas draws every node of the graph, idle before any run.
  const nodeIds = ["in", "answer", "grade", "out"];
  for (const id of nodeIds) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute("data-status", "pending");

  await page.getByTestId("input-question").fill(question);
  await page.getByTestId("input-expected").fill(expected);
  await page.getByTestId("run-button").click();

  // Live status from the runs.events subscription.
  for (const id of nodeIds) {
    await expect(page.getByTestId(`node-${id}`)).toHaveAttribute("data-status", "succeeded");
  }
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("run-outputs")).toContainText('"answer"');

  // Clicking a node shows its output and token usage for this run.
  await page.getByTestId("node-answer").click();
  const inspector = page.getByTestId("node-inspector");
  await expect(inspector).toHaveAttribute("data-node-id", "answer");
  await expect(inspector.getByTestId("inspector-status")).toHaveAttribute("data-status", "succeeded");
  await expect(inspector.getByTestId("inspector-tokens")).toBeVisible();
  await expect(inspector.getByTestId("inspector-output")).not.toBeEmpty();

  // The run is listed among the workflow's recent runs.
  await expect(page.getByTestId("recent-runs").locator('[data-status="succeeded"]').first()).toBeVisible();

  await page.screenshot({ path: "test-results/screens/qa-run.png" });
  expect(pageErrors).toEqual([]);
});
