/**
 * Conversation memory in the editor: the `chat` example run twice on one thread from the run
 * panel (the second answer recalls the first message), the thread and its messages in the run
 * panel's Memory view, "Continue" putting a thread id back into the form, "Clear" (twice-asked)
 * forgetting it — and a viewer who reads threads but gets no Clear.
 */
import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { createLoginUrl } from "./env.js";

const SHOTS = "/work/shots/i11-memory";

async function say(page: Page, message: string): Promise<void> {
  await page.getByTestId("input-message").fill(message);
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
}

test("a conversation on one thread from the run panel, its memory shown, continued and cleared", async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signIn(page);
  await page.getByTestId("workflow-item-chat").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Chat with memory");
  const memory = page.getByTestId("memory-threads");
  await expect(memory.getByTestId("memory-empty")).toBeVisible();

  await page.getByTestId("input-thread").fill("e2e-ada");
  await say(page, "My name is Ada.");
  await expect(page.getByTestId("run-outputs")).toContainText("Noted: your name is Ada.");
  await say(page, "What is my name?");
  await expect(page.getByTestId("run-outputs")).toContainText("Your name is Ada.");

  const row = memory.locator('[data-testid=memory-thread][data-thread="e2e-ada"]');
  await expect(row).toContainText("4 messages");
  await row.locator("button[aria-expanded]").click();
  await expect(row.getByTestId("memory-turn")).toHaveCount(4);
  await expect(row.getByTestId("memory-turn").nth(3)).toContainText("Your name is Ada.");
  await page.screenshot({ path: `${SHOTS}/run-panel-memory.png`, fullPage: false });
  await memory.screenshot({ path: `${SHOTS}/memory-view.png` });

  // Another thread knows nothing; Continue puts the first thread back into the form.
  await page.getByTestId("input-thread").fill("e2e-other");
  await say(page, "What is my name?");
  await expect(page.getByTestId("run-outputs")).toContainText("I don't know your name");
  await row.getByTestId("memory-continue").click();
  await expect(page.getByTestId("input-thread")).toHaveValue("e2e-ada");
  await expect(page.getByTestId("run-fill-note")).toContainText("Continuing thread");
  await say(page, "What did I say first?");
  await expect(page.getByTestId("run-outputs")).toContainText("You said: \\\"My name is Ada.\\\"");
  await expect(row).toContainText("6 messages");

  // The node's run details record what the run read from its thread.
  await page.getByTestId("node-assistant").click();
  await expect(page.getByTestId("node-run-details")).toContainText('"readSeqs"');

  // Clear asks once more, then the thread is gone and the next run has forgotten.
  await row.getByTestId("memory-clear").click();
  await page.screenshot({ path: `${SHOTS}/clear-confirm.png` });
  await row.getByTestId("memory-clear-confirm").click();
  await expect(row).toHaveCount(0);
  await say(page, "What is my name?");
  await expect(page.getByTestId("run-outputs")).toContainText("I don't know your name");
  expect(errors).toEqual([]);
});

test("a viewer reads the threads but cannot clear or continue them", async ({ page }) => {
  await signIn(page, createLoginUrl({ name: "reader", role: "viewer" }));
  await page.getByTestId("workflow-item-chat").click();
  const row = page.locator('[data-testid=memory-thread][data-thread="e2e-other"]');
  await expect(row).toBeVisible();
  await row.locator("button[aria-expanded]").click();
  await expect(row.getByTestId("memory-turn")).toHaveCount(2);
  await expect(row.getByTestId("memory-clear")).toHaveCount(0);
  await expect(row.getByTestId("memory-continue")).toHaveCount(0);
  await page.getByTestId("memory-threads").screenshot({ path: `${SHOTS}/viewer.png` });
});
