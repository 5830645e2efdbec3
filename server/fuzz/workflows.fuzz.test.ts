/**
 * Graph JSON through the real HTTP API: workflows.create / update / import with mutated example
 * graphs (dropped, duplicated, renamed and rewired nodes and edges, wrong types, unknown keys,
 * huge strings, control characters, nesting deeper than JSON.stringify can write) answer 2xx, or
 * 4xx with issues naming a node, edge or field — never 5xx — and write either the whole workflow
 * version or nothing. And a run whose prompt is a hostile template fails the node with
 * TEMPLATE_ERROR while the server keeps answering /api/health.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateGraph } from "../../engine/graph/validate.js";
import { buildGraph, EXAMPLE_GRAPHS, EXAMPLE_NAMES, gentleMutation, mutatedGraph, mutation } from "../../engine/testing/graph-mutations.js";
import { clone, Deep, type Doc, droppedPath, Huge, jsonText, materialize } from "../../engine/testing/markers.js";
import { issueProblem } from "../../engine/testing/issues.js";
import { rowCounts, send, startFuzzServer, trpcRaw, trpcRefusalProblem, type FuzzServer, type Reply, type TrpcErrorShape } from "./helpers.js";

let server: FuzzServer;

beforeAll(async () => {
  server = await startFuzzServer("fuzz-workflows");
  // One copy of each example to update; creates use fresh ids.
  for (const name of EXAMPLE_NAMES) {
    const r = await trpcRaw(server, "workflows.create", "mutation", JSON.stringify({ graph: { ...EXAMPLE_GRAPHS[name], id: `fzu_${name}` } }), server.editor);
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
  }
});

afterAll(async () => {
  await server?.app.close();
});

type Op = "create" | "update" | "import";
let serial = 0;

/** The request of one sample: its procedure, input text and the graph id it targets. */
function request(op: Op, m: { base: string }, doc: Doc, cut: number | null): string {
  if (op === "create") return `{"graph":${jsonText(doc)}}`;
  if (op === "update") return `{"id":${JSON.stringify(`fzu_${m.base}`)},"graph":${jsonText(doc)}}`;
  const text = jsonText(doc);
  // A cut file is not JSON at all.
  return JSON.stringify({ json: cut === null ? text : text.slice(0, cut % Math.max(1, text.length)) || "{" });
}

describe("workflows.create / update / import with mutated graphs", () => {
  it("2xx writing one whole version, or 4xx naming the path and writing nothing; never 5xx", async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      // Some gentle edits among the hostile ones, so that the accepting path (stored = sent) is exercised too.
      fc.asyncProperty(mutatedGraph(fc.oneof({ weight: 3, arbitrary: mutation }, { weight: 1, arbitrary: gentleMutation }), 4), fc.constantFrom<Op>("create", "update", "import"), fc.option(fc.nat(), { freq: 4 }), fc.boolean(), async (m, op, cut, fresh) => {
        const id = op === "update" || (op === "import" && !fresh) ? `fzu_${m.base}` : `fzc_${serial++}`;
        const doc = buildGraph(m, id);
        const before = await rowCounts(server, ["workflow", "workflowVersion"]);
        const r: Reply = await trpcRaw(server, `workflows.${op}`, "mutation", request(op, m, doc, op === "import" ? cut : null), server.editor);
        const after = await rowCounts(server, ["workflow", "workflowVersion"]);
        expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBeLessThan(500);
        if (r.status === 200) {
          accepted++;
          const { workflow, created, newVersion } = (r.body as { result: { data: { workflow: { id: string; graph: unknown }; created: boolean; newVersion: boolean } } }).result.data;
          expect(after.workflow - before.workflow).toBe(created ? 1 : 0);
          expect(after.workflowVersion - before.workflowVersion).toBe(newVersion ? 1 : 0);
          // What was stored is what was sent (defaults added, nothing dropped; `$schema` is never stored), and it validates again.
          const stored = await server.app.services.workflows.get(workflow.id);
          expect(validateGraph(stored!.graph).ok).toBe(true);
          expect(droppedPath(materialize(doc), stored!.graph, ["$schema"])).toBeUndefined();
          return;
        }
        refused++;
        expect(after, "rows written by a refused request").toEqual(before);
        expect(trpcRefusalProblem(r)).toBeUndefined();
        const { data, message } = (r.body as { error: TrpcErrorShape }).error;
        if (data.httpStatus !== 400) {
          // Not a validation error: an existing id on create (409) — named as the graph's id.
          expect(data.code, message).toBe("CONFLICT");
          expect(data.issues).toEqual([expect.objectContaining({ field: "id" })]);
          return;
        }
        expect(data.issues?.length, message).toBeGreaterThan(0);
        for (const issue of data.issues!) {
          // An import that is not JSON is located by the parser's position in the text.
          if (op === "import" && cut !== null && issue.message.startsWith("not valid JSON")) continue;
          expect(issueProblem(issue, materialize(doc) as Doc), JSON.stringify(issue).slice(0, 300)).toBeUndefined();
        }
      }),
      { numRuns: 150 },
    );
    expect(accepted).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(50);
    expect(server.faults).toEqual([]);
  }, 120_000);
});

// Templates that validate (their syntax is fine) but exceed a limit when rendered.
const HOSTILE_PROMPTS = [
  "{% for i in (1..3000000) %}x{% endfor %}",
  "{% for i in (1..3000) %}{% for j in (1..3000) %}x{% endfor %}{% endfor %}",
  "{% assign s = 'ab' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}",
  "{{ (1..20000000) | join }}",
  "{% assign a = (1..4000000) | sort %}{{ a.size }}",
  "{% for i in (1..99999) %}{{ inputs.question }}{% endfor %}",
];

describe("a run with a hostile prompt", () => {
  it("fails the node with TEMPLATE_ERROR while /api/health answers within 1 s", async () => {
    let slowest = 0;
    const faultsBefore = server.faults.length;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HOSTILE_PROMPTS), fc.constantFrom("", "Question: {{ inputs.question }}\n"), async (hostile, prefix) => {
        const graph = clone(EXAMPLE_GRAPHS.qa);
        graph.id = `fzt_${serial++}`;
        ((graph.nodes as Doc[]).find((n) => n.id === "answer")!.config as Doc).prompt = prefix + hostile;
        const created = await trpcRaw(server, "workflows.create", "mutation", JSON.stringify({ graph }), server.editor);
        expect(created.status, JSON.stringify(created.body).slice(0, 300)).toBe(200);
        const started = await trpcRaw(server, "runs.start", "mutation", JSON.stringify({ workflowId: graph.id, inputs: { question: "What is 2 + 3?" } }), server.editor);
        expect(started.status, JSON.stringify(started.body).slice(0, 300)).toBe(200);
        const { runId } = (started.body as { result: { data: { runId: string } } }).result.data;
        const deadline = Date.now() + 15_000;
        let run = await server.app.services.runs.get(runId);
        while (!run || ["pending", "running", "paused"].includes(run.status)) {
          const health = await send(`${server.app.url}/api/health`, { method: "GET" });
          expect(health.status).toBe(200);
          slowest = Math.max(slowest, health.ms);
          expect(health.ms, "the server stopped answering while a template rendered").toBeLessThan(1_000);
          expect(Date.now(), `run ${runId} did not end`).toBeLessThan(deadline);
          await new Promise((resolve) => setTimeout(resolve, 10));
          run = await server.app.services.runs.get(runId);
        }
        expect(run.status).toBe("failed");
        expect(run.nodes.find((n) => n.nodeId === "answer")).toMatchObject({ status: "failed", error: { code: "TEMPLATE_ERROR" } });
      }),
      { numRuns: 8 },
    );
    expect(server.faults.slice(faultsBefore)).toEqual([]);
    expect(slowest).toBeLessThan(1_000);
  }, 120_000);
});

// Exact reproductions of what the properties found (a 500 or a 50,000-character message before the fix).
describe("regressions found by fuzzing", () => {
  it("workflows.create with an input field default nested past the stack: 400 located at the field, nothing stored (was: 500 from the checksum)", async () => {
    const graph = clone(EXAMPLE_GRAPHS.qa);
    graph.id = "fz_deep_default";
    (((graph.nodes as Doc[])[0].config as Doc).fields as Doc[])[1].default = new Deep(50_000, "array");
    const before = await rowCounts(server, ["workflow", "workflowVersion"]);
    const r = await trpcRaw(server, "workflows.create", "mutation", `{"graph":${jsonText(graph)}}`, server.editor);
    expect(r.status).toBe(400);
    expect((r.body as { error: TrpcErrorShape }).error.data.issues).toEqual([{ nodeId: "in", field: "config.fields.1.default.0.0.0.0", message: "nested deeper than 64 levels of arrays and objects" }]);
    expect(await rowCounts(server, ["workflow", "workflowVersion"])).toEqual(before);
  });

  it("workflows.update whose graph id is huge or nested past the stack: 400 on `id` with the id quoted cut short (was: the whole id echoed, or a 500)", async () => {
    for (const id of [new Huge("a", 50_001), new Deep(50_000, "object")]) {
      const r = await trpcRaw(server, "workflows.update", "mutation", `{"id":"fzu_qa","graph":${jsonText({ ...EXAMPLE_GRAPHS.qa, id })}}`, server.editor);
      expect(r.status).toBe(400);
      const [issue] = (r.body as { error: TrpcErrorShape }).error.data.issues!;
      expect(issue).toMatchObject({ field: "id", message: expect.stringMatching(/^graph id ("a{99}…|an object) does not match workflow "fzu_qa"$/) });
    }
  });
});
