/**
 * Property tests of graph validation and execution on mutated example graphs (nodes and edges
 * dropped, duplicated, renamed, rewired into cycles or dangling refs; wrong types, unknown keys,
 * huge strings, control characters and deep nesting at random paths):
 * - validateGraph never throws, answers in bounded time, and every issue is located (node, edge
 *   or field of the document) with a bounded message; a graph it accepts keeps every field given;
 * - a graph that validates runs with the sim provider to a terminal state within its run timeout,
 *   without an unhandled rejection.
 */
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FlowtuneError } from "../errors.js";
import { createRun } from "../executor/run.js";
import { createProviderRegistry } from "../providers/registry.js";
import { createSimProvider } from "../providers/sim/provider.js";
import type { Graph } from "../schema/graph.js";
import { closeTemplateWorkers } from "../template/render.js";
import { hostileValue, nastyString } from "../testing/arbitraries.js";
import { buildGraph, EXAMPLE_GRAPHS, gentleMutation, mutatedGraph, mutation } from "../testing/graph-mutations.js";
import { clone, Deep, type Doc, droppedPath, materialize } from "../testing/markers.js";
import { issueProblem } from "../testing/issues.js";
import { validateGraph } from "./validate.js";

/** Per-sample bound on validation (synchronous work: it must never come near blocking a server). */
const VALIDATE_MS = 1_000;
/** The run timeout every executed graph gets; a run must end by then (plus scheduling slack). */
const RUN_TIMEOUT_MS = 3_000;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on("unhandledRejection", onUnhandled));
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await closeTemplateWorkers();
});
afterEach(() => expect(unhandled, "unhandled rejections").toEqual([]));

describe("validateGraph on mutated example graphs", () => {
  it("never throws, answers in bounded time, locates every issue; an accepted graph keeps every field", () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutatedGraph(mutation, 4), (m) => {
        const doc = materialize(buildGraph(m)) as Doc;
        const started = performance.now();
        const r = validateGraph(doc);
        expect(performance.now() - started).toBeLessThan(VALIDATE_MS);
        if (r.ok) {
          accepted++;
          expect(droppedPath(doc, r.graph)).toBeUndefined();
          return;
        }
        expect(r.issues.length).toBeGreaterThan(0);
        for (const issue of r.issues) expect(issueProblem(issue, doc), JSON.stringify(issue).slice(0, 300)).toBeUndefined();
      }),
      { numRuns: 400 },
    );
    // Not every mutation breaks a graph (a dropped edge, a fresh duplicate): both outcomes are exercised.
    expect(accepted).toBeGreaterThan(0);
  });
});

/** Inputs for a graph's input node: a value of the declared type, a hostile one, or none, per field. */
const inputChoices = fc.array(fc.oneof({ weight: 6, arbitrary: fc.constant("typed" as const) }, { weight: 1, arbitrary: fc.constant("absent" as const) }, { weight: 1, arbitrary: hostileValue }), { minLength: 4, maxLength: 4 });
const typedValues = fc.record({ string: fc.oneof(nastyString, fc.constantFrom("What is 2 + 3?", "email", "high")), list: fc.array(nastyString, { maxLength: 5 }), number: fc.double(), json: fc.jsonValue({ maxDepth: 2 }) });

function inputsFor(graph: Graph, choices: unknown[], typed: { string: string; list: string[]; number: number; json: unknown }): Record<string, unknown> {
  const input = graph.nodes.find((n) => n.kind === "input");
  const out: Record<string, unknown> = {};
  if (input?.kind !== "input") return out;
  input.config.fields.forEach((f, i) => {
    const c = choices[i % choices.length];
    if (c === "absent") return;
    out[f.name] = c === "typed" ? (f.type === "boolean" ? true : typed[f.type]) : materialize(c);
  });
  return out;
}

describe("a graph that validates runs to the end", () => {
  it("reaches a terminal state within its run timeout with the sim provider, or is refused with a typed error", async () => {
    const providers = createProviderRegistry([createSimProvider({ latencyScale: 0 })]);
    let validated = 0;
    let started = 0;
    await fc.assert(
      fc.asyncProperty(mutatedGraph(fc.oneof({ weight: 4, arbitrary: gentleMutation }, { weight: 1, arbitrary: mutation }), 3), inputChoices, typedValues, async (m, choices, typed) => {
        const doc = materialize(buildGraph(m)) as Doc;
        doc.timeoutMs = RUN_TIMEOUT_MS;
        const r = validateGraph(doc);
        if (!r.ok) return;
        validated++;
        const t0 = performance.now();
        const handle = await createRun({ graph: r.graph, inputs: inputsFor(r.graph, choices, typed), providers }).catch((err: unknown) => {
          // Refused before it starts (inputs that do not match the input node): a typed, located error.
          expect(err).toBeInstanceOf(FlowtuneError);
          expect((err as FlowtuneError).code).toBe("INPUT_INVALID");
          return undefined;
        });
        if (!handle) return;
        started++;
        const result = await Promise.race([handle.result, new Promise((resolve) => setTimeout(() => resolve("hung"), RUN_TIMEOUT_MS + 3_000))]);
        expect(result, `run of ${m.base} did not end`).not.toBe("hung");
        const { status, error, nodes } = result as Awaited<typeof handle.result>;
        expect(["succeeded", "failed", "cancelled"]).toContain(status);
        expect(performance.now() - t0).toBeLessThan(RUN_TIMEOUT_MS + 3_000);
        if (status === "failed") expect(error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
        // Nothing is left in flight; a node that never started stays "pending" only when the run stopped early
        // (optimizer nodes configure `flowtune optimize` and are never executed by a run).
        for (const n of r.graph.nodes) {
          if (n.kind === "optimizer") continue;
          const allowed = status === "succeeded" ? ["succeeded", "failed", "skipped"] : ["succeeded", "failed", "skipped", "cancelled", "pending"];
          expect(allowed, `node ${n.id} of a ${status} run`).toContain(nodes[n.id]?.status ?? "pending");
        }
      }),
      { numRuns: 80 },
    );
    // Most gentle edits keep a graph valid and most inputs fit it: the property does execute runs.
    expect(validated).toBeGreaterThan(15);
    expect(started).toBeGreaterThan(10);
  }, 120_000);
});

// Exact reproductions of what the properties above found (each threw, or echoed 300,000 characters, before the fix).
describe("regressions found by fuzzing", () => {
  const huge = "a".repeat(300_000);
  const deep = () => new Deep(50_000, "object").build();

  it("an unknown node or edge kind that is huge: the issue quotes it cut short", () => {
    const doc = clone(EXAMPLE_GRAPHS.qa);
    (doc.nodes as Doc[])[1].kind = huge;
    (doc.edges as Doc[])[0].kind = { a: [huge] };
    const r = validateGraph(doc);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues).toEqual(
        expect.arrayContaining([
          { nodeId: "answer", field: "kind", message: expect.stringMatching(/^unknown node kind "a{99}… \(expected one of/) },
          { edgeId: "in-answer", field: "kind", message: expect.stringMatching(/^unknown edge kind \{"a":\["a{93}… \(expected one of/) },
        ]),
      );
    }
  });

  it("a value nested past the stack anywhere in the document (a kind, a field default, meta): one located issue, not a RangeError", () => {
    const cases: Array<[(doc: Doc) => void, Record<string, string>]> = [
      [(doc) => ((doc.nodes as Doc[])[1].kind = deep()), { nodeId: "answer", field: "kind.a.a.a.a.a.a.a" }],
      [(doc) => ((((doc.nodes as Doc[])[0].config as Doc).fields as Doc[])[1].default = deep()), { nodeId: "in", field: "config.fields.1.default.a.a.a.a" }],
      [(doc) => ((doc.edges as Doc[])[2].meta = deep()), { edgeId: "grade-out", field: "meta.a.a.a.a.a.a.a" }],
      [(doc) => (doc.meta = { x: deep() }), { field: "meta.x.a.a.a.a.a.a" }],
    ];
    for (const [edit, where] of cases) {
      const doc = clone(EXAMPLE_GRAPHS.qa);
      edit(doc);
      const r = validateGraph(doc);
      expect(r).toEqual({ ok: false, issues: [{ ...where, message: "nested deeper than 64 levels of arrays and objects" }] });
    }
  });

  it("an optimizer objective naming a huge metric: the issue quotes it cut short", () => {
    const doc = clone(EXAMPLE_GRAPHS.qa);
    ((doc.nodes as Doc[]).find((n) => n.id === "tune")!.config as { objectives: Doc[] }).objectives[0].metric = huge;
    const r = validateGraph(doc);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toEqual([{ nodeId: "tune", field: "config.objectives.0.metric", message: expect.stringMatching(/^objective "a{99}… is neither/) }]);
  });

  it("a run input nested past the stack: INPUT_INVALID naming the field, not a RangeError; a huge wrong-typed one is quoted cut short", async () => {
    const r = validateGraph(clone(EXAMPLE_GRAPHS.qa));
    if (!r.ok) throw new Error("qa example must validate");
    const refusal = (inputs: Record<string, unknown>) => createRun({ graph: r.graph, inputs, providers: createProviderRegistry([]) }).catch((e: unknown) => e);
    for (const [name, value] of [["question", new Deep(50_000, "array").build()], ["extra", { a: new Deep(50_000, "object").build() }]] as const) {
      const err = await refusal({ question: "q", [name]: value });
      expect(err).toBeInstanceOf(FlowtuneError);
      expect(err).toMatchObject({ code: "INPUT_INVALID", location: { nodeId: "in", field: name }, message: `input "${name}" is nested deeper than 64 levels of arrays and objects` });
    }
    expect(await refusal({ question: { a: huge } })).toMatchObject({ code: "INPUT_INVALID", message: expect.stringMatching(/^input "question" must be a string, got \{"a":"a{74}…$/) });
  });
});
