import { describe, expect, it } from "vitest";
import { getMetric } from "./index.js";

const score = (id: string, input: Partial<Parameters<NonNullable<ReturnType<typeof getMetric>>["score"]>[0]>) =>
  getMetric(id)!.score({ actual: "", caseSensitive: false, ...input });

describe("metrics", () => {
  it("exact_match ignores case and surrounding whitespace by default", () => {
    expect(score("exact_match", { actual: " Positive\n", expected: "positive" }).score).toBe(1);
    expect(score("exact_match", { actual: "Positive", expected: "positive", caseSensitive: true }).score).toBe(0);
    const miss = score("exact_match", { actual: "The answer is 14", expected: "14" });
    expect(miss.score).toBe(0);
    expect(miss.feedback).toContain('"14"');
  });
  it("contains finds the expected text inside a chatty answer", () => {
    expect(score("contains", { actual: "The answer is 14 apples.", expected: "14" }).score).toBe(1);
    expect(score("contains", { actual: "The answer is 15.", expected: "14" }).score).toBe(0);
  });
  it("regex matches case-insensitively unless told otherwise", () => {
    expect(score("regex", { actual: "Answer: 42", pattern: "^answer: \\d+$" }).score).toBe(1);
    expect(score("regex", { actual: "Answer: 42", pattern: "^answer", caseSensitive: true }).score).toBe(0);
  });
  it("json_valid accepts JSON and explains what is wrong otherwise", () => {
    expect(score("json_valid", { actual: '{"a": 1}' }).score).toBe(1);
    const bad = score("json_valid", { actual: "{a: 1}" });
    expect(bad.score).toBe(0);
    expect(bad.feedback).toMatch(/not valid JSON/);
  });
});
