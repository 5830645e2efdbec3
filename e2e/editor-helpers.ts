/** What a user does in the editor, as Playwright steps shared by the specs. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

export const MOD = process.platform === "darwin" ? "Meta" : "Control";

/** The first example of the qa dataset. */
export function firstQaExample(): { question: string; expected: string } {
  const file = path.join(process.cwd(), "examples", "qa.dataset.jsonl");
  const line = readFileSync(file, "utf8").split("\n").find((l) => l.trim());
  const row = JSON.parse(line!) as { question: string; expected: unknown };
  return { question: row.question, expected: String(row.expected ?? "") };
}

/** Collects uncaught page errors and console errors (a spec asserts the list stays empty). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  return errors;
}

/** Drags a palette entry onto the canvas at (x, y) relative to the canvas (HTML5 drag and drop). */
export async function dropFromPalette(page: Page, kind: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${kind}`).dragTo(page.locator(".react-flow__pane"), { targetPosition: { x, y } });
}

/** Connects two nodes by dragging from the source's output handle to the target's input handle. */
export async function connect(page: Page, source: string, target: string): Promise<void> {
  const from = (await page.getByTestId(`handle-out-${source}`).boundingBox())!;
  const to = (await page.getByTestId(`handle-in-${target}`).boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Selects a node by clicking its title (not a button inside it). */
export async function selectNode(page: Page, id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator(".ft-node__head").click();
  await expect(page.getByTestId("node-inspector")).toHaveAttribute("data-node-id", id);
}

/** Clicks an empty spot of the canvas (top right, clear of the palette, toolbar and minimap). */
export async function clickEmpty(page: Page): Promise<void> {
  const pane = page.locator(".react-flow__pane");
  const box = (await pane.boundingBox())!;
  await pane.click({ position: { x: box.width - 200, y: 24 } });
}

/** Renames the selected node through the inspector's id field. */
export async function renameSelected(page: Page, to: string): Promise<void> {
  const idInput = page.getByTestId("inspector-id");
  await idInput.fill(to);
  await idInput.press("Enter");
  await expect(page.getByTestId(`node-${to}`)).toBeVisible();
}

/**
 * Deletes every node of the open workflow (a new workflow starts from a template: the blank one
 * is input → output), leaving an empty canvas to build on.
 */
export async function clearCanvas(page: Page): Promise<void> {
  const ids = await page.locator(".react-flow__node").evaluateAll((els) => els.map((el) => el.getAttribute("data-id") ?? ""));
  for (const id of ids.filter(Boolean)) {
    await selectNode(page, id);
    await page.keyboard.press("Delete");
    await expect(page.getByTestId(`node-${id}`)).toHaveCount(0);
  }
}

/** The workflow id in the page's URL (`#/w/<id>…`, or the old `#<id>`), or "" for none. */
export function workflowIdFromUrl(url: string): string {
  const hash = new URL(url).hash;
  const m = /^#\/w\/([^/]+)/.exec(hash);
  return decodeURIComponent(m ? m[1] : hash.replace(/^#\/?/, ""));
}

/**
 * Builds the qa graph from the palette in the open (new, template-made) workflow: input (question,
 * expected) → answer (AI) → grade (exact match) → out, wired by dragging between handles, then
 * auto-laid out. Leaves it unsaved.
 */
export async function buildQaGraph(page: Page): Promise<void> {
  await clearCanvas(page);
  await dropFromPalette(page, "input", 320, 170);
  await selectNode(page, "in");
  await page.getByTestId("inspector-add-field").click();
  await page.getByTestId("inspector-field-name-1").fill("expected");
  await page.getByTestId("inspector-field-required-1").uncheck();

  await dropFromPalette(page, "ai", 580, 170);
  await selectNode(page, "ai");
  await renameSelected(page, "answer");
  await page.getByTestId("inspector-label").fill("Answer");
  await page.getByTestId("inspector-prompt").fill("{{ inputs.question }}");

  await dropFromPalette(page, "evaluation", 320, 430);
  await selectNode(page, "eval");
  await renameSelected(page, "grade");
  await page.getByTestId("inspector-actual").fill("{{ nodes.answer.text }}");
  await page.getByTestId("inspector-expected").fill("{{ inputs.expected }}");

  await dropFromPalette(page, "output", 580, 430);
  await selectNode(page, "out");
  await page.getByTestId("inspector-add-output").click();
  await page.getByTestId("inspector-output-name-0").fill("answer");
  await page.getByTestId("inspector-output-template-0").fill("{{ nodes.answer.text }}");

  await connect(page, "in", "answer");
  await connect(page, "answer", "grade");
  await connect(page, "grade", "out");
  await expect(page.locator(".react-flow__edge")).toHaveCount(3);
  for (const id of ["in", "answer", "grade", "out"]) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute("data-issues", "0");
  await page.getByTestId("layout-button").click();
  await clickEmpty(page);
}

/** Fills the input form and runs the workflow; waits until every node of `nodes` succeeded. */
export async function runAndWait(page: Page, nodes: string[]): Promise<void> {
  const { question, expected } = firstQaExample();
  await page.getByTestId("input-question").fill(question);
  await page.getByTestId("input-expected").fill(expected);
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");
  for (const id of nodes) await expect(page.getByTestId(`node-${id}`)).toHaveAttribute("data-status", "succeeded");
}
