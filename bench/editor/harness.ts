/**
 * The in-page half of the editor benchmark, shared by the two pages: the graph both pages
 * import, a frame recorder (requestAnimationFrame deltas), a first-paint wait, and the
 * geometry checks (all nodes in view, overlapping boxes, edges that do not run left to right).
 */
import type { Graph } from "../../engine/browser.js";
import { stressGraph } from "../../editor/src/document/stress.js";

export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutCheck {
  ms: number;
  overlaps: number;
  /** Edges whose target is not right of its source (a layered LR layout has none). */
  backEdges: number;
  fits: boolean;
}

/** What the runner calls through `window.bench`. */
export interface BenchApi {
  importGraph(n: number): Promise<number>;
  fitView(): Promise<{ fits: boolean; zoom: number }>;
  autoLayout(): Promise<LayoutCheck>;
  startFrames(): void;
  stopFrames(): number[];
  /** A rendered node near the centre of the canvas, fully in view, with a point to grab it by. */
  grabPoint(): { id: string; x: number; y: number } | null;
  /** A point on the empty pane (no node, edge or overlay under it), near the centre if possible. */
  panePoint(): { x: number; y: number } | null;
  position(id: string): { x: number; y: number } | null;
  viewport(): { x: number; y: number; zoom: number };
}

declare global {
  interface Window {
    bench: BenchApi;
  }
}

/** The graph text both pages import: the editor's stress graph (rows of AI → evaluation chains). */
export function graphText(n: number): string {
  const g: Graph = stressGraph(n, 25);
  return JSON.stringify({ ...g, id: `stress_${n}` });
}

const frame = () => new Promise<number>((r) => requestAnimationFrame(r));

/** Resolves once React Flow has rendered and measured nodes (none hidden) and a frame was painted after that. */
export async function painted(timeoutMs = 60_000): Promise<void> {
  const start = performance.now();
  for (;;) {
    await frame();
    if (performance.now() - start > timeoutMs) throw new Error(`nothing painted within ${timeoutMs} ms`);
    const nodes = document.querySelectorAll<HTMLElement>(".react-flow__node");
    if (nodes.length && ![...nodes].some((n) => n.style.visibility === "hidden")) break;
  }
  // The frame after the one that rendered them: that one has been painted.
  await frame();
}

export async function settle(ms = 0): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  await frame();
  await frame();
}

let frames: number[] = [];
let recording = false;
export function startFrames(): void {
  frames = [];
  recording = true;
  const tick = (t: number) => {
    frames.push(t);
    if (recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
export function stopFrames(): number[] {
  recording = false;
  return frames.slice(1).map((t, i) => t - frames[i]);
}

/** Pairs of boxes that overlap (sweep along x; touching edges do not count). */
export function countOverlaps(boxes: Box[]): number {
  const sorted = [...boxes].sort((a, b) => a.x - b.x);
  let count = 0;
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    for (let j = i + 1; j < sorted.length && sorted[j].x < a.x + a.width; j++) {
      const b = sorted[j];
      if (b.y < a.y + a.height && a.y < b.y + b.height) count++;
    }
  }
  return count;
}

export function countBackEdges(boxes: Box[], edges: { source: string; target: string }[]): number {
  const byId = new Map(boxes.map((b) => [b.id, b]));
  return edges.filter((e) => {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    return s && t && t.x < s.x + s.width;
  }).length;
}

/** Whether every box lies inside the canvas element at viewport {x, y, zoom} (1 px tolerance). */
export function allInView(boxes: Box[], vp: { x: number; y: number; zoom: number }, el: HTMLElement): boolean {
  const r = el.getBoundingClientRect();
  return boxes.every((b) => {
    const left = b.x * vp.zoom + vp.x;
    const top = b.y * vp.zoom + vp.y;
    return left >= -1 && top >= -1 && left + b.width * vp.zoom <= r.width + 1 && top + b.height * vp.zoom <= r.height + 1;
  });
}

export function grabPoint(): { id: string; x: number; y: number } | null {
  const frameEl = document.querySelector(".react-flow")!.getBoundingClientRect();
  const cx = frameEl.left + frameEl.width / 2;
  const cy = frameEl.top + frameEl.height / 2;
  let best: { id: string; x: number; y: number; d: number } | null = null;
  for (const el of document.querySelectorAll<HTMLElement>(".react-flow__node")) {
    const r = el.getBoundingClientRect();
    if (r.left < frameEl.left || r.right > frameEl.right || r.top < frameEl.top + 70 || r.bottom > frameEl.bottom) continue;
    // Grab a spot on the node's body that is the node itself (not a handle or a button).
    const x = r.left + r.width * 0.4;
    const y = r.top + Math.min(r.height * 0.3, 14);
    const hit = document.elementFromPoint(x, y);
    if (!hit || hit.closest(".react-flow__node") !== el || hit.closest("button, .react-flow__handle")) continue;
    const d = Math.hypot(x - cx, y - cy);
    if (!best || d < best.d) best = { id: el.dataset.id!, x, y, d };
  }
  return best && { id: best.id, x: best.x, y: best.y };
}

export function panePoint(): { x: number; y: number } | null {
  const r = document.querySelector(".react-flow")!.getBoundingClientRect();
  const cx = r.left + r.width / 2;
  const cy = r.top + r.height / 2;
  // Candidates nearest the centre first; the first one on the bare pane wins.
  const points: { x: number; y: number; d: number }[] = [];
  for (let y = r.top + 80; y < r.bottom - 150; y += 6) for (let x = r.left + 60; x < r.right - 260; x += 6) points.push({ x, y, d: Math.hypot(x - cx, y - cy) });
  points.sort((a, b) => a.d - b.d);
  const hit = points.find((p) => document.elementFromPoint(p.x, p.y)?.classList.contains("react-flow__pane"));
  return hit ? { x: hit.x, y: hit.y } : null;
}
