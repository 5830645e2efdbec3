/**
 * Signing in and out of the editor: the sign-in screen for a browser without a session, login
 * links (single-use), the session cookie surviving a reload, API-token errors, and sign-out.
 */
import { mkdirSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { BASE_URL, createLoginUrl } from "./env.js";

test.beforeAll(() => mkdirSync("test-results/screens", { recursive: true }));

test("a browser without a session sees the sign-in screen; a bad token shows the server's error", async ({ page }) => {
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));

  await page.goto("/");
  const form = page.getByTestId("signin-form");
  await expect(form).toBeVisible();
  await expect(page.getByText("npx flowtune login-url")).toBeVisible();
  await expect(page.getByTestId("workflow-list")).toHaveCount(0);
  await expect(page.getByTestId("user-badge")).toHaveCount(0);
  await page.screenshot({ path: "test-results/screens/signin.png" });

  // Nothing typed: the form says what it wants without asking the server.
  await page.getByTestId("signin-submit").click();
  await expect(page.getByTestId("signin-error")).toContainText("Paste an API token");

  await page.getByTestId("signin-token").fill("ft_this-is-not-a-real-token");
  await page.getByTestId("signin-submit").click();
  const error = page.getByTestId("signin-error");
  await expect(error).toBeVisible();
  await expect(error).not.toContainText("Paste an API token");
  await expect(error).not.toBeEmpty();
  await expect(page.getByTestId("workflow-list")).toHaveCount(0);
  await page.screenshot({ path: "test-results/screens/signin-error.png" });
  expect(pageErrors).toEqual([]);
});

test("a login link signs in once; the session cookie survives a reload", async ({ page, browser }) => {
  const url = createLoginUrl();
  await signIn(page, url);
  // The one-time code is dropped from the address bar.
  await expect(page).toHaveURL(`${BASE_URL}/`);
  await expect(page.getByTestId("user-badge")).toContainText(/viewer|editor|admin/);

  await page.reload();
  await expect(page.getByTestId("user-badge")).toBeVisible();
  await expect(page.getByTestId("workflow-list").getByRole("button").first()).toBeVisible();
  await expect(page.getByTestId("signin-form")).toHaveCount(0);

  // The same link in another browser (no cookie): already used.
  const other = await browser.newContext();
  try {
    const page2 = await other.newPage();
    await page2.goto(url);
    await expect(page2.getByTestId("signin-form")).toBeVisible();
    await expect(page2.getByTestId("signin-error")).toBeVisible();
    await expect(page2).toHaveURL(`${BASE_URL}/`);
    await expect(page2.getByTestId("workflow-list")).toHaveCount(0);
  } finally {
    await other.close();
  }
});

test("a login link pasted into the form signs in too", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("signin-token").fill(createLoginUrl());
  await page.getByTestId("signin-submit").click();
  await expect(page.getByTestId("user-badge")).toBeVisible();
  await expect(page.getByTestId("workflow-list").getByRole("button").first()).toBeVisible();
});

test("signing out returns to the sign-in screen and ends the session", async ({ page }) => {
  await signIn(page);
  await page.getByTestId("signout-button").click();
  await expect(page.getByTestId("signin-form")).toBeVisible();
  await expect(page.getByTestId("user-badge")).toHaveCount(0);

  // The cookie is gone: a reload stays signed out, and the API refuses the browser.
  await page.reload();
  await expect(page.getByTestId("signin-form")).toBeVisible();
  const session = await page.request.get("/api/auth/session");
  expect(session.status()).toBe(401);
});

test("mutations need the CSRF header; a viewer sees the workflows but cannot run them", async ({ page, browser }) => {
  const start = { workflowId: "qa", inputs: { question: "What is 2 + 2?", expected: "4" } };

  await signIn(page);
  const admin = (await (await page.request.get("/api/auth/session")).json()) as { csrfToken: string; user: { role: string } };
  expect(admin.user.role).toBe("admin");
  // The browser sends the session cookie on its own: without the CSRF header a mutation is refused.
  expect((await page.request.post("/trpc/runs.start", { data: start })).status()).toBe(403);

  const viewerContext = await browser.newContext();
  try {
    const viewer = await viewerContext.newPage();
    await signIn(viewer, createLoginUrl({ name: "Vera Viewer", role: "viewer" }));
    const badge = viewer.getByTestId("user-badge");
    await expect(badge).toHaveAttribute("data-role", "viewer");
    await expect(badge).toContainText("Vera Viewer");
    await viewer.getByTestId("workflow-item-qa").click();
    await expect(viewer.getByTestId("workflow-title")).toHaveText("Math word problems (QA)");
    await expect(viewer.getByTestId("run-button")).toBeDisabled();
    await expect(viewer.getByTestId("cancel-button")).toBeDisabled();
    await expect(viewer.getByTestId("readonly-note")).toContainText("needs the editor role");
    await expect(viewer.getByTestId("run-button").locator("..")).toHaveAttribute("title", /needs the editor role/);
    await viewer.screenshot({ path: "test-results/screens/viewer.png" });

    // The server agrees: even with the CSRF header, a viewer cannot start a run.
    const { csrfToken } = (await (await viewer.request.get("/api/auth/session")).json()) as { csrfToken: string };
    expect((await viewer.request.post("/trpc/runs.start", { data: start, headers: { "x-flowtune-csrf": csrfToken } })).status()).toBe(403);
  } finally {
    await viewerContext.close();
  }
});

test("when the session ends elsewhere, the next API call returns to the sign-in screen", async ({ page }) => {
  await signIn(page);
  await page.getByTestId("workflow-item-qa").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Math word problems (QA)");
  await expect(page.getByTestId("recent-runs")).toBeVisible();
  await page.waitForLoadState("networkidle");
  const { csrfToken } = (await (await page.request.get("/api/auth/session")).json()) as { csrfToken: string };
  // Signed out behind the page's back (another tab, an admin revoking it, expiry).
  expect((await page.request.post("/api/auth/logout", { data: {}, headers: { "x-flowtune-csrf": csrfToken } })).status()).toBe(200);

  // Another workflow: the editor asks the server for it, which now answers 401.
  await page.getByTestId("workflow-item-map").click();
  await expect(page.getByTestId("signin-form")).toBeVisible();
  await expect(page.getByTestId("signin-notice")).toContainText("session has ended");
  await expect(page.getByTestId("user-badge")).toHaveCount(0);
});
