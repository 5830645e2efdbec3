import { describe, expect, it } from "vitest";
import { stressGraph } from "../document/stress.js";
import { autoLayout, DAGRE_MAX_NODES, dagreLayout } from "./auto-layout.js";

const node = (id: string) => ({ id, kind: "output", config: {} }) as never;
const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, target, kind: "pipeline" }) as never;

describe("dagreLayout", () => {
  it("lays a chain out left to right without overlaps", () => {
    const pos = dagreLayout({ nodes: [node("a"), node("b"), node("c"), node("d")], edges: [edge("a", "b"), edge("a", "c"), edge("b", "d"), edge("c", "d")] });
    expect(pos.a.x).toBeLessThan(pos.b.x);
    expect(pos.b.x).toBeLessThan(pos.d.x);
    expect(pos.b.x).toBe(pos.c.x);
    expect(Math.abs(pos.b.y - pos.c.y)).toBeGreaterThanOrEqual(110);
  });

  it("autoLayout hands graphs over DAGRE_MAX_NODES to the fast layered layout: layered, no overlaps, room for labels", () => {
    const g = stressGraph(DAGRE_MAX_NODES * 3, 25);
    const pos = autoLayout(g, {});
    for (const e of g.edges) expect(pos[e.target].x).toBeGreaterThan(pos[e.source].x);
    const boxes = Object.entries(pos).map(([id, p]) => ({ id, ...p }));
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        expect(a.x < b.x + 192 && b.x < a.x + 192 && a.y < b.y + 110 && b.y < a.y + 110, `${a.id} overlaps ${b.id}`).toBe(false);
      }
    // A conditional edge (labelled) widens the gap between layers.
    const labelled = { ...g, edges: g.edges.map((e, i) => (i === 1 ? ({ ...e, kind: "conditional", condition: "true", default: false } as typeof e) : e)) };
    const wide = autoLayout(labelled, {});
    expect(wide.n0_1.x - wide.n0_0.x).toBeGreaterThan(pos.n0_1.x - pos.n0_0.x);
  });
});
