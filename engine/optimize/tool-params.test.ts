import { describe, expect, it } from "vitest";
import { AiParamsSchema } from "../schema/graph.js";
import type { OptimizeConfig } from "./config.js";
import { OptimizeConfigSchema } from "./config.js";
import { buildParamSpace } from "./param-space.js";
import { describedTool, TOOL_INSTRUCTION_LIBRARY } from "./tool-params.js";

const base = AiParamsSchema.parse({
  model: "sim-small",
  prompt: "{{ inputs.q }}",
  toolInstructions: "Tools exist.",
  tools: [
    { kind: "expression", name: "calc", description: "Calculator", expression: "expression|calc", parameters: { type: "object", properties: { expression: { type: "string", description: "An arithmetic expression." } } } },
    { kind: "expression", name: "noargs", description: "Says hi.", expression: "'hi'" },
  ],
});
const config: OptimizeConfig = OptimizeConfigSchema.parse({ targets: ["a"], strategy: "random", objectives: [{ metric: "g", direction: "max" }], searchSpace: { maxDemos: 0 } });

describe("tool text as optimizer parameters", () => {
  it("completes a description from the tool's own argument descriptions (once)", () => {
    expect(describedTool(base.tools![0])).toBe("Calculator. Arguments: expression (string): An arithmetic expression.");
    expect(describedTool({ ...base.tools![0], description: describedTool(base.tools![0]) })).toBe("Calculator. Arguments: expression (string): An arithmetic expression.");
    expect(describedTool(base.tools![1])).toBe("Says hi.");
  });

  it("adds a tool-instructions dimension and one per improvable description; decoding applies them and keeps the rest", () => {
    const ps = buildParamSpace(config, { a: base }, { a: { instructions: [], demos: [] } });
    const names = ps.space.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(["a.toolInstructions", "a.tool0.description"]));
    expect(names).not.toContain("a.tool1.description");
    const kept = ps.decode({ "a.toolInstructions": 0, "a.tool0.description": false }).a;
    expect(kept.toolInstructions).toBe("Tools exist.");
    expect(kept.tools).toEqual(base.tools);
    const tuned = ps.decode({ "a.toolInstructions": 1, "a.tool0.description": true }).a;
    expect(tuned.toolInstructions).toBe(TOOL_INSTRUCTION_LIBRARY[0]);
    expect(tuned.tools![0].description).toBe(describedTool(base.tools![0]));
    expect(tuned.tools![1]).toEqual(base.tools![1]);
    expect(AiParamsSchema.safeParse(tuned).success).toBe(true);
    // The baseline object is never mutated.
    expect(base.tools![0].description).toBe("Calculator");
  });

  it("a node without tools gets no tool dimensions", () => {
    const plain = AiParamsSchema.parse({ model: "sim-small", prompt: "x" });
    const ps = buildParamSpace(config, { a: plain }, { a: { instructions: [], demos: [] } });
    expect(ps.space.some((d) => d.name.includes("tool"))).toBe(false);
  });
});
