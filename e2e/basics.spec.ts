/**
 * The editor basics: dark mode (system preference and a remembered toggle, no light boxes left),
 * sticky notes (kept in the graph through save, reload and export, ignored by runs and accepted by
 * the CLI), the right-click menu on nodes, edges and the pane (mouse and keyboard), the `?`
 * shortcut sheet, and Escape closing every drawer, dialog and menu.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./auth-helpers.js";
import { firstQaExample, MOD, watchErrors } from "./editor-helpers.js";
import { createLoginUrl, DATABASE_URL } from "./env.js";

const SHOTS = process.env.FLOWTUNE_SHOTS ?? "test-results/screens";
test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

async function openQa(page: Page) {
  await page.getByTestId("workflow-item-qa").click();
  await expect(page.getByTestId("node-answer")).toBeVisible();
}

/** Visible elements whose own background is (near) white: what dark mode must not leave behind. */
function lightBoxes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("body *")) {
      const r = el.getBoundingClientRect();
      if (r.width < 6 || r.height < 6 || r.bottom < 0 || r.top > innerHeight) continue;
      const m = getComputedStyle(el).backgroundColor.match(/rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/);
      if (!m || (m[4] !== undefined && Number(m[4]) < 0.5)) continue;
      const [r8, g8, b8] = [m[1], m[2], m[3]].map(Number);
      if (0.2126 * r8 + 0.7152 * g8 + 0.0722 * b8 > 200) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${getComputedStyle(el).backgroundColor}`);
    }
    return out;
  });
}

async function openMenuOnPane(page: Page, x: number, y: number) {
  const pane = page.locator(".react-flow__pane");
  await pane.click({ button: "right", position: { x, y } });
  await expect(page.getByTestId("context-menu")).toHaveAttribute("data-target", "pane");
}

test("dark mode follows the system, the toggle overrides it and is remembered", async ({ page }) => {
  const errors = watchErrors(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await signIn(page);
  await openQa(page);
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(page.getByTestId("theme-system")).toHaveAttribute("aria-checked", "true");
  // Select a node so that the inspector (forms, tabs) is on screen too.
  await page.getByTestId("node-answer").locator(".ft-node__head").click();
  await expect(page.getByTestId("node-inspector")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/dark-qa.png` });
  expect(await lightBoxes(page)).toEqual([]);
  await expect(page.locator(".react-flow")).toHaveClass(/dark/);

  // The system switches: "system" follows it live.
  await page.emulateMedia({ colorScheme: "light" });
  await expect(html).toHaveAttribute("data-theme", "light");
  await page.screenshot({ path: `${SHOTS}/light-qa.png` });

  // An explicit choice wins over the system and survives a reload.
  await page.getByTestId("theme-dark").click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(page.getByTestId("user-badge")).toBeVisible();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(page.getByTestId("theme-dark")).toHaveAttribute("aria-checked", "true");
  // Keyboard: arrows move within the switch.
  await page.getByTestId("theme-dark").focus();
  await page.keyboard.press("ArrowLeft");
  await expect(html).toHaveAttribute("data-theme", "light");
  await expect(page.getByTestId("theme-light")).toBeFocused();
  await page.getByTestId("theme-system").click();
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(html).toHaveAttribute("data-theme", "dark");

  // The datasets view in dark mode.
  await page.getByTestId("nav-datasets").click();
  await expect(page.getByTestId("datasets-view")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/dark-datasets.png` });
  expect(await lightBoxes(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test("a sticky note is added, edited, kept through reload and export, and ignored by a run", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await signIn(page, createLoginUrl({ name: `notes-${Date.now()}`, role: "editor" }));
  await openQa(page);

  await openMenuOnPane(page, 520, 140);
  await page.getByTestId("ctx-add-note").click();
  await expect(page.getByTestId("context-menu")).toHaveCount(0);
  const area = page.getByTestId("note-note-text");
  await expect(area).toBeFocused();
  await area.fill("Why: grade compares exact answers.\n{{ inputs.question }} is not a template here.");
  // Escape ends editing and closes nothing else.
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("note-note-body")).toContainText("Why: grade compares exact answers.");
  // One undo step for the whole typing, one for the add.
  await page.keyboard.press(`${MOD}+z`);
  await expect(page.getByTestId("note-note-body")).not.toContainText("Why");
  await page.keyboard.press(`${MOD}+y`);
  await expect(page.getByTestId("note-note-body")).toContainText("Why: grade");
  // Recolour it.
  await page.getByTestId("note-note").click();
  await page.getByTestId("note-color-blue").click();
  await expect(page.getByTestId("note-note")).toHaveClass(/note-blue/);

  await page.getByTestId("save-button").click();
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
  await page.reload();
  await expect(page.getByTestId("note-note-body")).toContainText("Why: grade compares exact answers.");
  await expect(page.getByTestId("note-note")).toHaveClass(/note-blue/);
  await page.screenshot({ path: `${SHOTS}/note.png` });

  // A run goes through the four nodes only.
  const { question, expected } = firstQaExample();
  await page.getByTestId("input-question").fill(question);
  await page.getByTestId("input-expected").fill(expected);
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  for (const id of ["in", "answer", "grade", "out"]) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute("data-status", "succeeded");

  // Export: the file holds the note, and the CLI validates it.
  const download = page.waitForEvent("download");
  await page.getByTestId("export-button").click();
  const file = path.join(os.tmpdir(), `basics-${Date.now()}.flow.json`);
  await (await download).saveAs(file);
  const exported = JSON.parse(readFileSync(file, "utf8")) as { notes?: Array<{ id: string; text: string; color?: string }> };
  expect(exported.notes).toEqual([expect.objectContaining({ id: "note", color: "blue", text: expect.stringContaining("Why: grade") })]);
  const out = execFileSync(process.execPath, [path.join(process.cwd(), "bin", "flowtune.js"), "validate", file], { env: { ...process.env, DATABASE_URL }, encoding: "utf8" });
  expect(out).toMatch(/valid/i);
  writeFileSync(file, "");

  // Delete it from its menu; the document changes and the note is gone.
  await page.getByTestId("note-note").click({ button: "right" });
  await expect(page.getByTestId("context-menu")).toHaveAttribute("data-target", "note");
  await page.getByTestId("ctx-delete").click();
  await expect(page.getByTestId("note-note")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("the right-click menu acts on nodes, edges and the pane, by mouse and keyboard", async ({ page, context }) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const errors = watchErrors(page);
  await signIn(page, createLoginUrl({ name: `menu-${Date.now()}`, role: "editor" }));
  await page.getByTestId("new-workflow").click();
  await page.getByTestId("new-workflow-name").fill("Menu test");
  await page.getByTestId("new-workflow-create").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Menu test");

  // Pane: add nodes where the menu was opened (a new workflow may start from a template with an input).
  if (!(await page.getByTestId("node-in").count())) {
    await openMenuOnPane(page, 420, 420);
    await page.getByTestId("ctx-add-node").click();
    await page.getByTestId("ctx-add-input").click();
    await expect(page.getByTestId("node-in")).toBeVisible();
  }
  const edges0 = await page.locator(".react-flow__edge").count();
  await openMenuOnPane(page, 720, 200);
  await page.screenshot({ path: `${SHOTS}/menu-pane.png` });
  await page.getByTestId("ctx-add-node").click();
  await page.getByTestId("ctx-add-ai").click();
  await expect(page.getByTestId("node-ai")).toBeVisible();
  const pane = (await page.locator(".react-flow__pane").boundingBox())!;
  const aiBox = (await page.getByTestId("node-ai").boundingBox())!;
  // The node lands where the menu was opened (its top-left a little up and left of that point).
  expect(Math.abs(aiBox.x + aiBox.width / 2 - (pane.x + 720))).toBeLessThan(aiBox.width);
  expect(Math.abs(aiBox.y - (pane.y + 200))).toBeLessThan(80);

  // Connect them, then change the edge's kind and delete it from its menu.
  const from = (await page.getByTestId("handle-out-in").boundingBox())!;
  const to = (await page.getByTestId("handle-in-ai").boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
  await expect(page.locator(".react-flow__edge")).toHaveCount(edges0 + 1);
  const edge = page.getByTestId("rf__edge-in-ai");
  await edge.locator("path").last().click({ button: "right", force: true });
  await expect(page.getByTestId("context-menu")).toHaveAttribute("data-target", "edge");
  await page.getByTestId("ctx-change-kind").click();
  await expect(page.getByTestId("ctx-kind-pipeline")).toHaveAttribute("aria-checked", "true");
  await page.getByTestId("ctx-kind-broadcast").click();
  await expect(page.locator(".react-flow__edge-broadcast")).toHaveCount(1);
  await page.getByTestId("rf__edge-in-ai").locator("path").last().click({ button: "right", force: true });
  await page.getByTestId("ctx-delete").click();
  await expect(page.getByTestId("rf__edge-in-ai")).toHaveCount(0);
  await expect(page.locator(".react-flow__edge")).toHaveCount(edges0);

  // Node: rename, duplicate, copy id, delete.
  await page.getByTestId("node-ai").locator(".ft-node__head").click({ button: "right" });
  await expect(page.getByTestId("context-menu")).toHaveAttribute("data-target", "node");
  await expect(page.getByTestId("ctx-optimize")).toBeVisible();
  await expect(page.getByTestId("ctx-run-from")).toHaveAttribute("aria-disabled", "true");
  await page.screenshot({ path: `${SHOTS}/menu-node.png` });
  await page.getByTestId("ctx-rename").click();
  await page.getByTestId("ctx-rename-input").fill("Answerer");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("node-ai")).toContainText("Answerer");
  await page.getByTestId("node-ai").locator(".ft-node__head").click({ button: "right" });
  await page.getByTestId("ctx-duplicate").click();
  await expect(page.locator(".react-flow__node-ft-ai")).toHaveCount(2);
  await page.getByTestId("node-in").locator(".ft-node__head").click({ button: "right" });
  await page.getByTestId("ctx-copy-id").click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("in");
  const dupId = await page.locator(".react-flow__node-ft-ai").nth(1).locator("[data-testid^='node-']").first().getAttribute("data-testid");
  await page.getByTestId(dupId!).locator(".ft-node__head").click({ button: "right" });
  await page.getByTestId("ctx-delete").click();
  await expect(page.locator(".react-flow__node-ft-ai")).toHaveCount(1);

  // Keyboard: Shift+F10 on a focused node opens its menu, arrows move, Enter acts, Escape closes.
  await page.getByTestId("node-ai").locator("xpath=ancestor::div[contains(@class,'react-flow__node')][1]").focus();
  await page.keyboard.press("Shift+F10");
  await expect(page.getByTestId("context-menu")).toHaveAttribute("data-target", "node");
  await expect(page.getByTestId("ctx-duplicate")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByTestId("ctx-rename")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("context-menu")).toHaveCount(0);
  await expect(page.locator(".react-flow__node:has([data-testid='node-ai'])")).toBeFocused();
  // Click-away closes too.
  await openMenuOnPane(page, 600, 600);
  await page.getByTestId("workflow-title").click();
  await expect(page.getByTestId("context-menu")).toHaveCount(0);
  // Pane: fit view and auto-layout go through the menu as well.
  await openMenuOnPane(page, 600, 600);
  await page.getByTestId("ctx-auto-layout").click();
  await expect(page.getByTestId("context-menu")).toHaveCount(0);
  await openMenuOnPane(page, 600, 600);
  await page.getByTestId("ctx-fit-view").click();
  // Paste what was copied (Ctrl+C on a selected node).
  await page.getByTestId("node-ai").locator(".ft-node__head").click();
  await page.keyboard.press(`${MOD}+c`);
  await openMenuOnPane(page, 600, 600);
  await page.getByTestId("ctx-paste").click();
  await expect(page.locator(".react-flow__node-ft-ai")).toHaveCount(2);
  expect(errors).toEqual([]);
});

test("? opens the shortcut sheet made from the command list; Escape closes it", async ({ page }) => {
  await signIn(page);
  await openQa(page);
  await page.getByTestId("workflow-title").click();
  await page.keyboard.press("?");
  const sheet = page.getByTestId("shortcut-sheet");
  await expect(sheet).toBeVisible();
  // Every command with a shortcut in the palette is listed with it.
  await expect(page.getByTestId("shortcut-undo")).toContainText(/Undo\s*(Ctrl\+|⌘)Z/);
  await expect(page.getByTestId("shortcut-save")).toContainText("Save");
  await expect(page.getByTestId("shortcut-paste")).toBeVisible();
  await expect(page.getByTestId("shortcut-shortcuts")).toContainText("?");
  await expect(page.getByTestId("shortcut-commands")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/shortcut-sheet.png` });
  await page.keyboard.press("Escape");
  await expect(sheet).toHaveCount(0);
  // `?` typed into a field is text, not a shortcut.
  await page.getByTestId("input-question").fill("");
  await page.getByTestId("input-question").press("?");
  await expect(sheet).toHaveCount(0);
  await expect(page.getByTestId("input-question")).toHaveValue("?");
  // From the palette too.
  await page.keyboard.press(`${MOD}+k`);
  await page.getByTestId("command-input").fill("keyboard shortcuts");
  await page.keyboard.press("Enter");
  await expect(sheet).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(sheet).toHaveCount(0);
});

test("Escape closes each drawer and dialog, the topmost first, and focus comes back", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, createLoginUrl({ name: `esc-${Date.now()}`, role: "editor" }));
  await openQa(page);

  // History drawer (focus returns to its button).
  await page.getByTestId("history-button").click();
  await expect(page.getByTestId("history-drawer")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("history-drawer")).toHaveCount(0);
  await expect(page.getByTestId("history-button")).toBeFocused();

  // Command palette over the history drawer: the palette closes first, then the drawer.
  await page.getByTestId("history-button").click();
  await page.keyboard.press(`${MOD}+k`);
  await expect(page.getByTestId("command-palette")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("command-palette")).toHaveCount(0);
  await expect(page.getByTestId("history-drawer")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("history-drawer")).toHaveCount(0);

  // New-workflow dialog.
  await page.getByTestId("new-workflow").click();
  await expect(page.getByTestId("new-workflow-dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("new-workflow-dialog")).toHaveCount(0);
  await expect(page.getByTestId("new-workflow")).toBeFocused();

  // Optimize dialog (from the AI node's Optimize tab).
  await page.getByTestId("node-answer").locator(".ft-node__head").click();
  await page.getByTestId("inspector-tab-optimize").click();
  await page.getByTestId("optimize-button").click();
  await expect(page.getByTestId("optimize-dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("optimize-dialog")).toHaveCount(0);
  await expect(page.getByTestId("optimize-button")).toBeFocused();

  // Context menu.
  await openMenuOnPane(page, 700, 640);
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("context-menu")).toHaveCount(0);
  // With nothing open, Escape is harmless.
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("node-inspector")).toBeVisible();
});
