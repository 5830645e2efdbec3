import { describe, expect, it } from "vitest";
import { EVALUATION_METRICS } from "../schema/graph.js";
import { getMetric, METRICS, type MetricInput } from "./index.js";

const score = async (id: string, input: Partial<MetricInput>) => getMetric(id)!.score({ actual: "", caseSensitive: false, ...input });

describe("metrics", () => {
  it("registers one metric per schema id", () => {
    expect(Object.keys(METRICS)).toEqual([...EVALUATION_METRICS]);
    for (const id of EVALUATION_METRICS) expect(getMetric(id)?.id).toBe(id);
    expect(getMetric("toString")).toBeUndefined();
  });

  it("exact_match ignores case and surrounding whitespace by default", async () => {
    expect((await score("exact_match", { actual: " Positive\n", expected: "positive" })).score).toBe(1);
    expect((await score("exact_match", { actual: "Positive", expected: "positive", caseSensitive: true })).score).toBe(0);
    const miss = await score("exact_match", { actual: "The answer is 14", expected: "14" });
    expect(miss.score).toBe(0);
    expect(miss.feedback).toContain('"14"');
  });
  it("contains finds the expected text inside a chatty answer", async () => {
    expect((await score("contains", { actual: "The answer is 14 apples.", expected: "14" })).score).toBe(1);
    expect((await score("contains", { actual: "The answer is 15.", expected: "14" })).score).toBe(0);
  });
  it("regex matches case-insensitively unless told otherwise", async () => {
    expect((await score("regex", { actual: "Answer: 42", pattern: "^answer: \\d+$" })).score).toBe(1);
    expect((await score("regex", { actual: "Answer: 42", pattern: "^answer", caseSensitive: true })).score).toBe(0);
  });
  it("json_valid accepts JSON and explains what is wrong otherwise", async () => {
    expect((await score("json_valid", { actual: '{"a": 1}' })).score).toBe(1);
    const bad = await score("json_valid", { actual: "{a: 1}" });
    expect(bad.score).toBe(0);
    expect(bad.feedback).toMatch(/not valid JSON/);
  });
});

describe("json_schema", () => {
  const schema = {
    type: "object",
    required: ["name", "email", "date"],
    properties: { name: { type: "string", minLength: 1 }, email: { type: "string", pattern: "^[^@\\s]+@[^@\\s]+$" }, date: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" } },
    additionalProperties: false,
  };
  it("scores 1 for conforming JSON", async () => {
    const r = await score("json_schema", { actual: '{"name":"Ana Lopez","email":"ana@mail.com","date":"2024-03-05"}', schema });
    expect(r).toEqual({ score: 1, feedback: "valid JSON matching the schema", value: 0 });
  });
  it("scores 0 and names every violation by JSON path", async () => {
    const r = await score("json_schema", { actual: '{"name":"Ana","date":"March 5, 2024","phone":"1"}', schema });
    expect(r.score).toBe(0);
    expect(r.feedback).toContain('$: missing required property "email"');
    expect(r.feedback).toContain("$.date: must match pattern");
    expect(r.feedback).toContain('$.phone: property "phone" is not allowed');
    expect(r.value).toBe(3);
  });
  it("scores 0 for text that is not JSON", async () => {
    expect((await score("json_schema", { actual: "name: Ana", schema })).feedback).toMatch(/not valid JSON/);
  });
  it("refuses a schema with unsupported keywords instead of checking less", async () => {
    await expect(() => score("json_schema", { actual: "{}", schema: { $ref: "#/defs/x" } })).rejects.toThrow(/unsupported JSON Schema keyword "\$ref"/);
  });
});

describe("numeric", () => {
  it("reads the number out of a chatty or reasoning answer", async () => {
    expect((await score("numeric", { actual: "The answer is 14 apples.", expected: "14" })).score).toBe(1);
    expect((await score("numeric", { actual: "12 + 5 = 17\n17 - 3 = 14\nAnswer: 14", expected: "14" })).score).toBe(1);
    expect((await score("numeric", { actual: "$1,234.50", expected: "1234.5" })).value).toBe(1234.5);
    expect((await score("numeric", { actual: "-3", expected: "-3" })).score).toBe(1);
  });
  it("is 1 within tolerance and halves per tolerance-width beyond it", async () => {
    const abs = { absolute: 0.5 };
    expect((await score("numeric", { actual: "14.4", expected: "14", tolerance: abs })).score).toBe(1);
    expect((await score("numeric", { actual: "15", expected: "14", tolerance: abs })).score).toBe(0.5);
    expect((await score("numeric", { actual: "15.5", expected: "14", tolerance: abs })).score).toBe(0.25);
    const rel = { relative: 0.05 };
    expect((await score("numeric", { actual: "104", expected: "100", tolerance: rel })).score).toBe(1);
    expect((await score("numeric", { actual: "110", expected: "100", tolerance: rel })).score).toBe(0.5);
    expect((await score("numeric", { actual: "0.30000000000000004", expected: "0.3" })).score).toBe(1);
  });
  it("decays smoothly with the default exact tolerance", async () => {
    const near = await score("numeric", { actual: "990", expected: "1000" });
    const far = await score("numeric", { actual: "900", expected: "1000" });
    expect(near.score).toBeGreaterThan(far.score);
    expect(far.score).toBe(0.5);
    expect(near.score).toBeLessThan(1);
    expect(far.feedback).toBe("read 900 but expected 1000: off by 100");
  });
  it("explains missing numbers", async () => {
    expect(await score("numeric", { actual: "fourteen", expected: "14" })).toMatchObject({ score: 0, feedback: expect.stringMatching(/contains no number/) });
    expect((await score("numeric", { actual: "14", expected: "n/a" })).feedback).toMatch(/expected value "n\/a" is not a number/);
  });
});

describe("token_f1", () => {
  it("is 1 for the same words regardless of case, punctuation and articles", async () => {
    expect((await score("token_f1", { actual: "The Eiffel Tower!", expected: "eiffel tower" })).score).toBe(1);
  });
  it("is the harmonic mean of token precision and recall", async () => {
    const r = await score("token_f1", { actual: "Paris in France", expected: "Paris" });
    expect(r.score).toBe(0.5); // precision 1/3, recall 1
    expect(r.feedback).toContain("extra: in, france");
    const m = await score("token_f1", { actual: "Ana", expected: "Ana Lopez" });
    expect(m.score).toBeCloseTo(0.6667, 4);
    expect(m.feedback).toContain("missing: lopez");
    expect((await score("token_f1", { actual: "Berlin", expected: "Paris" })).score).toBe(0);
  });
});

describe("edit_similarity", () => {
  it("is 1 − distance / longer length", async () => {
    expect((await score("edit_similarity", { actual: "kitten", expected: "sitting" })).score).toBeCloseTo(1 - 3 / 7, 4);
    expect((await score("edit_similarity", { actual: " Positive ", expected: "positive" })).score).toBe(1);
    const r = await score("edit_similarity", { actual: "positiv", expected: "positive" });
    expect(r.score).toBe(0.875);
    expect(r.feedback).toBe('1 character edit away from the expected "positive" (similarity 0.875)');
    expect((await score("edit_similarity", { actual: "", expected: "" })).score).toBe(1);
    expect((await score("edit_similarity", { actual: "abc", expected: "" })).score).toBe(0);
  });
});
