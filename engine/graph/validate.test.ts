import { describe, expect, it } from "vitest";
import { GraphValidationError, formatIssue } from "../errors.js";
import { aiNode, graph } from "../executor/test-helpers.js";
import { parseGraph, validateGraph } from "./validate.js";

function issues(doc: unknown): string[] {
  const r = validateGraph(doc);
  return r.ok ? [] : r.issues.map(formatIssue);
}

describe("graph validation", () => {
  it("accepts a well-formed graph and fills in defaults", () => {
    const r = validateGraph(graph([aiNode("a", "m", "{{ inputs.q }}")], [["in", "a"]]));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.graph.nodes[1]).toMatchObject({ config: { temperature: 0, maxTokens: 512, fewShot: [] } });
  });

  it("names the dangling end of an edge", () => {
    expect(issues(graph([aiNode("a", "m")], [["in", "a"], ["a", "ghost"]]))).toContain('edge "e1" field target: dangling edge: target node "ghost" does not exist');
  });

  it("rejects a cycle and names the nodes on it", () => {
    const msgs = issues(graph([aiNode("a", "m"), aiNode("b", "m"), aiNode("c", "m")], [["in", "a"], ["a", "b"], ["b", "c"], ["c", "a"]]));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatch(/cycle: (a → b → c → a|b → c → a → b|c → a → b → c)/);
  });

  it("names an unknown node kind", () => {
    const doc = graph([{ id: "weird", kind: "teleport", config: {} }], []);
    expect(issues(doc)).toEqual([expect.stringMatching(/^node "weird" field kind: unknown node kind "teleport" \(expected one of input, ai/)]);
  });

  it("reports a template syntax error with node and field", () => {
    expect(issues(graph([aiNode("a", "m", "Hello {{ inputs.q ")], [["in", "a"]]))).toEqual([
      expect.stringMatching(/^node "a" field config.prompt: template syntax error/),
    ]);
  });

  it("checks that template references name real input fields and upstream nodes", () => {
    const doc = graph(
      [aiNode("a", "m", "{{ inputs.nope }}"), aiNode("b", "m", "{{ nodes.c.text }} {{ nodes.a.txt }}"), aiNode("c", "m", "{{ secret }}")],
      [["in", "a"], ["a", "b"], ["in", "c"]],
    );
    const msgs = issues(doc);
    expect(msgs).toContainEqual(expect.stringContaining('node "a" field config.prompt: "inputs.nope": the input node declares no field "nope"'));
    expect(msgs).toContainEqual(expect.stringContaining('"nodes.c.text": node "c" is not upstream of "b"'));
    expect(msgs).toContainEqual(expect.stringContaining('"nodes.a.txt": node "a" (ai) has no output field "txt"'));
    expect(msgs).toContainEqual(expect.stringContaining('node "c" field config.prompt: unknown reference "secret"'));
  });

  it("reports schema errors with the node id and field path", () => {
    const doc = graph([{ ...aiNode("a", "m"), config: { provider: "sim", model: "m", prompt: "x", temperature: 7 } }], [["in", "a"]]);
    expect(issues(doc)[0]).toMatch(/^node "a" field config.temperature: /);
  });

  it("checks conditional edges: router source, condition syntax, a single default", () => {
    const doc = graph(
      [{ id: "r", kind: "router" }, aiNode("x", "m"), aiNode("y", "m"), aiNode("z", "m")],
      [
        ["in", "r"],
        ["r", "x", "conditional", { condition: "input.q ==" }],
        ["r", "y", "conditional", { default: true }],
        ["r", "z", "conditional", { default: true }],
        ["x", "z", "conditional", { condition: "true" }],
      ],
    );
    const msgs = issues(doc);
    expect(msgs).toContainEqual(expect.stringMatching(/^edge "e1" field condition: expression syntax error/));
    expect(msgs).toContainEqual(expect.stringContaining('node "r": a router has at most one default edge'));
    expect(msgs).toContainEqual(expect.stringContaining('edge "e4" field source: conditional edges must leave a router node'));
  });

  it("parseGraph throws a GraphValidationError listing every issue", () => {
    expect(() => parseGraph({ version: 1, id: "g", name: "g", nodes: [] })).toThrow(GraphValidationError);
    try {
      parseGraph(graph([aiNode("a", "m")], [["in", "zz"]]));
    } catch (err) {
      expect((err as GraphValidationError).code).toBe("GRAPH_INVALID");
      expect((err as Error).message).toMatch(/edge "e0" field target/);
    }
  });

  it("requires exactly one input node", () => {
    expect(issues({ version: 1, id: "g", name: "g", nodes: [aiNode("a", "m")], edges: [] })).toContain("field nodes: a graph needs exactly one input node (found 0)");
  });

  it("names each extra input node, so that the editor can show the error on it", () => {
    const input = (id: string) => ({ id, kind: "input", config: { fields: [{ name: "q", type: "string", required: true }] } });
    const r = validateGraph({ version: 1, id: "g", name: "g", nodes: [input("in"), input("in2"), input("in3")], edges: [] });
    expect(r.ok).toBe(false);
    const extra = (r.ok ? [] : r.issues).filter((i) => i.message.includes("exactly one input node"));
    expect(extra.map((i) => i.nodeId)).toEqual(["in2", "in3"]);
    expect(extra[0].message).toContain('found 3; "in" is the first');
  });
});

describe("optimizer nodes", () => {
  const opt = (config: Record<string, unknown>) => ({ id: "tune", kind: "optimizer", config: { strategy: "tpe", objectives: [{ metric: "tokens", direction: "min" }], ...config } });
  it("accept a configuration whose targets are AI nodes and objectives are evaluation nodes or measures", () => {
    expect(issues(graph([aiNode("a", "m", "{{ inputs.q }}"), opt({ targets: ["a"] })], [["in", "a"]]))).toEqual([]);
  });
  it("name targets that are not AI nodes, unknown objectives, and edges", () => {
    const msgs = issues(graph([aiNode("a", "m", "{{ inputs.q }}"), opt({ targets: ["in", "ghost"], objectives: [{ metric: "accuracy", direction: "max" }] })], [["in", "a"], ["a", "tune"]]));
    expect(msgs).toContainEqual(expect.stringContaining('node "tune" field config.targets.0: optimizer target "in" is an input node'));
    expect(msgs).toContainEqual(expect.stringContaining('node "tune" field config.targets.1: optimizer target "ghost" is not a node'));
    expect(msgs).toContainEqual(expect.stringContaining('node "tune" field config.objectives.0.metric: objective "accuracy" is neither an evaluation node'));
    expect(msgs).toContainEqual(expect.stringContaining("optimizer nodes are not wired into the data flow"));
  });
});
