import { describe, expect, it } from "vitest";
import { formatIssue } from "../errors.js";
import { jsonSchema } from "../evaluation/metrics/json-schema.js";
import { regex } from "../evaluation/metrics/regex.js";
import { checkJsonSchema, validateJsonSchema } from "../evaluation/json-schema-subset.js";
import { validateGraph } from "../graph/validate.js";
import type { GraphInput } from "../schema/graph.js";
import { DEFAULT_LIMITS } from "../limits.js";
import { compileSafeRegex, regexPatternProblem } from "./safe-regex.js";

const EVIL = "a".repeat(30_000) + "!";

describe("user regular expressions run in linear time", () => {
  it("answers the classic ReDoS patterns promptly, on the longest text the work limit allows", () => {
    const started = performance.now();
    for (const p of ["(a+)+$", "(a|aa)+$", "(a*)*b", "^(a|a?)+$", "(.*a){20}$"]) {
      const re = compileSafeRegex(p);
      const longest = "a".repeat(Math.floor(DEFAULT_LIMITS.regexWorkUnits / re.programSize) - 3) + "!";
      expect(re.test(longest)).toBe(false);
    }
    // Native RegExp needs astronomically long for any of these; RE2 is linear (measured a few ms each).
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("keeps ordinary JavaScript patterns working, case-insensitive on request", () => {
    expect(compileSafeRegex("^\\d{4}-\\d{2}-\\d{2}$").test("2024-03-05")).toBe(true);
    expect(compileSafeRegex("(?<year>\\d{4})").test("in 2024")).toBe(true);
    expect(compileSafeRegex("hello").test("HELLO")).toBe(false);
    expect(compileSafeRegex("hello", { caseInsensitive: true }).test("HELLO")).toBe(true);
    expect(compileSafeRegex("\\u{1F600}").test("x😀")).toBe(true);
  });

  it("names what a linear-time engine cannot run", () => {
    expect(regexPatternProblem("(\\w)\\1")).toMatch(/^the backreference \\1 is not supported/);
    expect(regexPatternProblem("(?<x>a)\\k<x>")).toMatch(/named backreference/);
    expect(regexPatternProblem("foo(?=bar)")).toMatch(/^lookahead \(\(\?=…\) is not supported/);
    expect(regexPatternProblem("(?<!x)y")).toMatch(/^lookbehind/);
    expect(regexPatternProblem("[(?=]x")).toBeUndefined(); // inside a class it is plain text
    expect(regexPatternProblem("\\\\1")).toBeUndefined(); // an escaped backslash, then "1"
    expect(regexPatternProblem("a{2000}")).toMatch(/^invalid regular expression: invalid repeat count/);
    expect(regexPatternProblem("x".repeat(2_001))).toMatch(/over the limit of 2,000 \(regexPatternChars\)/);
  });

  it("the regex metric and JSON Schema `pattern` use it", async () => {
    const started = performance.now();
    expect((await regex.score({ actual: EVIL, pattern: "(a+)+$" } as never, {} as never)).score).toBe(0);
    expect(validateJsonSchema(EVIL, { type: "string", pattern: "^(a|aa)+$" })).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(checkJsonSchema({ pattern: "(a)\\1" })).toEqual([{ path: "pattern", message: expect.stringMatching(/backreference \\1 is not supported/) }]);
    expect(() => jsonSchema.score({ actual: '"x"', schema: { pattern: "(?=x)" } } as never, {} as never)).toThrow(/lookahead/);
  });

  it("an evaluation node's pattern is validated with node and field", () => {
    const doc = {
      version: 1,
      id: "t",
      name: "t",
      nodes: [
        { id: "in", kind: "input", config: { fields: [{ name: "q" }] } },
        { id: "grade", kind: "evaluation", config: { metric: "regex", actual: "{{ inputs.q }}", pattern: "^(\\w+)\\s\\1$" } },
      ],
      edges: [{ id: "e1", source: "in", target: "grade", kind: "pipeline" }],
    } as GraphInput;
    const r = validateGraph(doc);
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([expect.stringMatching(/^node "grade" field config.pattern: the backreference \\1 is not supported/)]);
  });
});
