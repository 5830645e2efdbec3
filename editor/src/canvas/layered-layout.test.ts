import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stressGraph } from "../document/stress.js";
import { layeredLayout, type LayoutSize } from "./layered-layout.js";

type Box = { id: string; x: number; y: number; width: number; height: number };

function boxes(pos: Record<string, { x: number; y: number }>, sizes: Record<string, LayoutSize | undefined>, def: LayoutSize): Box[] {
  return Object.entries(pos).map(([id, p]) => ({ id, ...p, ...(sizes[id] ?? def) }));
}
function overlaps(bs: Box[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < bs.length; i++)
    for (let j = i + 1; j < bs.length; j++) {
      const a = bs[i];
      const b = bs[j];
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) out.push([a.id, b.id]);
    }
  return out;
}
const DEF = { width: 192, height: 110 };

describe("layeredLayout", () => {
  it("lays a diamond out in layers left to right", () => {
    const nodes = ["a", "b", "c", "d"].map((id) => ({ id }));
    const edges = [
      { source: "a", target: "b" },
      { source: "a", target: "c" },
      { source: "b", target: "d" },
      { source: "c", target: "d" },
    ];
    const p = layeredLayout(nodes, edges);
    expect(p.a.x).toBeLessThan(p.b.x);
    expect(p.b.x).toBe(p.c.x);
    expect(p.c.x).toBeLessThan(p.d.x);
    expect(Math.abs(p.b.y - p.c.y)).toBeGreaterThanOrEqual(110 + 40);
    // The join sits between its two inputs, the source between its two outputs.
    expect(p.d.y).toBeCloseTo((p.b.y + p.c.y) / 2, 0);
    expect(p.a.y).toBeCloseTo((p.b.y + p.c.y) / 2, 0);
  });

  it("puts a source right before its first consumer, and keeps a chain straight", () => {
    const nodes = ["in", "a", "b", "c", "late"].map((id) => ({ id }));
    const edges = [
      { source: "in", target: "a" },
      { source: "a", target: "b" },
      { source: "b", target: "c" },
      { source: "late", target: "c" },
    ];
    const p = layeredLayout(nodes, edges);
    expect(p.late.x).toBe(p.b.x);
    expect(p.a.y).toBe(p.in.y);
  });

  it("handles cycles, self-loops and edges to unknown nodes", () => {
    const nodes = ["a", "b", "c"].map((id) => ({ id }));
    const edges = [
      { source: "a", target: "b" },
      { source: "b", target: "c" },
      { source: "c", target: "a" },
      { source: "a", target: "a" },
      { source: "a", target: "ghost" },
    ];
    const p = layeredLayout(nodes, edges);
    expect(Object.keys(p).sort()).toEqual(["a", "b", "c"]);
    expect(overlaps(boxes(p, {}, DEF))).toEqual([]);
  });

  it("never overlaps boxes and keeps every edge of a DAG left to right (random DAGs, mixed sizes)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 120 }),
        fc.array(fc.record({ width: fc.integer({ min: 40, max: 320 }), height: fc.integer({ min: 20, max: 260 }) }), { maxLength: 60 }),
        (n, pairs, sz) => {
          const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
          // Edges from a lower to a higher index: a DAG.
          const edges = pairs.map(([a, b]) => [a % n, b % n]).filter(([a, b]) => a < b).map(([a, b]) => ({ source: `n${a}`, target: `n${b}` }));
          const sizes = Object.fromEntries(sz.slice(0, n).map((s, i) => [`n${i}`, s]));
          const p = layeredLayout(nodes, edges, sizes);
          const bs = boxes(p, sizes, DEF);
          expect(bs).toHaveLength(n);
          expect(overlaps(bs)).toEqual([]);
          for (const e of edges) expect(p[e.target].x).toBeGreaterThan(p[e.source].x);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("lays out the 1,000-node stress graph without overlaps, quickly", () => {
    const g = stressGraph(1000, 25);
    const t = performance.now();
    const p = layeredLayout(g.nodes, g.edges);
    const ms = performance.now() - t;
    expect(overlaps(boxes(p, {}, DEF))).toEqual([]);
    for (const e of g.edges) expect(p[e.target].x).toBeGreaterThan(p[e.source].x);
    // Generous (a loaded CI machine): dagre takes seconds here.
    expect(ms).toBeLessThan(3000);
  });
});
