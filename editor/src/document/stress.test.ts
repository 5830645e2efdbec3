import { describe, expect, it } from "vitest";
import { stressGraph } from "./stress.js";
import { validateDoc } from "./validation.js";

describe("stressGraph", () => {
  it("has 500 nodes and is valid", () => {
    const g = stressGraph(500);
    expect(g.nodes).toHaveLength(500);
    const t = performance.now();
    const v = validateDoc(g);
    expect(v.issues.slice(0, 3)).toEqual([]);
    expect(performance.now() - t).toBeLessThan(5000);
  });
});
