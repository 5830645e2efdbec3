import { describe, expect, it } from "vitest";
import { checkJsonSchema, deepEqual, validateJsonSchema } from "./json-schema-subset.js";

const errors = (value: unknown, schema: unknown) => validateJsonSchema(value, schema).map((p) => `${p.path}: ${p.message}`);

describe("JSON Schema subset", () => {
  it("checks types, with integer a kind of number", () => {
    expect(errors(3, { type: "number" })).toEqual([]);
    expect(errors(3.5, { type: "integer" })).toEqual(["$: must be integer, got number"]);
    expect(errors(null, { type: ["string", "null"] })).toEqual([]);
    expect(errors([], { type: "object" })).toEqual(["$: must be object, got array"]);
  });

  it("checks enum/const by value, strings, numbers and arrays", () => {
    expect(errors({ a: [1] }, { enum: [{ a: [1] }] })).toEqual([]);
    expect(errors("x", { const: "y" })).toEqual(['$: must equal "y"']);
    expect(errors("héllo", { minLength: 5, maxLength: 5, pattern: "^h" })).toEqual([]);
    expect(errors(10, { minimum: 0, exclusiveMaximum: 10 })).toEqual(["$: must be < 10"]);
    expect(errors(0.3, { multipleOf: 0.1 })).toEqual([]);
    expect(errors([1, 1, "a"], { items: { type: "integer" }, uniqueItems: true, maxItems: 2 })).toEqual([
      "$: must have at most 2 items",
      "$: items must be unique",
      "$[2]: must be integer, got string",
    ]);
  });

  it("checks objects: required, properties, additionalProperties", () => {
    const schema = { type: "object", required: ["a"], properties: { a: { type: "string" } }, additionalProperties: { type: "number" } };
    expect(errors({ a: "x", b: 1 }, schema)).toEqual([]);
    expect(errors({ b: "y", "odd key": 2 }, schema)).toEqual(['$: missing required property "a"', "$.b: must be number, got string"]);
    expect(errors({ "odd key": "s" }, { additionalProperties: { type: "number" } })).toEqual(['$["odd key"]: must be number, got string']);
    expect(errors({ a: "x", z: 1 }, { properties: { a: {} }, additionalProperties: false })).toEqual(['$.z: property "z" is not allowed']);
  });

  it("combines schemas with allOf, anyOf, oneOf, not and booleans", () => {
    expect(errors(5, { anyOf: [{ type: "string" }, { minimum: 3 }] })).toEqual([]);
    expect(errors(1, { anyOf: [{ type: "string" }, { minimum: 3 }] })).toEqual(["$: must match at least one of the 2 anyOf schemas"]);
    expect(errors(5, { oneOf: [{ type: "integer" }, { minimum: 3 }] })).toEqual(["$: must match exactly one of the 2 oneOf schemas (matched 2)"]);
    expect(errors(5, { allOf: [{ type: "integer" }, { maximum: 3 }] })).toEqual(["$: must be ≤ 3"]);
    expect(errors("a", { not: { type: "string" } })).toEqual(["$: must not match the `not` schema"]);
    expect(errors(1, true)).toEqual([]);
    expect(errors(1, false)).toEqual(["$: no value is allowed here"]);
  });

  it("refuses keywords it does not implement and malformed keyword values", () => {
    expect(checkJsonSchema({ $schema: "x", title: "t", format: "email", type: "string" })).toEqual([]);
    expect(checkJsonSchema({ properties: { a: { $ref: "#" } }, items: [{}], type: "text", required: "a", minLength: -1 }).map((p) => p.path)).toEqual([
      "properties.a.$ref",
      "items",
      "type",
      "required",
      "minLength",
    ]);
    expect(checkJsonSchema("string")).toEqual([{ path: "", message: "a schema must be an object (or true/false)" }]);
  });

  it("compares JSON values structurally", () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual({ a: undefined }, { b: undefined })).toBe(false);
  });
});
