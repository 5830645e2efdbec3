/**
 * Property tests of conditions (router / conditional edges) under hostile input: any jexl-ish
 * source compiles or is refused with an ExpressionError; any evaluation against any context
 * (huge strings, long lists, deep values, prototype names) gives a boolean or an ExpressionError,
 * the same one twice, within a bounded time; and a triage graph whose conditions are replaced by
 * random sources is refused with issues on the edge's `condition`, or runs to a terminal state.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ExpressionError } from "../errors.js";
import { createRun } from "../executor/run.js";
import { validateGraph } from "../graph/validate.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider } from "../providers/sim/provider.js";
import { closeTemplateWorkers } from "../template/render.js";
import { hostileValue, nastyString } from "../testing/arbitraries.js";
import { EXAMPLE_GRAPHS } from "../testing/graph-mutations.js";
import { clone, type Doc, Huge, Many, materialize } from "../testing/markers.js";
import { compileExpression, evaluateCondition, MAX_EXPRESSION_NESTING } from "./expression.js";

afterAll(() => closeTemplateWorkers());

/** Bound on one compile + two evaluations (synchronous: a router must not block the server; ~45 ms worst seen, the rest is slack for a busy CI machine). */
const EVAL_MS = 300;

// Expression soup: paths, literals, operators, transforms (known and unknown), filters, brackets, odd characters.
const PIECES = [
  "input", "inputs", "nodes", ".", "channel", "priority", "s", "list", "deep", "a", "[0]", "[-1]", "['a']", "[", "]", "(", ")", "{", "}", ",",
  "==", "!=", ">", "<", ">=", "<=", "&&", "||", "!", "+", "-", "*", "/", "//", "%", "^", "?", ":", " in ", "|lower", "|upper", "|trim",
  "|length", "|number", "|contains('a')", "|contains", "|nope", "|constructor", '"email"', "'x'", "1", "0.5", "1e308", "-0", "true", "null",
  "undefined", "{a: 1}", "[1, 2]", "[.x == 1]", "[.a in input.list]", ".x", "`", "\\", '"', "'", " ", "\n", "\u0000", "\u202e", "😀",
  "constructor", "__proto__", "prototype", "toString", "valueOf", "this",
];

/** Sources near the grammar, nested deep, repeated long, or anything at all. */
export const expressionSource = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 14 }).map((p) => p.join("")) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 10 }).map((p) => p.join(" ")) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("(", "!", "-", "[", "input.s|lower + "), fc.integer({ min: 1, max: 1_100 }), fc.constantFrom("", "1", ")", "]")).map(([a, n, b]) => a.repeat(n) + "1" + b.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('input.channel == "email"', 'input.priority == "high"', "input.s|lower|length > 3", "input.list|contains('a') && !(input.deep.a)", "input.list[0] + input.list[1]") },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: nastyString },
);

/** A context as a router sees it: `input` (its upstream output), `inputs` and `nodes`, with hostile values. */
const context = fc.record({
  input: fc.record({
    channel: fc.oneof(fc.constantFrom("email", "chat"), hostileValue),
    priority: fc.oneof(fc.constantFrom("high", "normal"), hostileValue),
    s: fc.oneof(nastyString, fc.constantFrom(new Huge("ab", 3_000_000), new Huge("😀", 1_000_001))),
    list: fc.oneof(fc.array(nastyString, { maxLength: 5 }), fc.constantFrom(new Many(2_000_000))),
    deep: hostileValue,
  }),
  inputs: fc.dictionary(fc.string({ maxLength: 5 }), hostileValue, { maxKeys: 3 }),
  nodes: fc.dictionary(fc.string({ maxLength: 5 }), hostileValue, { maxKeys: 3 }),
});

/** The outcome of one evaluation: a boolean, or the ExpressionError's message (any other throw fails the property). */
function outcome(source: string, ctx: Record<string, unknown>): boolean | string {
  try {
    const v = evaluateCondition(source, ctx);
    expect(typeof v).toBe("boolean");
    return v;
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(ExpressionError);
    expect((err as Error).message.length).toBeGreaterThan(0);
    return (err as Error).message;
  }
}

describe("condition expressions under hostile sources and contexts", () => {
  it("compile or refuse with an ExpressionError; evaluate to a boolean or an ExpressionError, deterministically, in bounded time", () => {
    fc.assert(
      fc.property(expressionSource, context, (source, ctx) => {
        const materialized = materialize(ctx) as Record<string, unknown>;
        const t0 = performance.now();
        try {
          compileExpression(source);
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(ExpressionError);
        }
        const first = outcome(source, materialized);
        // The work budget is per evaluation: a second one is not charged for the first.
        expect(outcome(source, materialized)).toEqual(first);
        expect(performance.now() - t0).toBeLessThan(EVAL_MS);
      }),
      { numRuns: 500 },
    );
  });
});

/** Conditions for the triage graph: mostly ones that compile (so that runs happen), and the soup. */
const graphCondition = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'input.channel == "email"', 'input.priority == "high"', "input.ticket|contains('invoice')", "input.ticket|length > 1000000", "1/0", "input.x.y.z",
      "!input", "inputs.channel == 'chat' || input.nope", "input.ticket|lower|upper|trim == input.ticket", "input.ticket + input.ticket + input.ticket == ''",
      "input.priority|number > 1", "input['channel']|lower in ['email', 'chat']", "input.__proto__", "input.constructor", "nodes.in.channel == 'email'",
    ),
  },
  { weight: 2, arbitrary: expressionSource },
);

// Found by the property above: jexl's parser is quadratic in the nesting (999 parentheses: 120–430 ms of blocked event loop).
describe("nesting bound", () => {
  const deep = (n: number) => "(".repeat(n) + "1" + ")".repeat(n);

  it("refuses brackets nested deeper than the bound and long conditional chains before jexl parses them", () => {
    for (const [source, message] of [
      [deep(999), "expression nests brackets 999 deep, over the limit of 32"],
      ["[".repeat(600) + "1" + "]".repeat(600), "expression nests brackets 600 deep, over the limit of 32"],
      ["1?1:".repeat(490) + "1", "expression has 490 conditionals (?:), over the limit of 32"],
      // A string that jexl closes at `\"` (nothing later closes it) does not hide the brackets after it.
      ['"x\\" ' + deep(900), "expression nests brackets 900 deep, over the limit of 32"],
    ]) {
      const t0 = performance.now();
      expect(() => compileExpression(source)).toThrow(new ExpressionError(message));
      expect(performance.now() - t0).toBeLessThan(50);
    }
  });

  it("still compiles nesting up to the bound, and brackets or `?` inside strings do not count", () => {
    expect(evaluateCondition(deep(MAX_EXPRESSION_NESTING), {})).toBe(true);
    expect(evaluateCondition("1?1:".repeat(MAX_EXPRESSION_NESTING) + "0", {})).toBe(true);
    expect(evaluateCondition(`input.q == "${"(".repeat(100)}" && input.r == '${"?".repeat(100)}'`, { input: { q: "(".repeat(100), r: "?".repeat(100) } })).toBe(true);
  });
});

describe("conditions in a graph", () => {
  it("random conditions on the triage router: refused on the edge's condition, or the run ends (routed, NO_ROUTE or EXPRESSION_ERROR)", async () => {
    const providers = createProviderRegistry([createSimProvider({ latencyScale: 0 })]);
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(graphCondition, { minLength: 2, maxLength: 2 }), context, async (sources, ctx) => {
        const doc = clone(EXAMPLE_GRAPHS.triage);
        doc.timeoutMs = 3_000;
        const conditional = (doc.edges as Doc[]).filter((e) => e.kind === "conditional" && e.condition !== undefined);
        conditional.forEach((e, i) => (e.condition = sources[i]));
        const r = validateGraph(doc);
        if (!r.ok) {
          const ids = new Set(conditional.map((e) => e.id));
          for (const issue of r.issues) {
            expect(ids.has(issue.edgeId ?? ""), JSON.stringify(issue).slice(0, 300)).toBe(true);
            expect(issue.field).toBe("condition");
          }
          return;
        }
        ran++;
        const { input } = materialize(ctx) as { input: Record<string, unknown> };
        const inputs = { ticket: "My invoice is wrong.", channel: typeof input.channel === "string" ? input.channel : "chat", priority: typeof input.priority === "string" ? input.priority : "normal" };
        const handle = await createRun({ graph: r.graph, inputs, providers });
        const result = await Promise.race([handle.result, new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 6_000))]);
        expect(result).not.toBe("hung");
        if (result === "hung") return;
        expect(["succeeded", "failed"]).toContain(result.status);
        const route = result.nodes.route;
        if (route.status === "failed") expect(["EXPRESSION_ERROR", "NO_ROUTE"]).toContain(route.error?.code);
        if (result.status === "failed") expect(result.error).toBeInstanceOf(Object);
      }),
      { numRuns: 80 },
    );
    expect(ran).toBeGreaterThan(10);
  }, 60_000);

  it("a condition refused at validation names its edge and field", () => {
    const doc = clone(EXAMPLE_GRAPHS.triage);
    (doc.edges as Doc[]).find((e) => e.id === "to-extract")!.condition = "input.a[.x in input.a]";
    const r = validateGraph(doc);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toEqual([expect.objectContaining({ edgeId: "to-extract", field: "condition" })]);
  });
});
