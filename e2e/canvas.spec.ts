/**
 * The canvas at 1,000 nodes and its readability: a 1,000-node graph imported from a file opens
 * as an overview, a node can be grabbed and dragged (one autosave after the pause, none during
 * the drag), fit view fits every node, auto-layout leaves no overlapping boxes and runs every
 * edge left to right; validation errors show on the node or edge they name. Screenshots of the
 * 1,000-node graph and of the qa example at their default zoom go to /work/shots/i10-canvas/.
 */
import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { stressGraph } from "../editor/src/document/stress.js";
import { signIn } from "./auth-helpers.js";
import { dropFromPalette, watchErrors } from "./editor-helpers.js";
import { createLoginUrl } from "./env.js";

const SHOTS = "/work/shots/i10-canvas";
test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

interface Rect {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Every rendered node's screen box, and the canvas's. */
async function nodeRects(page: Page): Promise<{ nodes: Rect[]; frame: { x: number; y: number; w: number; h: number } }> {
  return page.evaluate(() => {
    const f = document.querySelector(".react-flow")!.getBoundingClientRect();
    const nodes = [...document.querySelectorAll<HTMLElement>(".react-flow__node")].map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.dataset.id!, x: r.x, y: r.y, w: r.width, h: r.height };
    });
    return { nodes, frame: { x: f.x, y: f.y, w: f.width, h: f.height } };
  });
}

function overlapping(rects: Rect[]): [string, string][] {
  const s = [...rects].sort((a, b) => a.x - b.x);
  const out: [string, string][] = [];
  for (let i = 0; i < s.length; i++)
    for (let j = i + 1; j < s.length && s[j].x < s[i].x + s[i].w - 0.01; j++)
      if (s[j].y < s[i].y + s[i].h - 0.01 && s[i].y < s[j].y + s[j].h - 0.01) out.push([s[i].id, s[j].id]);
  return out;
}

/** A node near the centre of the canvas that is really under the mouse there (no overlay, handle or button). */
async function grabPoint(page: Page): Promise<{ id: string; x: number; y: number }> {
  const p = await page.evaluate(() => {
    const f = document.querySelector(".react-flow")!.getBoundingClientRect();
    let best: { id: string; x: number; y: number; d: number } | null = null;
    for (const el of document.querySelectorAll<HTMLElement>(".react-flow__node")) {
      const r = el.getBoundingClientRect();
      const x = r.left + r.width * 0.4;
      const y = r.top + r.height * 0.5;
      const hit = document.elementFromPoint(x, y);
      if (!hit || hit.closest(".react-flow__node") !== el || hit.closest("button, .react-flow__handle")) continue;
      const d = Math.hypot(x - (f.left + f.width / 2), y - (f.top + f.height / 2));
      if (!best || d < best.d) best = { id: el.dataset.id!, x, y, d };
    }
    return best;
  });
  expect(p).not.toBeNull();
  return p!;
}

const transformOf = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => (el as HTMLElement).style.transform);

test("a 1,000-node graph: import, grab and drag (one autosave), fit view, auto-layout without overlaps", async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchErrors(page);
  const saves: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && /\/trpc\/[^?]*workflows\.(update|create|save)/.test(r.url())) saves.push(r.url());
  });
  await signIn(page, createLoginUrl({ role: "editor" }));
  await expect(page.getByTestId("workflow-item-qa")).toBeVisible();

  const graph = { ...stressGraph(1000, 25), id: "big_canvas", name: "Big canvas (1000 nodes)" };
  const t0 = Date.now();
  await page.getByTestId("import-file").setInputFiles({ name: "big.flow.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(graph)) });
  await expect(page.getByTestId("workflow-title")).toHaveText("Big canvas (1000 nodes)", { timeout: 60_000 });
  await expect(page.locator(".react-flow__node").first()).toBeVisible({ timeout: 60_000 });
  const importMs = Date.now() - t0;
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
  // A large graph opens whole, as an overview of compact cards.
  await expect(page.locator(".ft-node--compact").first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/big-1000-default.png` });

  // Grab a node and drag it: it moves; nothing is saved during the drag, once after the pause.
  const saved = saves.length;
  const grab = await grabPoint(page);
  const before = await transformOf(page, grab.id);
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(grab.x + i * 4, grab.y + i * 3);
  expect(saves.length).toBe(saved);
  await page.mouse.up();
  await expect.poll(() => transformOf(page, grab.id)).not.toBe(before);
  await expect.poll(() => saves.length, { timeout: 30_000 }).toBe(saved + 1);
  await expect(page.getByTestId("save-status")).toHaveAttribute("data-state", "saved");
  await page.waitForTimeout(2500);
  expect(saves.length).toBe(saved + 1);

  // Fit view: every node rendered and inside the canvas.
  await page.getByTestId("fit-button").click();
  await page.waitForTimeout(600);
  const fit = await nodeRects(page);
  expect(fit.nodes).toHaveLength(1000);
  for (const n of fit.nodes) {
    expect(n.x).toBeGreaterThanOrEqual(fit.frame.x - 1);
    expect(n.y).toBeGreaterThanOrEqual(fit.frame.y - 1);
    expect(n.x + n.w).toBeLessThanOrEqual(fit.frame.x + fit.frame.w + 1);
    expect(n.y + n.h).toBeLessThanOrEqual(fit.frame.y + fit.frame.h + 1);
  }

  // Auto-layout: layered (every edge left to right), no overlapping boxes, all in view.
  const unlaid = await transformOf(page, "n0_1");
  const t1 = Date.now();
  await page.getByTestId("layout-button").click();
  await expect.poll(() => transformOf(page, "n0_1"), { timeout: 30_000 }).not.toBe(unlaid);
  const layoutMs = Date.now() - t1;
  await page.waitForTimeout(800);
  const laid = await nodeRects(page);
  expect(laid.nodes).toHaveLength(1000);
  expect(overlapping(laid.nodes)).toEqual([]);
  const at = new Map(laid.nodes.map((n) => [n.id, n]));
  for (const e of graph.edges) expect(at.get(e.target)!.x).toBeGreaterThan(at.get(e.source)!.x + at.get(e.source)!.w - 0.5);
  await page.screenshot({ path: `${SHOTS}/big-1000-auto-layout.png` });

  // Zoomed in, the same nodes are full cards again, readable.
  for (let i = 0; i < 10; i++) await page.locator(".react-flow__controls-zoomin").click();
  await expect(page.locator(".ft-node--compact")).toHaveCount(0);
  await expect(page.locator(".ft-node__title").first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/big-1000-zoomed-in.png` });

  const summary = `1,000-node import → canvas shown: ${importMs} ms (incl. server import); auto-layout click → applied: ${layoutMs} ms`;
  console.log(summary);
  test.info().annotations.push({ type: "perf", description: summary });
  expect(errors).toEqual([]);
});

test("the qa example at its default zoom; validation errors on the node and the edge they name", async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, createLoginUrl({ role: "editor" }));
  await page.getByTestId("workflow-item-qa").click();
  await expect(page.getByTestId("node-answer")).toBeVisible();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${SHOTS}/qa-default.png` });
  // Readable: full cards, titles at ≥ 10 px on screen, no node toolbar outside its node.
  await expect(page.locator(".ft-node--compact")).toHaveCount(0);
  const zoom = await page.locator(".react-flow__viewport").evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
  expect(13.5 * zoom).toBeGreaterThanOrEqual(10);
  const node = (await page.getByTestId("node-answer").boundingBox())!;
  const button = (await page.getByTestId("node-answer-optimize").boundingBox())!;
  expect(button.x + button.width).toBeLessThanOrEqual(node.x + node.width);
  expect(button.y + button.height).toBeLessThanOrEqual(node.y + node.height);

  // A second input node: its error is on it, in words.
  await dropFromPalette(page, "input", 420, 520);
  const second = page.locator('.ft-node[data-kind="input"][data-issues="1"]');
  await expect(second).toHaveCount(1);
  await expect(second.locator(".ft-node__problem")).toContainText("exactly one input node");
  await expect(page.getByTestId("node-in")).toHaveAttribute("data-issues", "0");
  await page.screenshot({ path: `${SHOTS}/qa-second-input.png` });
  await page.keyboard.press("Delete");
  await expect(second).toHaveCount(0);

  // An edge with a broken condition: the error is on the edge.
  const edge = page.locator('.react-flow__edge[data-id="answer-grade"]');
  const box = (await edge.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.getByTestId("edge-kind-select").selectOption("conditional");
  await page.getByTestId("edge-condition-input").fill("input.score >");
  const label = page.getByTestId("edge-label-answer-grade");
  await expect(label).toHaveClass(/has-issues/);
  await expect(label).toContainText(/condition|expression|unexpected|parse/i);
  await page.screenshot({ path: `${SHOTS}/qa-edge-error.png` });
  expect(errors).toEqual([]);
});
