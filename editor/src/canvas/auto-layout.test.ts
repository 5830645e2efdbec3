import { describe, expect, it } from "vitest";
import { dagreLayout } from "./auto-layout.js";

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
});
