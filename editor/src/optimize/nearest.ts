/**
 * Picking a point of a scatter plot by a click anywhere: the nearest point in screen space, so a
 * point drawn over another can never hide it. Pure; unit-tested.
 */

/** A plotted point in screen (SVG user) coordinates. */
export interface ScreenPoint {
  index: number;
  x: number;
  y: number;
  front: boolean;
}

// Points this close (px) to the nearest distance count as "as near" (e.g. drawn at the same spot).
const TIE_PX = 0.5;

/**
 * The index of the point nearest to (px, py), or undefined when there is none. Equally near points
 * (coincident ones) are ordered front first, then by index; when `current` is one of them, the next
 * one after it is returned, so clicking the same spot again cycles through every coincident point.
 */
export function nearestPoint(points: readonly ScreenPoint[], px: number, py: number, current?: number | null): number | undefined {
  let best = Infinity;
  for (const p of points) best = Math.min(best, Math.hypot(p.x - px, p.y - py));
  if (!Number.isFinite(best)) return undefined;
  const tied = points
    .filter((p) => Math.hypot(p.x - px, p.y - py) <= best + TIE_PX)
    .sort((a, b) => Number(b.front) - Number(a.front) || a.index - b.index);
  const at = tied.findIndex((p) => p.index === current);
  return tied[at >= 0 ? (at + 1) % tied.length : 0].index;
}

/** The order to draw points in: rejected, then the others, then the front, then the selected one on top. */
export function drawOrder<P extends { index: number; rejected: boolean }>(points: readonly P[], front: ReadonlySet<number>, selected: number | null): P[] {
  const rank = (p: P) => (p.index === selected ? 3 : front.has(p.index) ? 2 : p.rejected ? 0 : 1);
  return [...points].sort((a, b) => rank(a) - rank(b) || a.index - b.index);
}
