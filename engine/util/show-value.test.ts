import { describe, expect, it } from "vitest";
import { showValue } from "./show-value.js";

describe("showValue", () => {
  it("quotes small values as JSON", () => {
    expect(showValue("email")).toBe('"email"');
    expect(showValue({ a: 1 })).toBe('{"a":1}');
    expect(showValue(undefined)).toBe("undefined");
    expect(showValue(null)).toBe("null");
  });

  it("cuts a huge value to the bound, never inside a surrogate pair", () => {
    expect(showValue("a".repeat(300_000))).toBe(`"${"a".repeat(99)}…`);
    expect(showValue("😀".repeat(100), 4)).toBe('"😀…');
  });

  it("names a value JSON.stringify cannot write instead of throwing", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(showValue(deep)).toBe("an array");
    expect(showValue({ n: 1n })).toBe("an object");
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(showValue(cycle)).toBe("an object");
  });
});
