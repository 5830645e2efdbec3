import { describe, expect, it } from "vitest";
import { boundsOf, ESTIMATED_HEIGHT, initialViewport, LARGE_GRAPH, MAX_FIT_ZOOM, MIN_ZOOM, NODE_WIDTH, READABLE_ZOOM } from "./viewport.js";

const insets = { top: 64, left: 24, right: 24, bottom: 24 };
const area = { width: 1000, height: 700 };
const row = (n: number, gap = 260) => Array.from({ length: n }, (_, i) => ({ id: `n${i}`, kind: "ai" as const, position: { x: i * gap, y: 0 } }));

describe("canvas viewport policy", () => {
  it("bounds use the estimated size of unmeasured nodes", () => {
    expect(boundsOf(row(2))).toEqual({ x: 0, y: 0, width: 260 + NODE_WIDTH, height: ESTIMATED_HEIGHT.ai });
    expect(boundsOf([])).toBeNull();
  });

  it("fits a small graph, zooming in no further than MAX_FIT_ZOOM, centred", () => {
    const b = boundsOf(row(2))!;
    const v = initialViewport(b, area, insets, 2);
    expect(v.zoom).toBe(MAX_FIT_ZOOM);
    const left = v.x + b.x * v.zoom;
    const right = area.width - (left + b.width * v.zoom);
    expect(Math.abs(left - insets.left - (right - insets.right))).toBeLessThan(1);
  });

  it("opens a medium graph at a readable zoom with its left edge in view", () => {
    const nodes = row(10);
    const b = boundsOf(nodes)!;
    const v = initialViewport(b, area, insets, nodes.length);
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(v.x + b.x * v.zoom).toBe(insets.left);
  });

  it("fits a large graph whole (an overview), down to MIN_ZOOM", () => {
    const nodes = row(LARGE_GRAPH + 10);
    const b = boundsOf(nodes)!;
    const v = initialViewport(b, area, insets, nodes.length);
    expect(v.zoom).toBeLessThan(READABLE_ZOOM);
    expect(v.x + b.x * v.zoom).toBeGreaterThanOrEqual(insets.left - 0.5);
    expect(v.x + (b.x + b.width) * v.zoom).toBeLessThanOrEqual(area.width - insets.right + 0.5);
    const huge = row(2000, 5000);
    expect(initialViewport(boundsOf(huge)!, area, insets, huge.length).zoom).toBe(MIN_ZOOM);
  });

  it("an empty graph opens at zoom 1", () => {
    expect(initialViewport(null, area, insets, 0)).toEqual({ x: 0, y: 0, zoom: 1 });
  });
});
