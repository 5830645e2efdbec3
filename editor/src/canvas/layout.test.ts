import { describe, expect, it } from "vitest";
import { LAYER_GAP_X, layoutGraph, ROW_GAP_Y } from "./layout.js";

const node = (id: string, position?: { x: number; y: number }) => ({ id, kind: "output", config: {}, position }) as never;
const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, target, kind: "pipeline" }) as never;

describe("layoutGraph", () => {
  it("puts nodes in layers by longest-path depth, rows by index", () => {
    // a → b → d, a → c → d, a → d
    const pos = layoutGraph({
      nodes: [node("a"), node("b"), node("c"), node("d")],
      edges: [edge("a", "b"), edge("a", "c"), edge("b", "d"), edge("c", "d"), edge("a", "d")],
    });
    expect(pos.get("a")!.x).toBe(0);
    expect(pos.get("b")!.x).toBe(LAYER_GAP_X);
    expect(pos.get("c")!.x).toBe(LAYER_GAP_X);
    expect(pos.get("d")!.x).toBe(2 * LAYER_GAP_X);
    expect(pos.get("c")!.y - pos.get("b")!.y).toBe(ROW_GAP_Y);
    // Single-node layers are centred on the two-node one.
    expect(pos.get("a")!.y).toBe(ROW_GAP_Y / 2);
  });

  it("keeps stored positions", () => {
    const pos = layoutGraph({ nodes: [node("a", { x: 5, y: 7 }), node("b")], edges: [edge("a", "b")] });
    expect(pos.get("a")).toEqual({ x: 5, y: 7 });
    expect(pos.get("b")).toEqual({ x: LAYER_GAP_X, y: 0 });
  });
});
