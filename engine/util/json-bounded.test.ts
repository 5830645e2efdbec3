import { afterEach, describe, expect, it } from "vitest";
import { deepEqual, validateJsonSchema } from "../evaluation/json-schema-subset.js";
import { jsonSchema } from "../evaluation/metrics/json-schema.js";
import { jsonValid } from "../evaluation/metrics/json-valid.js";
import { configureLimits } from "../limits.js";
import { maxNesting, parseJsonBounded } from "./json-bounded.js";

afterEach(() => configureLimits({}));

describe("JSON from model answers is bounded in size and depth", () => {
  it("measures nesting outside strings", () => {
    expect(maxNesting('{"a":[1,{"b":"[[[[\\"]]"}]}')).toBe(3);
    expect(maxNesting("[]")).toBe(1);
    expect(maxNesting("42")).toBe(0);
  });

  it("refuses depth over jsonDepth and size over jsonChars before parsing", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(() => parseJsonBounded(deep)).toThrow("nested deeper than 64 levels (jsonDepth)");
    expect(parseJsonBounded("[".repeat(64) + "]".repeat(64))).toBeInstanceOf(Array);
    configureLimits({ jsonChars: 10 });
    expect(() => parseJsonBounded('"01234567890"')).toThrow("13 characters is over the limit of 10 (jsonChars)");
  });

  it("the json metrics score hostile answers 0 with the reason, instead of recursing without bound", async () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    expect(await jsonValid.score({ actual: deep } as never, {} as never)).toMatchObject({ score: 0, feedback: expect.stringContaining("jsonDepth") });
    const r = await jsonSchema.score({ actual: deep, schema: { type: "array", items: { type: "array" } } } as never, {} as never);
    expect(r).toMatchObject({ score: 0, feedback: expect.stringContaining("jsonDepth") });
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
