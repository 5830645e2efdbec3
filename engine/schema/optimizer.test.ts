import { describe, expect, it, vi } from "vitest";
import type * as Limits from "../limits.js";

// The graph format's template cap comes from one place (templateSourceChars); a different default there
// must move the optimizer's promptTemplates cap with it, as it moves TEMPLATE_MAX in graph.ts.
vi.mock("../limits.js", async (importOriginal) => {
  const real = await importOriginal<typeof Limits>();
  return { ...real, DEFAULT_LIMITS: Object.freeze({ ...real.DEFAULT_LIMITS, templateSourceChars: 1_000 }) };
});

describe("optimizer schema limits", () => {
  it("caps each searchSpace.promptTemplates entry at the graph's template limit (TEMPLATE_MAX), not a number of its own", async () => {
    const { SearchSpaceSpecSchema } = await import("./optimizer.js");
    const { TEMPLATE_MAX } = await import("./graph.js");
    expect(TEMPLATE_MAX).toBe(1_000);
    expect(SearchSpaceSpecSchema.safeParse({ promptTemplates: ["x".repeat(TEMPLATE_MAX)] }).success).toBe(true);
    const over = SearchSpaceSpecSchema.safeParse({ promptTemplates: ["x".repeat(TEMPLATE_MAX + 1)] });
    expect(over.success).toBe(false);
    expect(over.error!.issues[0]).toMatchObject({ path: ["promptTemplates", 0], code: "too_big", maximum: TEMPLATE_MAX });
  });
});
