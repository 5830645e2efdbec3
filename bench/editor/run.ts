/**
 * Editor canvas benchmark (`npm run bench:editor`): builds two pages with Vite — the editor's
 * canvas and a plain React Flow page with default nodes — and drives both in Debian's Chromium
 * with a real mouse, interleaved, at 500 and 1,000 nodes. Prints p95 frame time while dragging a
 * node and while panning, import → first paint, auto-layout time (and its overlaps), and whether
 * fit-view fits, against the targets of issue 10. BENCH_REPS (default 3), BENCH_SIZES ("500,1000"),
 * BENCH_STRICT=1 exits 1 when a target is missed.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "@playwright/test";
import { build } from "vite";
import { printTable } from "../timing.js";
import type { LayoutCheck } from "./harness.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const REPS = Number(process.env.BENCH_REPS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? "500,1000").split(",").map(Number);
const MOVES = 40;
// As in playwright.config.ts (Debian's Chromium; Playwright's own browser download cannot work here).
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

type Which = "ours" | "plain";
interface Sample {
  importMs: number;
  drag: number[];
  pan: number[];
  dragMoved: boolean;
  panMoved: boolean;
  fits: boolean;
  zoom: number;
  layout: LayoutCheck;
}

function serve(dir: string): Promise<{ url: string; close: () => void }> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)).replace(/^([/\\])+/, ""));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    }),
  );
}

/** Real mouse: press at (x, y), move by (dx, dy) per step for MOVES steps, release; frame deltas during it. */
async function gesture(page: Page, x: number, y: number, dx: number, dy: number): Promise<number[]> {
  await page.mouse.move(x, y);
  await page.evaluate(() => window.bench.startFrames());
  await page.mouse.down();
  for (let i = 1; i <= MOVES; i++) await page.mouse.move(x + i * dx, y + i * dy);
  await page.mouse.up();
  return page.evaluate(() => window.bench.stopFrames());
}

async function measure(page: Page, base: string, which: Which, n: number): Promise<Sample> {
  page.setDefaultTimeout(120_000);
  page.on("pageerror", (err) => console.error(`${which} ${n}: ${err.message}`));
  await page.goto(`${base}/${which}.html`);
  await page.waitForFunction(() => Boolean(window.bench));
  const importMs = await page.evaluate((size) => window.bench.importGraph(size), n);
  const { fits, zoom } = await page.evaluate(() => window.bench.fitView());

  const grab = await page.evaluate(() => window.bench.grabPoint());
  if (!grab) throw new Error(`${which} ${n}: no node to grab`);
  const before = await page.evaluate((id) => window.bench.position(id), grab.id);
  const drag = await gesture(page, grab.x, grab.y, 3, 2);
  const after = await page.evaluate((id) => window.bench.position(id), grab.id);
  const dragMoved = Boolean(before && after && (before.x !== after.x || before.y !== after.y));

  const pane = await page.evaluate(() => window.bench.panePoint());
  if (!pane) throw new Error(`${which} ${n}: no empty pane to pan on`);
  const vp0 = await page.evaluate(() => window.bench.viewport());
  const pan = await gesture(page, pane.x, pane.y, 4, 3);
  const vp1 = await page.evaluate(() => window.bench.viewport());
  const panMoved = vp0.x !== vp1.x || vp0.y !== vp1.y;

  const layout = await page.evaluate(() => window.bench.autoLayout());
  return { importMs, drag, pan, dragMoved, panMoved, fits, zoom, layout };
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? NaN;
}
const median = (v: number[]) => pct(v, 0.5);
const ms = (v: number) => `${Math.round(v)} ms`;

async function main() {
  const out = mkdtempSync(path.join(os.tmpdir(), "flowtune-bench-editor-"));
  process.env.FLOWTUNE_BENCH_OUT = out;
  console.log("building the bench pages…");
  await build({ configFile: path.join(here, "vite.config.ts") });
  const server = await serve(out);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const browserVersion = browser.version();
  const samples = new Map<string, Sample[]>();
  try {
    for (let rep = 0; rep < REPS; rep++) {
      for (const n of SIZES) {
        // Interleaved, alternating which page goes first, so machine load hits both alike.
        const order: Which[] = rep % 2 ? ["plain", "ours"] : ["ours", "plain"];
        for (const which of order) {
          const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
          const s = await measure(page, server.url, which, n);
          await page.close();
          const key = `${which}:${n}`;
          samples.set(key, [...(samples.get(key) ?? []), s]);
          console.log(`rep ${rep + 1}/${REPS} ${which} ${n}: import ${ms(s.importMs)}, drag p95 ${ms(pct(s.drag, 0.95))}, pan p95 ${ms(pct(s.pan, 0.95))}, layout ${ms(s.layout.ms)}`);
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(out, { recursive: true, force: true });
  }

  let missed = 0;
  const rows: string[][] = [];
  const check = (ok: boolean) => {
    if (!ok) missed++;
    return ok ? "ok" : "MISSED";
  };
  for (const n of SIZES) {
    const o = samples.get(`ours:${n}`)!;
    const p = samples.get(`plain:${n}`)!;
    const all = (s: Sample[], f: (x: Sample) => number[]) => s.flatMap(f);
    const row = (metric: string, a: number, b: number, target: string, ok: boolean) => rows.push([`${n}`, metric, ms(a), ms(b), (a / b).toFixed(2), target, check(ok)]);
    const dragO = pct(all(o, (s) => s.drag), 0.95);
    const dragP = pct(all(p, (s) => s.drag), 0.95);
    row("drag p95 frame", dragO, dragP, "< 50 ms, ≤ 1.5×", dragO < 50 && dragO <= 1.5 * dragP && o.every((s) => s.dragMoved));
    const panO = pct(all(o, (s) => s.pan), 0.95);
    const panP = pct(all(p, (s) => s.pan), 0.95);
    row("pan p95 frame", panO, panP, "< 50 ms, ≤ 1.5×", panO < 50 && panO <= 1.5 * panP && o.every((s) => s.panMoved));
    const impO = median(o.map((s) => s.importMs));
    const impP = median(p.map((s) => s.importMs));
    row("import → first paint (median)", impO, impP, "< 1500 ms", impO < 1500);
    const layO = median(o.map((s) => s.layout.ms));
    const layP = median(p.map((s) => s.layout.ms));
    row("auto-layout (median)", layO, layP, "< 1000 ms", layO < 1000);
    const ov = Math.max(...o.map((s) => s.layout.overlaps + s.layout.backEdges));
    const ovP = Math.max(...p.map((s) => s.layout.overlaps + s.layout.backEdges));
    rows.push([`${n}`, "layout overlaps + back edges", String(ov), String(ovP), "", "0", check(ov === 0)]);
    const fitO = o.every((s) => s.fits && s.layout.fits);
    const fitP = p.every((s) => s.fits && s.layout.fits);
    rows.push([`${n}`, "fit-view fits all (zoom)", `${fitO ? "yes" : "no"} (${o[0].zoom.toFixed(3)})`, `${fitP ? "yes" : "no"} (${p[0].zoom.toFixed(3)})`, "", "yes", check(fitO)]);
  }
  console.log(`\nEditor canvas benchmark: ${REPS} interleaved repetitions, ${MOVES} mouse moves per gesture, Chromium ${browserVersion}`);
  printTable(["nodes", "metric", "ours", "plain", "ours÷plain", "target", ""], rows);
  if (missed) console.log(`${missed} target(s) missed`);
  if (missed && process.env.BENCH_STRICT === "1") process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
