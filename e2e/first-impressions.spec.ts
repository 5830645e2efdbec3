/**
 * First impressions (issue 10, point 6): a new workflow starts from a template (each one is
 * created on the server at once and validates), work is never lost (a workflow closed within a
 * second of its first edit is there after reload), shareable URLs down to a run, an optimization
 * and a version (opened in a fresh page), the palette's search, and one id format across tabs.
 * Screenshots go to FLOWTUNE_SHOTS (default test-results/screens/first-impressions).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { firstQaExample, selectNode, watchErrors, workflowIdFromUrl } from "./editor-helpers.js";
import { createLoginUrl, DATABASE_URL, PORT } from "./env.js";

const SHOTS = process.env.FLOWTUNE_SHOTS ?? "test-results/screens/first-impressions";
const TEMPLATES = [
  { id: "blank", nodes: ["in", "out"] },
  { id: "single-prompt", nodes: ["in", "answer", "out"] },
  { id: "rag", nodes: ["in", "query", "answer", "out"] },
  { id: "judge", nodes: ["in", "answer", "judge", "out"] },
  { id: "router", nodes: ["in", "route", "urgent", "standard", "out"] },
];

test.beforeAll(() => {
  mkdirSync(SHOTS, { recursive: true });
  // The optimizer needs a dataset: imported with the CLI, as a user would.
  execFileSync(process.execPath, [path.join(process.cwd(), "bin", "flowtune.js"), "dataset", "import", "examples/qa.dataset.jsonl", "--name", "qa"], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL, FLOWTUNE_PORT: String(PORT) },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
});

const editor = () => createLoginUrl({ name: `first-${Date.now()}`, role: "editor" });

/** Creates a workflow named `name` from `template` through the New workflow dialog; returns its id. */
async function createFromTemplate(page: Page, template: string, name: string, shot?: string): Promise<string> {
  await page.getByTestId("new-workflow").click();
  const dialog = page.getByTestId("new-workflow-dialog");
  await expect(dialog).toBeVisible();
  await page.getByTestId("new-workflow-name").fill(name);
  await dialog.getByTestId(`template-${template}`).click();
  await expect(dialog.getByTestId(`template-${template}`).locator("input")).toBeChecked();
  if (shot) await page.screenshot({ path: `${SHOTS}/${shot}` });
  const id = await page.getByTestId("new-workflow-id").inputValue();
  await page.getByTestId("new-workflow-create").click();
  await expect(page.getByTestId("workflow-title")).toHaveText(name);
  return id;
}

test("the first screen: the workflow list with an example open", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, editor());
  await expect(page.getByTestId("workflow-title")).not.toHaveText(/Select a workflow|Loading/);
  await expect(page.locator(".react-flow__node").first()).toBeVisible();
  // The first workflow opened for a bare URL stays out of the URL (a reload opens the newest).
  expect(new URL(page.url()).hash).toBe("");
  await page.screenshot({ path: `${SHOTS}/first-screen.png` });
  expect(errors).toEqual([]);
});

test("a new workflow starts from each template, is created at once and validates", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await signIn(page, editor());
  const stamp = Date.now().toString(36);
  for (const t of TEMPLATES) {
    const name = `T ${t.id} ${stamp}`;
    const id = await createFromTemplate(page, t.id, name, t.id === "rag" ? "new-workflow-dialog.png" : undefined);
    for (const n of t.nodes) await expect(page.getByTestId(`node-${n}`)).toHaveAttribute("data-issues", "0");
    await expect(page.locator(".react-flow__node")).toHaveCount(t.nodes.length);
    // Created on the server without waiting for an autosave: saved, v1, in the list and in the URL.
    await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
    await expect(page.getByTestId("save-status")).toHaveAttribute("data-version", "1");
    await expect(page.getByTestId(`workflow-item-${id}`)).toBeVisible();
    await expect.poll(() => workflowIdFromUrl(page.url())).toBe(id);
    await expect(page.getByText(/Too small: expected array/)).toHaveCount(0);
    if (t.id === "single-prompt") {
      await page.screenshot({ path: `${SHOTS}/new-workflow.png` });
      await page.getByTestId("input-question").fill("What is 2 + 2?");
      await page.getByTestId("run-button").click();
      await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
    }
  }
  // They are all there after a reload.
  await page.reload();
  for (const t of TEMPLATES) await expect(page.getByTestId("workflow-list")).toContainText(`T ${t.id} ${stamp}`);
  expect(errors).toEqual([]);
});

test("no lost work: closed within a second of the first edit, the workflow and the edit are there", async ({ browser }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, editor());

  // Created and closed at once.
  const quick = await createFromTemplate(page, "single-prompt", `Quick ${Date.now().toString(36)}`);
  await page.close({ runBeforeUnload: true });

  // A second workflow: its first edit (moving a node), then the tab is closed before the autosave pause ends.
  const page2 = await context.newPage();
  await page2.goto("/");
  await expect(page2.getByTestId(`workflow-item-${quick}`)).toBeVisible();
  const id = await createFromTemplate(page2, "blank", `Moved ${Date.now().toString(36)}`);
  await expect(page2.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
  const head = page2.getByTestId("node-out").locator(".ft-node__head");
  const box = (await head.boundingBox())!;
  await page2.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page2.mouse.down();
  await page2.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 120, { steps: 8 });
  await page2.mouse.up();
  await expect(page2.getByTestId("save-status")).toHaveAttribute("data-state", "dirty");
  const edited = Date.now();
  await page2.close({ runBeforeUnload: true });
  expect(Date.now() - edited).toBeLessThan(1000);

  // Reopened by its URL: version 2 holds the move.
  const page3 = await context.newPage();
  await page3.goto(`/#/w/${id}`);
  await expect(page3.getByTestId("workflow-title")).toContainText("Moved");
  await expect(page3.getByTestId("save-status")).toHaveAttribute("data-version", "2");

  // Closing a workflow (opening another) saves its pending edit first, without asking.
  const before = await page3.getByTestId("node-out").evaluate((el) => (el.closest(".react-flow__node") as HTMLElement).style.transform);
  const b3 = (await page3.getByTestId("node-out").locator(".ft-node__head").boundingBox())!;
  await page3.mouse.move(b3.x + b3.width / 2, b3.y + b3.height / 2);
  await page3.mouse.down();
  await page3.mouse.move(b3.x + b3.width / 2 - 80, b3.y + b3.height / 2 + 40, { steps: 8 });
  await page3.mouse.up();
  await page3.getByTestId(`workflow-item-${quick}`).click();
  await expect(page3.getByTestId("workflow-title")).toContainText("Quick");
  await page3.getByTestId(`workflow-item-${id}`).click();
  await expect(page3.getByTestId("save-status")).toHaveAttribute("data-version", "3");
  const after = await page3.getByTestId("node-out").evaluate((el) => (el.closest(".react-flow__node") as HTMLElement).style.transform);
  expect(after).not.toBe(before);
  await context.close();
});

test("deep links to a run, a version and an optimization open in a fresh page; back and forward work", async ({ page, browser }) => {
  test.setTimeout(150_000);
  const errors = watchErrors(page);
  await signIn(page, editor());
  await page.getByTestId("workflow-item-qa").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Math word problems (QA)");
  await expect.poll(() => new URL(page.url()).hash).toBe("#/w/qa");

  // A run: its URL names it.
  const { question, expected } = firstQaExample();
  await page.getByTestId("input-question").fill(question);
  await page.getByTestId("input-expected").fill(expected);
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/w\/qa\/runs\/[0-9a-f-]{36}$/);
  const runUrl = page.url();
  const runId = new URL(runUrl).hash.split("/").pop()!;

  // An optimization of the answer node: its URL names it.
  await selectNode(page, "answer");
  await page.getByRole("tab", { name: "Optimize" }).click();
  await page.getByTestId("optimize-button").click();
  const dialog = page.getByTestId("optimize-dialog");
  await dialog.getByTestId("optimize-dataset").selectOption("qa");
  await dialog.getByTestId("optimize-max-candidates").fill("4");
  await dialog.getByTestId("optimize-start").click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("optimization-status")).toHaveAttribute("data-status", "completed", { timeout: 90_000 });
  await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/w\/qa\/optimizations\/[0-9a-f-]{36}$/);
  const optUrl = page.url();
  const optId = new URL(optUrl).hash.split("/").pop()!;

  // One id format: the Optimize tab and the Parameters tab show the same short id, the full one in a title.
  const short = page.getByTestId(`optimization-item-${optId}`).getByTestId("optimization-short-id");
  await expect(short).toHaveAttribute("title", optId);
  const shortText = (await short.textContent())!.trim();
  expect(optId.endsWith(shortText)).toBe(true);
  await page.getByTestId("candidate-row-0").click();
  await page.getByTestId("candidate-detail").getByTestId("save-candidate").click();
  await expect(page.getByTestId("candidate-detail").getByTestId("saved-versions")).toContainText(/answer v\d+/);
  await page.getByRole("tab", { name: "Parameters" }).click();
  await expect(page.locator(".pp-source-optimization").first()).toHaveText(new RegExp(`optimization ${shortText}\\b`));
  await expect(page.locator(".pp-source-optimization").first()).toHaveAttribute("title", optId);
  await page.screenshot({ path: `${SHOTS}/id-format-parameters.png` });

  // A version: previewing v1 from the history puts it in the URL.
  await page.getByTestId("history-button").click();
  await page.getByTestId("version-view-1").click();
  await expect(page.getByTestId("version-preview")).toBeVisible();
  await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/w\/qa\/versions\/\d+$/);
  const versionUrl = page.url();
  const version = new URL(versionUrl).hash.split("/").pop()!;

  // Back: the optimization view again; forward: the version again.
  await page.goBack();
  await expect(page.getByTestId("version-preview")).toHaveCount(0);
  await page.goForward();
  await expect(page.getByTestId("version-preview")).toContainText(`version ${version}`);
  expect(errors).toEqual([]);

  // Each URL in a fresh page (a colleague opening a shared link).
  const context = await browser.newContext();
  const fresh = await context.newPage();
  // Another person (a sign-in link is for one use).
  await signIn(fresh, createLoginUrl({ name: `colleague-${Date.now()}`, role: "viewer" }));
  await fresh.goto(runUrl);
  await expect(fresh.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  await expect(fresh.locator(`[title="${runId}"]`).first()).toBeVisible();
  await fresh.screenshot({ path: `${SHOTS}/deep-link-run.png` });

  await fresh.goto("about:blank");
  await fresh.goto(optUrl);
  await expect(fresh.getByTestId("node-inspector")).toHaveAttribute("data-node-id", "answer");
  await expect(fresh.getByRole("tab", { name: "Optimize" })).toHaveAttribute("aria-selected", "true");
  await expect(fresh.getByTestId("optimization-view")).toHaveAttribute("data-run-id", optId);
  await fresh.screenshot({ path: `${SHOTS}/deep-link-optimization.png` });

  await fresh.goto("about:blank");
  await fresh.goto(versionUrl);
  await expect(fresh.getByTestId("version-preview")).toContainText(`version ${version}`);
  await fresh.screenshot({ path: `${SHOTS}/deep-link-version.png` });

  // The old form still opens the workflow.
  await fresh.goto("about:blank");
  await fresh.goto("/#qa");
  await expect(fresh.getByTestId("workflow-title")).toHaveText("Math word problems (QA)");
  await context.close();
});

test("the palette: type to filter, Enter adds, collapsed to a rail and remembered", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, editor());
  await createFromTemplate(page, "blank", `Palette ${Date.now().toString(36)}`);
  const search = page.getByTestId("palette-search");
  await search.click();
  await page.keyboard.type("judge");
  await expect(page.getByTestId("palette").locator(".palette__item")).toHaveCount(0);
  await expect(page.getByTestId("palette-empty")).toBeVisible();
  await search.fill("");
  await page.keyboard.type("scores");
  await expect(page.getByTestId("palette").locator(".palette__item")).toHaveCount(1);
  await expect(page.getByTestId("palette-evaluation")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/palette-search.png` });
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("node-eval")).toBeVisible();
  await search.fill("rout");
  await page.keyboard.press("ArrowDown");
  await expect(page.getByTestId("palette-router")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("node-router")).toBeVisible();

  // Collapsed: a slim rail (the canvas is free), still able to add; remembered after a reload.
  await page.getByTestId("palette-hide").click();
  await expect(page.getByTestId("palette")).toHaveCount(0);
  const rail = page.getByTestId("palette-rail");
  await expect(rail).toBeVisible();
  expect((await rail.boundingBox())!.width).toBeLessThan(48);
  await page.screenshot({ path: `${SHOTS}/palette-collapsed.png` });
  await page.reload();
  await expect(page.getByTestId("palette-rail")).toBeVisible();
  await expect(page.getByTestId("palette")).toHaveCount(0);
  await page.getByTestId("palette-expand").click();
  await expect(page.getByTestId("palette")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("palette")).toBeVisible();
  expect(errors).toEqual([]);
});
