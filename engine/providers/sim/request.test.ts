import { describe, expect, it } from "vitest";
import { detectFeatures } from "./features.js";
import { parseRequest } from "./request.js";
import { segmentData } from "./segment.js";

const Q = "Sam has 12 apples. He buys 5 more and gives away 3. How many apples does Sam have now?";

describe("segmentData", () => {
  it("separates data from instructions in common prompt layouts", () => {
    expect(segmentData(Q).data).toBe(Q);
    expect(segmentData(`Question: ${Q}\nAnswer:`).data).toBe(Q);
    expect(segmentData(`Solve this math word problem.\n\n${Q}`).data).toBe(Q);
    expect(segmentData(`${Q} Answer with only the number.`).data).toBe(Q);
    expect(segmentData("Classify the sentiment of this review: I love it. Great kettle.").data).toBe("I love it. Great kettle.");
  });

  it("keeps instruction lines that merely contain a colon", () => {
    const seg = segmentData("I love this kettle.\n\nReply with only one word: positive, negative or neutral.");
    expect(seg.data).toBe("I love this kettle.");
    expect(seg.instruction).toContain("positive, negative or neutral");
  });
});

describe("parseRequest", () => {
  it("collects demos from message pairs and inline Q/A blocks", () => {
    const parsed = parseRequest({
      model: "sim-small",
      messages: [
        { role: "system", content: "Solve the math word problem." },
        { role: "user", content: "Mia has 3 pens. She buys 2 more. How many pens does Mia have now?" },
        { role: "assistant", content: "5" },
        { role: "user", content: `Q: Leo has 9 cards. He sells 4. How many cards does Leo have now?\nA: 5\n\nQ: ${Q}\nA:` },
      ],
    });
    expect(parsed.demos.map((d) => d.source)).toEqual(["messages", "inline"]);
    expect(parsed.data).toBe(Q);
    expect(parsed.instruction).toContain("Solve the math word problem.");
  });
});

describe("detectFeatures", () => {
  it("detects the documented keywords", () => {
    const f = detectFeatures(
      "Solve the math word problem. Think step by step. Double-check your work. Answer with only the final number. Be concise.",
    );
    expect(f).toMatchObject({ named: ["arithmetic"], stepByStep: true, selfCheck: true, format: true, concise: true });
    expect(detectFeatures("You are a helpful assistant.")).toMatchObject({ named: [], format: false, stepByStep: false });
    expect(detectFeatures("Classify the sentiment. Reply with one word.")).toMatchObject({ named: ["sentiment"], format: true });
    const x = detectFeatures("Extract the name, email and date. Return JSON with keys name, email, date (YYYY-MM-DD).");
    expect(x).toMatchObject({ named: ["extraction"], format: true, standardKeys: true, isoDate: true });
    expect(detectFeatures("Do not show your reasoning. Think step by step.").noReasoning).toBe(true);
  });
});
