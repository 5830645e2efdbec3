import { afterEach, describe, expect, it } from "vitest";
import { ExpressionError } from "../errors.js";
import { configureLimits } from "../limits.js";
import { compileExpression, evaluateCondition } from "./expression.js";

afterEach(() => configureLimits({}));

describe("condition expressions: bounded work on hostile input", () => {
  it("still evaluates ordinary conditions", () => {
    const ctx = { input: { channel: "email", tags: ["a", "b"], text: "  Hello " } };
    expect(evaluateCondition('input.channel == "email"', ctx)).toBe(true);
    expect(evaluateCondition('"b" in input.tags && input.text|trim|lower == "hello"', ctx)).toBe(true);
    expect(evaluateCondition("input.tags[0] == 'a' && input.tags|length == 2", ctx)).toBe(true);
  });

  it("refuses a source over expressionSourceChars", () => {
    expect(() => compileExpression(`input.x == "${"a".repeat(2_000)}"`)).toThrow(/over the limit of 2,000 \(expressionSourceChars\)/);
  });

  it("refuses collection filters, which run once per item (quadratic with `in`)", () => {
    expect(() => compileExpression("input.a[.x in input.a]")).toThrow(ExpressionError);
    expect(() => compileExpression("input.a[.x > 1]|length > 0")).toThrow(/collection filters .* are not supported/);
  });

  it("stops an evaluation whose operators process more than expressionWorkChars", () => {
    const s = "a".repeat(4_000_000);
    const source = Array.from({ length: 10 }, () => "input.s|lower").join(" + ") + ' == ""';
    const started = performance.now();
    expect(() => evaluateCondition(source, { input: { s } })).toThrow(/expression work limit exceeded: more than 10,000,000 .*\(expressionWorkChars\)/);
    expect(performance.now() - started).toBeLessThan(5_000);
    configureLimits({ expressionWorkChars: 100 });
    expect(() => evaluateCondition('input.t == "x"', { input: { t: "y".repeat(200) } })).toThrow(/expressionWorkChars/);
    expect(evaluateCondition('input.t == "x"', { input: { t: "y".repeat(50) } })).toBe(false);
  });
});
