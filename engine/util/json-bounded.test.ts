import { afterEach, describe, expect, it } from "vitest";
import { deepEqual, validateJsonSchema } from "../evaluation/json-schema-subset.js";
import { jsonSchema } from "../evaluation/metrics/json-schema.js";
import { jsonValid } from "../evaluation/metrics/json-valid.js";
import { MetricCheckError } from "../evaluation/check-error.js";
import { configureLimits } from "../limits.js";
import { JsonLimitError, maxNesting, parseJsonBounded } from "./json-bounded.js";

afterEach(() => configureLimits({}));

describe("JSON from model answers is bounded in size and depth", () => {
  it("measures nesting outside strings", () => {
    expect(maxNesting('{"a":[1,{"b":"[[[[\\"]]"}]}')).toBe(3);
    expect(maxNesting("[]")).toBe(1);
    expect(maxNesting("42")).toBe(0);
  });

  it("refuses depth over jsonDepth and size over jsonChars before parsing", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(() => parseJsonBounded(deep)).toThrow(new JsonLimitError("nested deeper than 64 levels (jsonDepth)"));
    expect(parseJsonBounded("[".repeat(64) + "]".repeat(64))).toBeInstanceOf(Array);
    configureLimits({ jsonChars: 10 });
    expect(() => parseJsonBounded('"01234567890"')).toThrow(new JsonLimitError("13 characters is over the limit of 10 (jsonChars)"));
    expect(() => parseJsonBounded("[1,")).toThrow(SyntaxError);
  });

  it("the json metrics cannot check an answer over jsonDepth or jsonChars: they throw naming the limit (not a score of 0), without recursing", async () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    const schema = { type: "array", items: { type: "array" } };
    const failure = async (f: () => unknown) => {
      const err = await (async () => f())().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(MetricCheckError);
      return (err as Error).message;
    };
    expect(await failure(() => jsonValid.score({ actual: deep } as never))).toBe("the answer could not be checked as JSON: nested deeper than 64 levels (jsonDepth)");
    expect(await failure(() => jsonSchema.score({ actual: deep, schema } as never))).toBe("the answer could not be checked as JSON: nested deeper than 64 levels (jsonDepth)");
    configureLimits({ jsonChars: 10 });
    expect(await failure(() => jsonValid.score({ actual: "[1,2,3,4,5,6]" } as never))).toBe("the answer could not be checked as JSON: 13 characters is over the limit of 10 (jsonChars)");
    expect(await failure(() => jsonSchema.score({ actual: "[1,2,3,4,5,6]", schema } as never))).toMatch(/\(jsonChars\)$/);
    // Within the limits, text that is not JSON is still a failed answer, scored 0.
    expect(await jsonValid.score({ actual: "[1,2" } as never)).toMatchObject({ score: 0, feedback: expect.stringMatching(/^the answer is not valid JSON: /) });
    expect(await jsonSchema.score({ actual: "{oops", schema } as never)).toMatchObject({ score: 0, feedback: expect.stringMatching(/^the answer is not valid JSON: /) });
  });

  it("checks uniqueItems in linear time with deepEqual's meaning (key order ignored)", () => {
    expect(validateJsonSchema([{ a: 1, b: 2 }, { b: 2, a: 1 }], { uniqueItems: true })).toEqual([{ path: "$", message: "items must be unique" }]);
    expect(validateJsonSchema([[1, 2], [2, 1], "1", 1], { uniqueItems: true })).toEqual([]);
    expect(deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    const many = Array.from({ length: 200_000 }, (_, i) => ({ id: i, tags: ["x", i % 7] }));
    const started = performance.now();
    expect(validateJsonSchema(many, { uniqueItems: true })).toEqual([]);
    // Pairwise comparison would take minutes here.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
