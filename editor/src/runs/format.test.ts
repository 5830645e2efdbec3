import { describe, expect, it } from "vitest";
import {
  formatClock,
  formatCost,
  formatCostExact,
  formatDuration,
  formatOffset,
  formatParameterVersions,
  formatRelative,
  formatTokens,
  formatUsage,
  pretty,
  shortId,
} from "../format.js";

describe("format", () => {
  it("durations", () => {
    expect(formatDuration(undefined)).toBe("");
    expect(formatDuration(NaN)).toBe("");
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(999.4)).toBe("999 ms");
    expect(formatDuration(1234)).toBe("1.23 s");
    expect(formatDuration(12_345)).toBe("12.3 s");
    expect(formatDuration(125_000)).toBe("2m 5s");
  });

  it("tokens, usage and cost", () => {
    expect(formatTokens(null)).toBe("");
    expect(formatTokens(9999)).toBe("9999");
    expect(formatTokens(12_345)).toBe("12.3k");
    expect(formatUsage({ promptTokens: 1000, completionTokens: 234, totalTokens: 1234 })).toBe("1,234 (1,000 + 234)");
    expect(formatUsage(undefined)).toBe("");
    expect(formatCost(0)).toBe("");
    expect(formatCost(1.234)).toBe("$1.23");
    expect(formatCost(0.00042)).toBe("$0.00042");
    expect(formatCost(0.00001)).toBe("<$0.0001");
    expect(formatCostExact(0.000421)).toBe("$0.000421");
  });

  it("times", () => {
    const t = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();
    expect(formatClock(t)).toBe("03:04:05.067");
    expect(formatClock(undefined)).toBe("");
    expect(formatClock("not a date")).toBe("");
    expect(formatOffset(1120, 1000)).toBe("+120 ms");
    expect(formatOffset(900, 1000)).toBe("+0 ms");
    expect(formatOffset(undefined, 1000)).toBe("");
    const now = Date.UTC(2026, 0, 2, 12);
    expect(formatRelative(now - 2000, now)).toBe("just now");
    expect(formatRelative(now - 30_000, now)).toBe("30s ago");
    expect(formatRelative(new Date(now - 5 * 60_000).toISOString(), now)).toBe("5 min ago");
    expect(formatRelative(now - 3 * 3_600_000, now)).toBe("3 h ago");
  });

  it("parameter versions", () => {
    expect(formatParameterVersions(undefined)).toBe("");
    expect(formatParameterVersions({})).toBe("");
    expect(formatParameterVersions({ answer: 2 })).toBe("answer v2 (production)");
    expect(formatParameterVersions({ zeta: 1, answer: 3 })).toBe("answer v3 (production), zeta v1 (production)");
    // A draft tried through "run with this draft" is not production.
    expect(formatParameterVersions({ zeta: 1, answer: 3 }, false, ["answer"])).toBe("answer v3 (chosen for this run), zeta v1 (production)");
    expect(formatParameterVersions({ answer: 2 }, true)).toBe("answer v2 (as in the parent run)");
  });

  it("ids and values", () => {
    expect(shortId("abc")).toBe("abc");
    expect(shortId("run_0123456789abcdef")).toBe("89abcdef");
    // The same rule for every id shown (runs, optimizations, datasets): a UUID keeps its last 8.
    expect(shortId("0f2a9c1e-1111-4222-8333-44445555abcd")).toBe("5555abcd");
    expect(pretty(undefined)).toBe("");
    expect(pretty("text")).toBe("text");
    expect(pretty({ a: 1 })).toBe('{\n  "a": 1\n}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(pretty(cyclic)).toBe("[object Object]");
  });
});
