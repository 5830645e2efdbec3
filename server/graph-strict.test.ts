/**
 * The strict graph format over the real HTTP API: workflows.create / update / import refuse an
 * unknown field or unsafe text with 400 and located issues (and write nothing), and `meta` (user
 * data) comes back exactly through save, get, export and re-import.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Graph } from "../engine/browser.js";
import type { AppRouter } from "./router.js";
import { bearer, mintToken, startTestServer, trpcClient, type TestClient, type TestServer } from "./test-http.js";

let app: TestServer;
let client: TestClient;

beforeAll(async () => {
  app = await startTestServer("graph-strict");
  client = trpcClient(app.url, bearer((await mintToken(app.services, "editor", "editor")).secret));
});

afterAll(async () => {
  await app?.close();
});

/** The qa example under another id, as a plain JSON document. */
function qaAs(id: string): Graph & Record<string, unknown> {
  const g = JSON.parse(readFileSync(path.join(import.meta.dirname, "../examples/qa.flow.json"), "utf8")) as Graph;
  return { ...g, id, name: `Copy of qa (${id})` };
}

interface Refusal {
  status: number;
  code: string;
  issues: Array<{ nodeId?: string; edgeId?: string; field?: string; message: string }>;
}

async function refusal(p: Promise<unknown>): Promise<Refusal> {
  const err = await p.then(
    () => {
      throw new Error("expected the call to be refused");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCClientError);
  const data = (err as TRPCClientError<AppRouter>).data as { httpStatus: number; code: string; issues: Refusal["issues"] | null };
  return { status: data.httpStatus, code: data.code, issues: data.issues ?? [] };
}

async function exists(id: string): Promise<boolean> {
  return client.workflows.get.query({ id }).then(
    () => true,
    (e: unknown) => {
      if ((e as TRPCClientError<AppRouter>).data?.code === "NOT_FOUND") return false;
      throw e;
    },
  );
}

describe("workflows API and the strict graph format", () => {
  it("create: unknown fields on a node's config, a node, an edge and the graph → 400 naming each path; nothing is written", async () => {
    const g = qaAs("strict_create");
    const answer = g.nodes.find((n) => n.id === "answer")!;
    Object.assign(answer.config, { toolChoice: "auto", maxTokenz: 3, vectorStore: { kind: "buffer" } });
    Object.assign(g.nodes[0], { collapsed: true });
    Object.assign(g.edges[0], { weight: 2 });
    g.owner = "me";
    const r = await refusal(client.workflows.create.mutate({ graph: g }));
    expect(r.status).toBe(400);
    expect(r.code).toBe("BAD_REQUEST");
    const where = r.issues.map((i) => [i.nodeId ?? i.edgeId ?? "(graph)", i.field]);
    expect(where).toEqual(
      expect.arrayContaining([
        ["answer", "config.toolChoice"],
        ["answer", "config.maxTokenz"],
        ["answer", "config.vectorStore"],
        [g.nodes[0].id, "collapsed"],
        [g.edges[0].id, "weight"],
        ["(graph)", "owner"],
      ]),
    );
    expect(r.issues).toHaveLength(6);
    for (const i of r.issues) expect(i.message).toMatch(/^unrecognized key "\w+" \(not in the graph format; keep your own data under "meta"\)$/);
    expect(await exists("strict_create")).toBe(false);
  });

  it("update and import refuse the same way and add no version", async () => {
    await client.workflows.create.mutate({ graph: qaAs("strict_update") });
    const g = qaAs("strict_update");
    Object.assign(g.nodes.find((n) => n.id === "answer")!.config, { maxToken: 100 });
    const upd = await refusal(client.workflows.update.mutate({ id: "strict_update", graph: g }));
    expect(upd).toMatchObject({ status: 400, issues: [{ nodeId: "answer", field: "config.maxToken" }] });
    const imp = await refusal(client.workflows.import.mutate({ json: JSON.stringify(g) }));
    expect(imp).toMatchObject({ status: 400, issues: [{ nodeId: "answer", field: "config.maxToken" }] });
    expect((await client.workflows.versions.list.query({ id: "strict_update" })).map((v) => v.version)).toEqual([1]);
  });

  it("tools on an AI node: well-formed ones are saved and come back; a malformed tool → 400 naming the node and field", async () => {
    const calc = { kind: "expression", name: "calc", description: "Evaluates arithmetic.", expression: "expression|calc", parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] } };
    const g = qaAs("strict_tools");
    Object.assign(g.nodes.find((n) => n.id === "answer")!.config, { tools: [calc], maxToolCalls: 3, toolInstructions: "Use the calculator." });
    await client.workflows.create.mutate({ graph: g });
    const stored = (await client.workflows.get.query({ id: "strict_tools" })).graph;
    expect(stored.nodes.find((n) => n.id === "answer")!.config).toMatchObject({ tools: [{ name: "calc", kind: "expression" }], maxToolCalls: 3, toolInstructions: "Use the calculator." });
    const bad = qaAs("strict_tools");
    Object.assign(bad.nodes.find((n) => n.id === "answer")!.config, { tools: [calc, { ...calc, parameters: { type: "object", properties: { x: { type: "strnig" } } } }], maxToolCalls: 0 });
    const r = await refusal(client.workflows.update.mutate({ id: "strict_tools", graph: bad }));
    expect(r.status).toBe(400);
    expect(r.issues.map((i) => [i.nodeId, i.field])).toEqual(
      expect.arrayContaining([
        ["answer", "config.tools.1.parameters.properties.x.type"],
        ["answer", "config.maxToolCalls"],
      ]),
    );
    expect((await client.workflows.versions.list.query({ id: "strict_tools" })).map((v) => v.version)).toEqual([1]);
  });

  it("NUL, a right-to-left override or a lone surrogate in a name or label → 400 naming the field and the character", async () => {
    const cases: Array<[string, (g: Graph) => void, { nodeId?: string; field: string }, string]> = [
      ["NUL in the name", (g) => (g.name = "qa\u0000copy"), { field: "name" }, "U+0000"],
      ["RLO in a label", (g) => (g.nodes.find((n) => n.id === "answer")!.label = "answer\u202Etxt.exe"), { nodeId: "answer", field: "label" }, "U+202E"],
      ["lone surrogate in the prompt", (g) => ((g.nodes.find((n) => n.id === "answer")!.config as { prompt: string }).prompt = "{{ inputs.question }}\uD800"), { nodeId: "answer", field: "config.prompt" }, "U+D800"],
    ];
    for (const [what, mutate, where, code] of cases) {
      const g = qaAs("strict_text");
      mutate(g);
      // Sent as JSON text so the lone surrogate reaches the server as it is (an escaped \ud800).
      const r = await refusal(client.workflows.import.mutate({ json: JSON.stringify(g) }));
      expect(r.status, what).toBe(400);
      expect(r.issues, what).toEqual([{ ...where, message: expect.stringContaining(code) }]);
    }
    expect(await exists("strict_text")).toBe(false);
  });

  it("meta on the graph, a node and an edge comes back exactly through create, get, export and re-import", async () => {
    const meta = { owner: "support", tags: ["β", "prod"], ui: { collapsed: false, zoom: 1.25, note: null }, "x-tool": { v: [1, [2, { three: 3 }]] } };
    const g = qaAs("strict_meta");
    g.meta = meta;
    g.nodes[1].meta = { ...meta, only: "node" };
    g.edges[0].meta = { only: "edge" };
    const created = await client.workflows.create.mutate({ graph: g });
    expect(created.workflow.version).toBe(1);
    const stored = (await client.workflows.get.query({ id: "strict_meta" })).graph;
    expect(JSON.stringify(stored.meta)).toBe(JSON.stringify(meta));
    expect(JSON.stringify(stored.nodes[1].meta)).toBe(JSON.stringify({ ...meta, only: "node" }));
    expect(stored.edges[0].meta).toEqual({ only: "edge" });
    const exported = await client.workflows.export.query({ id: "strict_meta" });
    expect(JSON.parse(exported).meta).toEqual(meta);
    // Re-importing the exported file changes nothing: same checksum, no new version.
    const again = await client.workflows.import.mutate({ json: exported });
    expect(again.newVersion).toBe(false);
    expect(again.workflow.version).toBe(1);
  });
});
