/**
 * The canvas's zoom policy, pure: the view a graph opens with (fit, but never below a zoom at
 * which node text is readable, except for large graphs which fit whole as an overview), the
 * zoom below which nodes render as compact cards, and the node size assumed before measuring.
 */
import type { NodeKind } from "../../../engine/browser.js";

/** Below this zoom node text (13.5 px titles) is under ~6 px: nodes render as compact cards. */
export const COMPACT_ZOOM = 0.45;
/** Below this zoom even compact titles (30 px) are under ~6 px: they are not painted at all (a CSS class, no re-render). */
export const FAR_ZOOM = 0.2;
/** The smallest zoom a graph opens with when it is not large: 13.5 px titles show at ~10 px. */
export const READABLE_ZOOM = 0.75;
/** Fit-view zooms in at most this far (a 3-node graph must not fill the screen). */
export const MAX_FIT_ZOOM = 1.1;
/** Low enough to fit a 2,000-node graph (the graph cap) on a laptop screen. */
export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 2;
/** From this many nodes a graph opens fitted whole (an overview) rather than at a readable zoom. */
export const LARGE_GRAPH = 40;

export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export const NODE_WIDTH = 192;
/** A node's full-card height before it is measured (the compact card has this height too). */
export const ESTIMATED_HEIGHT: Record<NodeKind, number> = { input: 104, ai: 128, evaluation: 104, router: 104, aggregate: 104, output: 104, optimizer: 104 };

/** The bounding box of nodes at their positions with the given (or estimated) sizes. */
export function boundsOf(nodes: readonly { id: string; kind: NodeKind; position?: { x: number; y: number } }[], sizes: Record<string, { width: number; height: number } | undefined> = {}): Rect | null {
  if (!nodes.length) return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of nodes) {
    const p = n.position ?? { x: 0, y: 0 };
    const s = sizes[n.id] ?? { width: NODE_WIDTH, height: ESTIMATED_HEIGHT[n.kind] ?? 110 };
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + s.width);
    y1 = Math.max(y1, p.y + s.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The zoom that fits `bounds` in the area left inside `insets` (clamped to [MIN_ZOOM, MAX_FIT_ZOOM]). */
export function fitZoom(bounds: Rect, area: { width: number; height: number }, insets: Insets): number {
  const w = Math.max(1, area.width - insets.left - insets.right);
  const h = Math.max(1, area.height - insets.top - insets.bottom);
  const z = Math.min(w / Math.max(1, bounds.width), h / Math.max(1, bounds.height), MAX_FIT_ZOOM);
  return Math.max(MIN_ZOOM, z);
}

/**
 * The view a graph opens with. Fits when that keeps text readable or the graph is large (then it
 * is an overview the user zooms into); otherwise READABLE_ZOOM with the graph's left edge (its
 * inputs, in a left-to-right layout) in view, centred vertically when it fits, else from the top.
 */
export function initialViewport(bounds: Rect | null, area: { width: number; height: number }, insets: Insets, nodeCount: number): Viewport {
  if (!bounds) return { x: 0, y: 0, zoom: 1 };
  const w = area.width - insets.left - insets.right;
  const h = area.height - insets.top - insets.bottom;
  const fit = fitZoom(bounds, area, insets);
  const zoom = fit >= READABLE_ZOOM || nodeCount >= LARGE_GRAPH ? fit : READABLE_ZOOM;
  const cx = bounds.width * zoom <= w ? insets.left + (w - bounds.width * zoom) / 2 : insets.left;
  const cy = bounds.height * zoom <= h ? insets.top + (h - bounds.height * zoom) / 2 : insets.top;
  return { x: cx - bounds.x * zoom, y: cy - bounds.y * zoom, zoom };
}
