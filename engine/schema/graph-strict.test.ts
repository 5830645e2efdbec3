// The graph format is strict: unknown fields at any level are located errors (not silently
// dropped), `meta` carries user data through parse and save unchanged, and text fields refuse
// control, bidi-override and lone-surrogate characters.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GraphValidationError, formatIssue, type GraphIssue } from "../errors.js";
import { checksum } from "../graph/checksum.js";
import { parseGraph, validateGraph } from "../graph/validate.js";
import { META_MAX_CHARS, META_MAX_DEPTH } from "./meta.js";

type Doc = Record<string, unknown> & { nodes: Array<Record<string, unknown>>; edges: Array<Record<string, unknown>> };

/** A valid graph touching every object level of the format: each node kind, each edge kind, every nested config object. */
function fullDoc(): Doc {
  return {
    version: 1,
    id: "full",
    name: "Every level",
    nodes: [
      { id: "in", kind: "input", position: { x: 0, y: 0 }, config: { fields: [{ name: "q", description: "the question" }, { name: "items", type: "list" }] } },
      {
        id: "answer",
        kind: "ai",
        onError: { mode: "retry", maxRetries: 1 },
        config: { model: "sim-small", prompt: "{{ inputs.q }}", fewShot: [{ input: "1+1", output: "2" }] },
      },
      {
        id: "grade",
        kind: "evaluation",
        config: {
          metric: "numeric",
          actual: "{{ nodes.answer.text }}",
          expected: "2",
          tolerance: { absolute: 0.5 },
          judge: { provider: "sim", model: "sim-medium" },
          budget: { maxTokens: 10 },
          price: { inputPer1k: 0, outputPer1k: 0 },
        },
      },
      { id: "route", kind: "router", config: { mode: "first-match" } },
      { id: "each", kind: "ai", onError: { mode: "continue" }, config: { model: "sim-small", prompt: "{{ item }}" } },
      { id: "join", kind: "aggregate", config: { strategy: "all" } },
      { id: "out", kind: "output", config: { fields: { score: "{{ nodes.grade.score }}" } } },
      {
        id: "tune",
        kind: "optimizer",
        config: {
          targets: ["answer"],
          strategy: "random",
          objectives: [{ metric: "grade", direction: "max" }],
          constraints: [{ metric: "tokens", op: "<=", value: 100 }],
          searchSpace: { systemPrompt: true },
          limits: { maxCandidates: 4 },
          split: { train: 0.4, validation: 0.3, test: 0.3 },
          reflection: { minibatch: 2 },
        },
      },
    ],
    edges: [
      { id: "e_in_answer", source: "in", target: "answer", kind: "pipeline" },
      { id: "e_answer_grade", source: "answer", target: "grade", kind: "broadcast" },
      { id: "e_grade_route", source: "grade", target: "route", kind: "pipeline" },
      { id: "e_route_out", source: "route", target: "out", kind: "conditional", default: true },
      { id: "e_in_each", source: "in", target: "each", kind: "parallel", map: "items" },
      { id: "e_each_join", source: "each", target: "join", kind: "pipeline" },
    ],
  };
}

const nodeOf = (d: Doc, id: string) => d.nodes.find((n) => n.id === id) as Record<string, Record<string, unknown>>;
const edgeOf = (d: Doc, id: string) => d.edges.find((e) => e.id === id) as Record<string, unknown>;

function issuesOf(doc: unknown): GraphIssue[] {
  const r = validateGraph(doc);
  return r.ok ? [] : r.issues;
}

// Each level: where to put an unknown key, and the issue location that must name it.
const LEVELS: Array<[string, (d: Doc) => Record<string, unknown>, Partial<GraphIssue>]> = [
  ["graph", (d) => d, { field: "x" }],
  ["node", (d) => nodeOf(d, "answer"), { nodeId: "answer", field: "x" }],
  ["node position", (d) => nodeOf(d, "in").position, { nodeId: "in", field: "position.x_" }],
  ["error policy", (d) => nodeOf(d, "answer").onError, { nodeId: "answer", field: "onError.x" }],
  ["input config", (d) => nodeOf(d, "in").config, { nodeId: "in", field: "config.x" }],
  ["input field", (d) => (nodeOf(d, "in").config.fields as Array<Record<string, unknown>>)[1], { nodeId: "in", field: "config.fields.1.x" }],
  ["ai config", (d) => nodeOf(d, "answer").config, { nodeId: "answer", field: "config.x" }],
  ["few-shot example", (d) => (nodeOf(d, "answer").config.fewShot as Array<Record<string, unknown>>)[0], { nodeId: "answer", field: "config.fewShot.0.x" }],
  ["evaluation config", (d) => nodeOf(d, "grade").config, { nodeId: "grade", field: "config.x" }],
  ["evaluation tolerance", (d) => nodeOf(d, "grade").config.tolerance as Record<string, unknown>, { nodeId: "grade", field: "config.tolerance.x" }],
  ["evaluation judge", (d) => nodeOf(d, "grade").config.judge as Record<string, unknown>, { nodeId: "grade", field: "config.judge.x" }],
  ["evaluation budget", (d) => nodeOf(d, "grade").config.budget as Record<string, unknown>, { nodeId: "grade", field: "config.budget.x" }],
  ["evaluation price", (d) => nodeOf(d, "grade").config.price as Record<string, unknown>, { nodeId: "grade", field: "config.price.x" }],
  ["router config", (d) => nodeOf(d, "route").config, { nodeId: "route", field: "config.x" }],
  ["aggregate config", (d) => nodeOf(d, "join").config, { nodeId: "join", field: "config.x" }],
  ["output config", (d) => nodeOf(d, "out").config, { nodeId: "out", field: "config.x" }],
  ["optimizer config", (d) => nodeOf(d, "tune").config, { nodeId: "tune", field: "config.x" }],
  ["optimizer objective", (d) => (nodeOf(d, "tune").config.objectives as Array<Record<string, unknown>>)[0], { nodeId: "tune", field: "config.objectives.0.x" }],
  ["optimizer constraint", (d) => (nodeOf(d, "tune").config.constraints as Array<Record<string, unknown>>)[0], { nodeId: "tune", field: "config.constraints.0.x" }],
  ["optimizer search space", (d) => nodeOf(d, "tune").config.searchSpace as Record<string, unknown>, { nodeId: "tune", field: "config.searchSpace.x" }],
  ["optimizer limits", (d) => nodeOf(d, "tune").config.limits as Record<string, unknown>, { nodeId: "tune", field: "config.limits.x" }],
  ["optimizer split", (d) => nodeOf(d, "tune").config.split as Record<string, unknown>, { nodeId: "tune", field: "config.split.x" }],
  ["optimizer reflection", (d) => nodeOf(d, "tune").config.reflection as Record<string, unknown>, { nodeId: "tune", field: "config.reflection.x" }],
  ["pipeline edge", (d) => edgeOf(d, "e_in_answer"), { edgeId: "e_in_answer", field: "x" }],
  ["broadcast edge", (d) => edgeOf(d, "e_answer_grade"), { edgeId: "e_answer_grade", field: "x" }],
  ["conditional edge", (d) => edgeOf(d, "e_route_out"), { edgeId: "e_route_out", field: "x" }],
  ["parallel edge", (d) => edgeOf(d, "e_in_each"), { edgeId: "e_in_each", field: "x" }],
];

describe("strict graph schemas", () => {
  it("the full document is valid as written", () => {
    expect(issuesOf(fullDoc())).toEqual([]);
  });

  it.each(LEVELS)("an unknown key on the %s is an issue naming its path", (_level, at, where) => {
    const doc = fullDoc();
    const key = (where.field ?? "").split(".").at(-1)!;
    at(doc)[key] = 1;
    const issues = issuesOf(doc);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toEqual({ ...where, message: expect.stringContaining(`unrecognized key "${key}"`) });
  });

  it("names each unknown field of an AI node (the fields a newer client might send), and parseGraph throws", () => {
    const doc = fullDoc();
    Object.assign(nodeOf(doc, "answer").config, { vectorStore: { kind: "buffer" }, toolChoice: "auto" });
    expect(issuesOf(doc).map(formatIssue)).toEqual([
      expect.stringMatching(/^node "answer" field config\.vectorStore: unrecognized key "vectorStore"/),
      expect.stringMatching(/^node "answer" field config\.toolChoice: unrecognized key "toolChoice"/),
    ]);
    expect(() => parseGraph(doc)).toThrow(GraphValidationError);
  });

  it("accepts well-formed tools, maxToolCalls and toolInstructions on an AI node", () => {
    const doc = fullDoc();
    Object.assign(nodeOf(doc, "answer").config, {
      tools: [
        { kind: "expression", name: "calc", description: "Evaluates arithmetic.", expression: "expression|calc", parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] } },
        { kind: "http", name: "weather", description: "Weather by city.", url: "https://api.example.com/w?city={{city}}", headers: { "X-Key": "k" }, parameters: { type: "object", properties: { city: { type: "string" } } } },
      ],
      maxToolCalls: 3,
      toolInstructions: "Use the tools.",
    });
    expect(issuesOf(doc)).toEqual([]);
    const tools = parseGraph(doc).nodes.find((n) => n.id === "answer")!.config as { tools: Array<{ kind: string; method?: string }> };
    expect(tools.tools.map((t) => t.method ?? t.kind)).toEqual(["expression", "GET"]);
  });

  it("refuses malformed tools, each located at its field", () => {
    const doc = fullDoc();
    const calc = (name: string) => ({ kind: "expression", name, description: "d", expression: "a" });
    Object.assign(nodeOf(doc, "answer").config, {
      tools: [
        calc("calc"),
        calc("calc"),
        { name: "search" },
        { kind: "http", name: "h", description: "d", url: "https://x", method: "TRACE", headers: { "bad header": "v" } },
        { ...calc("p"), parameters: { type: "object", properties: { a: { type: "strnig" } }, required: ["b"] } },
        { ...calc("has space"), extra: 1 },
      ],
      maxToolCalls: 500,
    });
    const issues = issuesOf(doc).map(formatIssue);
    expect(issues).toHaveLength(8);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^node "answer" field config\.tools\.2\.kind: /),
        expect.stringMatching(/^node "answer" field config\.tools\.3\.method: /),
        expect.stringMatching(/^node "answer" field config\.tools\.3\.headers\.bad header: Invalid key/),
        expect.stringMatching(/^node "answer" field config\.tools\.4\.parameters\.required: required names "b", which is not in properties/),
        expect.stringMatching(/^node "answer" field config\.tools\.4\.parameters\.properties\.a\.type: type must be one of/),
        expect.stringMatching(/^node "answer" field config\.tools\.5\.name: must start with a letter/),
        expect.stringMatching(/^node "answer" field config\.tools\.5\.extra: unrecognized key "extra"/),
        expect.stringMatching(/^node "answer" field config\.maxToolCalls: /),
      ]),
    );
  });

  it("refuses two tools of one node with the same name, naming the second", () => {
    const doc = fullDoc();
    const calc = { kind: "expression", name: "calc", description: "d", expression: "a" };
    Object.assign(nodeOf(doc, "answer").config, { tools: [calc, { ...calc, name: "other" }, calc] });
    expect(issuesOf(doc).map(formatIssue)).toEqual([expect.stringMatching(/^node "answer" field config\.tools\.2\.name: duplicate tool name "calc" \(also tools\[0\]\); tool names must be unique per node$/)]);
  });

  it("names an unknown edge kind like an unknown node kind", () => {
    const doc = fullDoc();
    edgeOf(doc, "e_in_answer").kind = "wormhole";
    expect(issuesOf(doc).map(formatIssue)).toEqual([expect.stringMatching(/^edge "e_in_answer" field kind: unknown edge kind "wormhole" \(expected one of pipeline/)]);
  });

  it("keeps a field-level error inside an edge located at its field", () => {
    const doc = fullDoc();
    edgeOf(doc, "e_in_each").maxConcurrency = 0;
    expect(issuesOf(doc)).toEqual([expect.objectContaining({ edgeId: "e_in_each", field: "maxConcurrency" })]);
  });

  it("every example graph is still valid", () => {
    const dir = new URL("../../examples/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith(".flow.json"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(issuesOf(JSON.parse(readFileSync(new URL(f, dir), "utf8"))), f).toEqual([]);
  });
});

/** `levels` objects nested in one another: {"a":{"a":…{"a":1}}}. */
const nested = (levels: number) => JSON.parse(`${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`) as Record<string, unknown>;

describe("meta: user data on the graph, nodes and edges", () => {
  const meta = () => ({ owner: "team-α", tags: ["a", "b"], ui: { collapsed: true, color: null, z: 1.5 }, "x-tool": { nested: [[1, { deep: "ok" }]] } });

  it("round-trips exactly through parse, JSON and parse again (key order included), without changing the checksum of the rest", () => {
    const doc = fullDoc();
    doc.meta = meta();
    nodeOf(doc, "answer").meta = meta();
    edgeOf(doc, "e_in_each").meta = meta();
    const g = parseGraph(doc);
    const expected = JSON.stringify(meta());
    expect(JSON.stringify(g.meta)).toBe(expected);
    expect(JSON.stringify(g.nodes.find((n) => n.id === "answer")!.meta)).toBe(expected);
    expect(JSON.stringify(g.edges.find((e) => e.id === "e_in_each")!.meta)).toBe(expected);
    const again = parseGraph(JSON.parse(JSON.stringify(g)));
    expect(again).toEqual(g);
    expect(checksum(again)).toBe(checksum(g));
  });

  it("is optional and never added", () => {
    const g = parseGraph(fullDoc());
    expect("meta" in g).toBe(false);
    expect(g.nodes.some((n) => "meta" in n)).toBe(false);
  });

  it.each([
    ["not an object", [1, 2], /meta must be a JSON object/],
    ["too large", { blob: "x".repeat(META_MAX_CHARS) }, /characters of JSON/],
    ["too deep", nested(META_MAX_DEPTH + 1), /nested deeper than/],
    ["a __proto__ key (which a rebuilt object would silently lose)", JSON.parse('{"ok":1,"__proto__":{"x":1}}'), /reserved key "__proto__"/],
    ["a number JSON cannot hold", { n: Number.NaN }, /number that JSON cannot represent at n/],
    ["a value that is not JSON", { f: () => 1 }, /not JSON \(function\) at f/],
  ])("refuses meta that is %s, located at the node's meta", (_what, value, message) => {
    const doc = fullDoc();
    nodeOf(doc, "answer").meta = value as never;
    expect(issuesOf(doc)).toEqual([{ nodeId: "answer", field: "meta", message: expect.stringMatching(message) }]);
  });

  it("accepts meta right at its bounds", () => {
    const doc = fullDoc();
    doc.meta = nested(META_MAX_DEPTH);
    edgeOf(doc, "e_in_answer").meta = { blob: "x".repeat(META_MAX_CHARS - '{"blob":""}'.length) };
    expect(issuesOf(doc)).toEqual([]);
  });

  it("a hostile meta (a million-element array) is refused in bounded time", () => {
    const doc = fullDoc();
    doc.meta = { big: new Array(1_000_000).fill(0) };
    const t0 = performance.now();
    expect(issuesOf(doc)).toEqual([{ field: "meta", message: expect.stringMatching(/larger than/) }]);
    expect(performance.now() - t0).toBeLessThan(100);
  });
});

describe("safe text in the graph", () => {
  const BAD = [
    ["NUL", "a\u0000b", "U+0000"],
    ["a right-to-left override", "invoice\u202Efdp.exe", "U+202E"],
    ["a lone high surrogate", "x\uD800y", "U+D800"],
    ["a lone low surrogate", "x\uDC00", "U+DC00"],
  ] as const;

  // Where the text goes, and which issue location must name it.
  const PLACES: Array<[string, (d: Doc, s: string) => void, Partial<GraphIssue>]> = [
    ["graph name", (d, s) => (d.name = s), { field: "name" }],
    ["graph description", (d, s) => (d.description = s), { field: "description" }],
    ["node label", (d, s) => (nodeOf(d, "answer").label = s as never), { nodeId: "answer", field: "label" }],
    ["node description", (d, s) => (nodeOf(d, "grade").description = s as never), { nodeId: "grade", field: "description" }],
    ["input field description", (d, s) => ((nodeOf(d, "in").config.fields as Array<Record<string, unknown>>)[0].description = s), { nodeId: "in", field: "config.fields.0.description" }],
    ["edge label", (d, s) => (edgeOf(d, "e_in_answer").label = s), { edgeId: "e_in_answer", field: "label" }],
    ["prompt", (d, s) => (nodeOf(d, "answer").config.prompt = `{{ inputs.q }} ${s}`), { nodeId: "answer", field: "config.prompt" }],
    ["few-shot output", (d, s) => ((nodeOf(d, "answer").config.fewShot as Array<Record<string, unknown>>)[0].output = s), { nodeId: "answer", field: "config.fewShot.0.output" }],
    ["output template", (d, s) => ((nodeOf(d, "out").config.fields as Record<string, unknown>).score = s), { nodeId: "out", field: "config.fields.score" }],
  ];

  for (const [what, value, code] of BAD) {
    it.each(PLACES)(`refuses ${what} in the %s, naming the place and the character`, (_place, put, where) => {
      const doc = fullDoc();
      put(doc, value);
      const issues = issuesOf(doc);
      expect(issues).toEqual([{ ...where, message: expect.stringContaining(code) }]);
    });
  }

  it("allows tabs and line breaks in prompts and descriptions, any script and emoji everywhere", () => {
    const doc = fullDoc();
    doc.name = "Übersicht – 日本語 – نص 👍🏽";
    doc.description = "line 1\n\tline 2\r\n";
    nodeOf(doc, "answer").config.prompt = "Solve:\n\t{{ inputs.q }}\nAnswer in עברית.";
    nodeOf(doc, "answer").config.systemPrompt = "a\tb\nc";
    expect(issuesOf(doc)).toEqual([]);
  });

  it("refuses line breaks in single-line text (a label)", () => {
    const doc = fullDoc();
    nodeOf(doc, "answer").label = "two\nlines" as never;
    expect(issuesOf(doc)).toEqual([{ nodeId: "answer", field: "label", message: expect.stringContaining("U+000A") }]);
  });
});

describe("hostile documents", () => {
  it("thousands of unknown keys give a bounded list of issues, quickly", () => {
    const doc = fullDoc();
    const config = nodeOf(doc, "answer").config;
    for (let i = 0; i < 50_000; i++) config[`k${i}`] = i;
    const t0 = performance.now();
    const issues = issuesOf(doc);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(issues).toHaveLength(11);
    expect(issues[0]).toMatchObject({ nodeId: "answer", field: "config.k0" });
    expect(issues[10]).toEqual({ nodeId: "answer", field: "config", message: "49990 more unrecognized keys" });
  });
});
