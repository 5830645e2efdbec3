import { expect, type Page } from "@playwright/test";
import { createLoginUrl } from "./env.js";

/** Signs in the way a user does: opens a fresh login link and waits for the workflow list. */
export async function signIn(page: Page, url = createLoginUrl()): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId("user-badge")).toBeVisible();
  await expect(page.getByTestId("workflow-list").getByRole("button").first()).toBeVisible();
}
