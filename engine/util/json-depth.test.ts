import { describe, expect, it } from "vitest";
import { Deep } from "../testing/markers.js";
import { MAX_JSON_DEPTH, tooDeepPath } from "./json-depth.js";

describe("tooDeepPath", () => {
  it("allows 64 levels of arrays and objects and names the path into the 65th", () => {
    expect(tooDeepPath(new Deep(MAX_JSON_DEPTH, "array").build())).toBeUndefined();
    // The object, the array and the inner object are 3 levels: 61 more make 64, 62 more make 65.
    expect(tooDeepPath({ a: [1, { b: new Deep(MAX_JSON_DEPTH - 3, "object").build() }] })).toBeUndefined();
    const path = tooDeepPath({ a: [1, { b: new Deep(MAX_JSON_DEPTH - 2, "object").build() }] });
    expect(path?.slice(0, 4)).toEqual(["a", 1, "b", "a"]);
    expect(path).toHaveLength(MAX_JSON_DEPTH);
    expect(tooDeepPath("text")).toBeUndefined();
  });

  it("walks a value far deeper than the stack, and a wide one, in linear time", () => {
    expect(tooDeepPath(new Deep(200_000, "array").build())).toHaveLength(MAX_JSON_DEPTH);
    const wide = (n: number) => ({ big: new Array(n).fill(0), objects: Array.from({ length: n / 20 }, (_, i) => ({ i })) });
    const time = (v: unknown) => {
      const t0 = performance.now();
      expect(tooDeepPath(v)).toBeUndefined();
      return performance.now() - t0;
    };
    const [small, large] = [wide(250_000), wide(1_000_000)];
    // Interleaved minimums (a ratio that holds on a loaded machine): 4× the size, ~4× the time when linear.
    let a = Infinity;
    let b = Infinity;
    for (let i = 0; i < 3; i++) {
      a = Math.min(a, time(small));
      b = Math.min(b, time(large));
    }
    expect(b / Math.max(a, 0.5)).toBeLessThan(8);
  });
});
