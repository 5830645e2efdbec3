import fc from "fast-check";
import { RE2JS } from "re2js";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { formatIssue } from "../errors.js";
import { checkJsonSchema, validateJsonSchema } from "../evaluation/json-schema-subset.js";
import { MetricCheckError } from "../evaluation/check-error.js";
import { jsonSchema } from "../evaluation/metrics/json-schema.js";
import { regex } from "../evaluation/metrics/regex.js";
import { validateGraph } from "../graph/validate.js";
import { configureLimits, DEFAULT_LIMITS } from "../limits.js";
import { closeTemplateWorkers } from "../template/render.js";
import type { GraphInput } from "../schema/graph.js";
import { estimateProgramSize } from "./regex-size.js";
import { compileSafeRegex, regexPatternProblem, RegexWork, RegexWorkError } from "./safe-regex.js";

// The attacker's pattern: 20 characters, 3,003 program instructions (issue 9, H9 finding 1).
const ATTACK = "(?:a?){1000}a{1000}q";

afterEach(() => {
  configureLimits({});
  vi.restoreAllMocks();
});
afterAll(() => closeTemplateWorkers());

const graphWith = (evaluation: Record<string, unknown>): GraphInput =>
  ({
    version: 1,
    id: "t",
    name: "t",
    nodes: [
      { id: "in", kind: "input", config: { fields: [{ name: "question" }] } },
      { id: "grade", kind: "evaluation", config: { actual: "{{ inputs.question }}", ...evaluation } },
    ],
    edges: [{ id: "e1", source: "in", target: "grade", kind: "pipeline" }],
  }) as GraphInput;

describe("regex program size (regexProgramSize)", () => {
  it("refuses a short pattern whose counted repetitions make a large program, at validation", () => {
    expect(regexPatternProblem(ATTACK)).toBe(
      "the pattern expands to 3,003 program instructions, over the limit of 2,000 (regexProgramSize): counted repetitions multiply, e.g. a{1000} is 1,002",
    );
    const r = validateGraph(graphWith({ metric: "regex", pattern: ATTACK }));
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([expect.stringMatching(/^node "grade" field config.pattern: the pattern expands to 3,003 program instructions/)]);
    // The same pattern as a JSON Schema property pattern.
    const s = validateGraph(graphWith({ metric: "json_schema", schema: { properties: { q: { type: "string", pattern: ATTACK } } } }));
    expect(s.ok ? [] : s.issues.map(formatIssue)).toEqual([expect.stringMatching(/^node "grade" field config.schema.properties.q.pattern: the pattern expands to 3,003/)]);
    expect(regexPatternProblem("\\w{1000}")).toBeUndefined(); // 1,002: RE2's own largest repeat still fits
  });

  it("refuses a pattern far over the limit without compiling it (compiling 285,000 instructions took ~1 s)", () => {
    const compile = vi.spyOn(RE2JS, "compile");
    expect(regexPatternProblem("a{1000}".repeat(285))).toMatch(/expands to 285,002 program instructions, over the limit of 2,000 \(regexProgramSize\)/);
    expect(compile).not.toHaveBeenCalled();
  });

  it("bounds what one JSON Schema may compile in total", () => {
    const patterns = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, { type: "string", pattern: `[a-z]{995}[0-9]{995}${i}` }]));
    expect(checkJsonSchema({ properties: patterns })).toEqual([
      { path: "properties.p10.pattern", message: "the schema's patterns together expand to more than 20,000 program instructions (10 × regexProgramSize)" },
    ]);
  });

  it("estimates from the pattern text never far below the compiled program (property)", () => {
    const atom = fc.constantFrom("a", ".", "\\d", "\\w", "[a-z]", "[^x]", "\\pL", "\\u{1F600}", "\\x41", "^", "$", "\\b", "é", "\\)", "[\\]]");
    const quant = fc.constantFrom("", "", "*", "+", "?", "*?", "{2}", "{0,3}", "{3,}", "{1,5}?", "{10}");
    const { alt } = fc.letrec<{ seq: string; alt: string; group: string }>((tie) => ({
      seq: fc.array(fc.tuple(fc.oneof({ weight: 3, arbitrary: atom }, { weight: 1, arbitrary: tie("group") }), quant), { maxLength: 5 }).map((xs) => xs.map(([a, q]) => a + q).join("")),
      alt: fc.array(tie("seq"), { minLength: 1, maxLength: 3 }).map((xs) => xs.join("|")),
      group: fc.tuple(fc.constantFrom("(", "(?:", "(?<n>"), tie("alt")).map(([open, a]) => `${open}${a})`),
    }));
    fc.assert(
      fc.property(alt, (p) => {
        let actual: number;
        try {
          // One name per pattern: repeated named groups are a syntax error, not what is measured here.
          actual = RE2JS.compile(RE2JS.translateRegExp(p.replaceAll("(?<n>", "("))).programSize();
        } catch {
          return;
        }
        // The pre-compile refusal relies on this: what compiles is at most 1.5× the estimate (measured over 50,000 patterns).
        expect(actual).toBeLessThanOrEqual(1.5 * estimateProgramSize(p));
      }),
      { numRuns: 2_000 },
    );
    expect(estimateProgramSize(ATTACK)).toBe(3_003);
  });
});

describe("regex work (regexWorkUnits: program instructions × characters)", () => {
  it("refuses a match whose work is over the limit instead of running it (200,000 characters took 18.8 s)", () => {
    const re = compileSafeRegex("(?:a?){300}a{300}q"); // 903 instructions
    const test = vi.spyOn(RE2JS.prototype, "test");
    expect(() => re.test("a".repeat(200_000) + "q")).toThrow(
      new RegexWorkError("text too long for this pattern: 200,001 characters × 903 program instructions is over the regex work limit of 400,000 (regexWorkUnits)"),
    );
    expect(test).not.toHaveBeenCalled();
    expect(re.test("a".repeat(400) + "q")).toBe(true);
  });

  it("the regex metric checks a match over regexWorkUnits in a worker instead of scoring it 0 (engine/evaluation/regex-check.test.ts)", async () => {
    const r = await regex.score({ actual: "a".repeat(60_000) + "q", pattern: "(?:a?){100}a{100}q", caseSensitive: false });
    expect(r).toEqual({ score: 1, feedback: "matches /(?:a?){100}a{100}q/" });
  });

  it("all matches of one JSON Schema validation share one budget, and `not` does not pass what was not checked", async () => {
    const words = Array.from({ length: 100 }, () => "x".repeat(5_000));
    const items = { type: "array", items: { type: "string", pattern: "^x+$" } };
    expect(validateJsonSchema(words.slice(0, 1), items)).toEqual([]);
    expect(() => validateJsonSchema(words, items)).toThrow(/\(regexWorkUnits\), with [0-9,]+ already spent by earlier matches of this check$/);
    const long = JSON.stringify("a".repeat(60_000) + "q");
    const notSchema = { not: { type: "string", pattern: "(?:a?){100}a{100}q" } };
    // Not a score of 0 (nor a pass under `not`): the check fails, naming the limit.
    const unchecked = async (actual: string, schema: Record<string, unknown>) => {
      const err = await (async () => jsonSchema.score({ actual, schema, caseSensitive: false }))().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(MetricCheckError);
      return (err as Error).message;
    };
    expect(await unchecked(long, notSchema)).toMatch(/^the JSON could not be checked against the schema's patterns: text too long .*\(regexWorkUnits\)$/);
    const property = { properties: { q: { pattern: "(?:a?){100}a{100}q" } } };
    expect(await unchecked(JSON.stringify({ q: "a".repeat(60_000) }), property)).toMatch(/over the regex work limit of 400,000 \(regexWorkUnits\)$/);
    // Within the budget the pattern is checked as before.
    expect(await jsonSchema.score({ actual: JSON.stringify({ q: "a".repeat(300) + "q" }), schema: property, caseSensitive: false })).toMatchObject({ score: 1 });
  });

  it("follows the configured limits", () => {
    configureLimits({ regexWorkUnits: 50, regexProgramSize: 10 });
    expect(regexPatternProblem("a{9}")).toMatch(/expands to 11 program instructions, over the limit of 10/);
    const re = compileSafeRegex("ab");
    expect(re.test("x".repeat(11))).toBe(false); // 4 × 12 = 48
    expect(() => re.test("x".repeat(12))).toThrow(RegexWorkError); // 4 × 13 = 52
    const shared = new RegexWork(100);
    re.test("x".repeat(11), shared);
    re.test("x".repeat(11), shared);
    expect(() => re.test("x", shared)).toThrow(/over the regex work limit of 100 \(regexWorkUnits\), with 96 already spent/);
  });

  it("keeps the worst matches within the limits short", () => {
    // Families that defeat RE2's DFA cache (measured 150–300 ns per instruction × character); each at the
    // largest program the limits allow, on the longest text the budget allows. Measured ≤ 75 ms warm on a
    // loaded 2-core machine; the bound leaves room for a busy CI machine.
    const { regexProgramSize: size, regexWorkUnits: work } = DEFAULT_LIMITS;
    const k = Math.floor((size - 3) / 3);
    const cases: Array<[string, (n: number) => string, boolean]> = [
      [`(?:a?){${k}}a{${k}}q`, (n) => "a".repeat(n), false],
      [`(?:\\p{L}?){${k}}\\p{L}{${k}}q`, (n) => "É".repeat(n), true],
      ["\\p{L}*é\\p{L}{400}q", (n) => Array.from({ length: n }, (_, i) => ((i * 7919) % 3 ? "é" : "è")).join(""), false],
      ["(.*a){300}q", (n) => "a".repeat(n), false],
    ];
    for (const [pattern, text, caseInsensitive] of cases) {
      const re = compileSafeRegex(pattern, { caseInsensitive });
      const t = text(Math.floor(work / re.programSize) - 2) + "q";
      const started = performance.now();
      re.test(t);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });
});
