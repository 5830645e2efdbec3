import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { InputValidationError } from "../errors.js";
import { configureLimits, DEFAULT_LIMITS } from "../limits.js";
import { checkRunInputSize, jsonLength } from "./inputs.js";

afterEach(() => configureLimits({}));

describe("run input size (runInputChars)", () => {
  it("counts JSON characters exactly below the stop, and stops early above it (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const exact = JSON.stringify(v).length;
        expect(jsonLength(v, Number.MAX_SAFE_INTEGER)).toBe(exact);
        expect(jsonLength(v, 10)).toBeGreaterThanOrEqual(Math.min(exact, 10));
      }),
      { numRuns: 500 },
    );
    expect(jsonLength({ a: "\u0001".repeat(10), b: [1, null, true], c: { "d\"": -1.5e-7 } }, 1e9)).toBe(JSON.stringify({ a: "\u0001".repeat(10), b: [1, null, true], c: { "d\"": -1.5e-7 } }).length);
  });

  it("refuses inputs over the limit naming the largest field (12 MB questions were stored six times per run)", () => {
    expect(DEFAULT_LIMITS.runInputChars).toBe(1_000_000);
    const err = (() => {
      try {
        checkRunInputSize({ expected: "15", question: "a".repeat(12_000_000) }, "in");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputValidationError);
    expect(err).toMatchObject({
      code: "INPUT_INVALID",
      location: { nodeId: "in", field: "question" },
      message: 'run inputs are over the limit of 1,000,000 characters of JSON (runInputChars): input "question" is over 1,000,000 characters',
    });
    // Many fields, none too large alone: the total counts; the message names the largest.
    configureLimits({ runInputChars: 100 });
    expect(() => checkRunInputSize({ a: "x".repeat(40), b: "y".repeat(45) })).toThrow('input "b" is 47 characters');
    expect(() => checkRunInputSize({ a: "x".repeat(40), b: "y".repeat(40) })).not.toThrow();
    // Escapes count: 30 control characters are 180 characters of JSON.
    expect(() => checkRunInputSize({ a: "\u0001".repeat(30) })).toThrow(/input "a" is over 100 characters/);
  });

  it("measures a deeply nested input without overflowing the stack", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => checkRunInputSize({ deep })).not.toThrow(RangeError);
    expect(jsonLength(deep, Number.MAX_SAFE_INTEGER)).toBe(200_003);
  });
});
