import { describe, expect, it } from "vitest";
import { generateSentimentRows } from "./sentiment-gen.js";
import { sentimentSolver } from "./sentiment.js";

const label = (text: string): string | undefined => sentimentSolver.analyze(text)?.label;

describe("sentiment solver", () => {
  it("handles negation and contrast", () => {
    expect(label("I love this kettle. It is great.")).toBe("positive");
    expect(label("This blender is terrible. The lid broke after 3 days.")).toBe("negative");
    expect(label("The tent is not bad at all, and I would buy it again.")).toBe("positive");
    expect(label("The speaker is not good. I would not recommend it.")).toBe("negative");
    expect(label("The strap looks nice, but the bag fell apart within a week.")).toBe("negative");
    expect(label("The lamp is okay. It does what the description says, nothing more.")).toBe("neutral");
  });

  it("marks hard traits and a naive misreading", () => {
    const c = sentimentSolver.analyze("The speaker is not good. I would not recommend it.")!;
    expect(c.traits).toContain("negation");
    expect(c.naive).toBe("positive");
    expect(sentimentSolver.wrong(c, 0.3)).toBe("positive");
  });

  it("agrees with every generated label (labels are unambiguous)", () => {
    const rows = generateSentimentRows(300, 5);
    for (const row of rows) expect(label(row.review), row.review).toBe(row.expected);
    const counts = new Set(rows.map((r) => r.expected));
    expect(counts.size).toBe(3);
  });
});
