/**
 * API inputs over real HTTP: every REST endpoint and a sample of tRPC mutations (admin token),
 * called with valid requests, valid requests with one field replaced by a hostile value or removed,
 * unknown keys, any JSON at all, unparsable or oversized bodies, nesting past the stack, wrong
 * methods, odd path segments and bad credentials. Never a 5xx; every refusal carries a code and a
 * message, a validation error has issues naming the field that was changed, and a refused
 * mutation writes no row.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileKey, hostileValue, nastyString } from "../../engine/testing/arbitraries.js";
import { Deep, Huge, jsonText, put } from "../../engine/testing/markers.js";
import { restRoutes } from "../rest/router.js";
import { QA_DATASET_TEXT, sseOutcome } from "../test-http.js";
import { REQUEST_MS, rowCounts, restRefusalProblem, send, settle, startFuzzServer, trpcRaw, trpcRefusalProblem, type FuzzServer, type TrpcErrorShape } from "./helpers.js";

let server: FuzzServer;

/** Ids of things that exist, filled as the properties create them: `$run` in an input becomes one of these. */
const real: Record<string, string[]> = { $run: [], $opt: [], $token: [], $promotable: [], $victim: [], $victimDataset: [] };

beforeAll(async () => {
  server = await startFuzzServer("fuzz-api");
  const { services } = server.app;
  // A candidate parameter version to promote, a workflow and a dataset that may be deleted.
  const answer = (await services.workflows.get("qa"))!.graph.nodes.find((n) => n.id === "answer")!;
  if (answer.kind !== "ai") throw new Error("qa.answer must be an AI node");
  const { version } = await services.parameters.createVersion({ workflowId: "qa", nodeId: "answer", params: { ...answer.config, temperature: 0.5 }, actor: "fuzz" });
  real.$promotable.push(String(version.version));
  await services.workflows.save({ ...(await services.workflows.get("qa"))!.graph, id: "fz_victim", name: "victim" });
  real.$victim.push("fz_victim");
  await services.datasets.importDataset({ name: "fz_victim_ds", fileName: "v.jsonl", text: QA_DATASET_TEXT });
  real.$victimDataset.push("fz_victim_ds");
});

afterAll(async () => {
  await server?.app.close();
});

/** The input with placeholders (`$run`, `$promotable`, …) replaced by real ids (or "missing" when there is none yet). */
function resolve(v: unknown, pick: number): unknown {
  if (typeof v === "string" && v.startsWith("$") && Object.hasOwn(real, v)) {
    const pool = real[v];
    if (!pool.length) return "missing";
    const id = pool[pick % pool.length];
    return v === "$promotable" ? Number(id) : id;
  }
  if (Array.isArray(v)) return v.map((x) => resolve(x, pick));
  if (v !== null && typeof v === "object" && !(v instanceof Deep) && !(v instanceof Huge)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) put(out, k, resolve(x, pick));
    return out;
  }
  return v;
}

/** What a sample sends: an input, and the field it changed from a valid one (if any). */
interface Sample {
  input: unknown;
  changed?: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Deep) && !(v instanceof Huge);

/**
 * A valid input, or that input with one field (at any depth) replaced by a hostile value or
 * removed, or with an unknown key added, or any value at all (nesting past the stack and huge
 * text included). `changed` is the dotted path of the field that was changed.
 */
function nearly(valid: Record<string, unknown>): fc.Arbitrary<Sample> {
  const keys = Object.keys(valid);
  // With no field to change, an unknown key or another value stands in.
  const oneOff = keys.length
    ? fc.constantFrom(...keys).chain((key) => {
        const sub = valid[key];
        const replacement: fc.Arbitrary<Sample> = isPlainObject(sub) && Object.keys(sub).length ? fc.oneof(hostileValue.map((input) => ({ input })), nearly(sub)) : hostileValue.map((input) => ({ input }));
        return fc.record({ r: replacement, drop: fc.boolean() }).map(({ r, drop }): Sample => {
          const input: Record<string, unknown> = { ...valid };
          if (drop) delete input[key];
          else input[key] = r.input;
          return { input, changed: drop ? key : r.input === sub ? undefined : r.changed ? `${key}.${r.changed}` : key };
        });
      })
    : hostileValue.map((input): Sample => ({ input }));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant<Sample>({ input: valid }) },
    { weight: 6, arbitrary: oneOff },
    {
      weight: 1,
      arbitrary: fc.record({ key: hostileKey, value: hostileValue }).map(({ key, value }): Sample => {
        const input: Record<string, unknown> = { ...valid };
        put(input, key, value);
        return { input };
      }),
    },
    { weight: 1, arbitrary: fc.oneof(hostileValue, fc.constantFrom<unknown>(new Huge("x", 2_000_000), new Deep(50_000, "object"))).map((input): Sample => ({ input })) },
  );
}

// ---------------------------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------------------------

/** Percent-encodes a segment; a lone surrogate (which encodeURIComponent refuses) is sent as its raw UTF-8 bytes' encoding. */
function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s) || "x";
  } catch {
    return "%ED%A0%80";
  }
}

/** Odd path segments: text, malformed percent-encoding, long ones, prototype names. */
const oddSegment = fc.oneof(
  fc.oneof(nastyString, fc.string({ maxLength: 12 })).map(encodeSegment),
  fc.constantFrom("%ZZ", "%00", "..", "a%2Fb", "%E0%A4%A", "x".repeat(3_000), "%F0%9F%98%80", "__proto__", "constructor"),
);

// The valid path parameters and body of each endpoint (small optimizations, so that some starts succeed).
const VALID_PARAMS: Record<string, string> = { workflow_id: "qa", node_id: "answer", run_id: "$opt" };
const VALID_BODY: Record<string, Record<string, unknown> | undefined> = {
  "POST /api/workflows/{workflow_id}/optimize": { node_ids: ["answer"], optimizer: "random", objective: { metric: "grade", direction: "maximize" }, limits: { iterations: 1, max_tokens: 20_000 }, dataset: "qa", seed: 1 },
  "POST /api/workflows/{workflow_id}/parameters/{node_id}/promote": { version: "$promotable", reason: "fuzz" },
  "POST /api/workflows/{workflow_id}/parameters/{node_id}/rollback": { reason: "fuzz" },
  "POST /api/auth/login": { token: "$editorToken" },
  "POST /api/auth/logout": {},
};

describe("every REST endpoint with random requests", () => {
  it("never 5xx; a refusal has a code and a message (INPUT_INVALID: issues naming the changed field); a refused POST writes nothing", async () => {
    let ok = 0;
    let refused = 0;
    const request = fc.constantFrom(...restRoutes).chain((route) => {
      const key = `${route.method} ${route.path}`;
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      return fc.record({
        route: fc.constant(route),
        method: fc.oneof({ weight: 8, arbitrary: fc.constant<string>(route.method) }, { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH") }),
        params: fc.tuple(...names.map((n) => fc.oneof({ weight: 5, arbitrary: fc.constant(VALID_PARAMS[n]) }, { weight: 1, arbitrary: oddSegment })), fc.constant("")),
        body: fc.oneof(
          { weight: 8, arbitrary: nearly(VALID_BODY[key] ?? {}) },
          { weight: 1, arbitrary: fc.constantFrom<Sample & { raw?: string }>({ input: undefined }, { input: undefined, raw: "{" }, { input: undefined, raw: "nul" }, { input: undefined, raw: '{"a":1}{"b":2}' }, { input: undefined, raw: "\u0000" }) },
        ),
        auth: fc.constantFrom("admin", "admin", "admin", "admin", "editor", "none", "garbage"),
        pick: fc.nat(),
      });
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route, method, params, body, auth, pick }) => {
        real.$editorToken = [server.editor];
        let i = 0;
        const urlPath = route.path.replace(/\{\w+\}/g, () => encodeSegment(String(resolve(params[i++], pick))).replace(/%25/g, "%"));
        const token = auth === "admin" ? server.admin : auth === "editor" ? server.editor : auth === "garbage" ? "ft_garbage" : undefined;
        const raw = (body as { raw?: string }).raw;
        const text = raw ?? (body.input === undefined ? undefined : jsonText(resolve(body.input, pick)));
        const before = await rowCounts(server);
        const r = await send(`${server.app.url}${urlPath}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {}, body: method === "GET" || method === "HEAD" ? undefined : text });
        const after = await rowCounts(server);
        const what = `${method} ${urlPath.slice(0, 200)} ${text?.slice(0, 200)}`;
        expect(r.status, `${what}: ${JSON.stringify(r.body).slice(0, 400)}`).toBeLessThan(500);
        if (r.status < 400) {
          ok++;
          const runId = (r.body as { run_id?: string }).run_id;
          if (runId) real.$opt.push(runId);
          await settle(server);
          return;
        }
        refused++;
        expect(restRefusalProblem(r), what).toBeUndefined();
        if (method !== "GET") expect(after, `rows written by a refused ${what}`).toEqual(before);
        const error = (r.body as { error: { code: string; issues?: Array<{ path: string }> } }).error;
        if (error.code === "INPUT_INVALID" && body.changed && method === route.method && auth !== "none" && auth !== "garbage") {
          // The top-level field: a single `objective` object is checked as the first of a list (`objective.0.metric`).
          const top = body.changed.split(".")[0];
          const paths = (error.issues ?? []).map((x) => x.path);
          expect(paths.some((p) => p === top || p.startsWith(`${top}.`)), `${what}: issues ${JSON.stringify(paths)} do not name ${body.changed}`).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
    expect(ok).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(50);
    expect(server.faults).toEqual([]);
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------
// tRPC
// ---------------------------------------------------------------------------------------------

const OPTIMIZE_CONFIG = { targets: ["answer"], strategy: "random", objectives: [{ metric: "grade", direction: "max" }], limits: { maxCandidates: 1, budgetTokens: 20_000 }, seed: 1 };

/** A sample of tRPC mutations, each with a valid input (placeholders name real ids). */
const MUTATIONS: Array<[string, Record<string, unknown>]> = [
  ["runs.start", { workflowId: "qa", inputs: { question: "What is 2 + 3?" } }],
  ["runs.rerun", { runId: "$run", fromNodeId: "answer" }],
  ["runs.cancel", { runId: "$run" }],
  ["runs.pause", { runId: "$run" }],
  ["optimizations.start", { workflowId: "qa", config: OPTIMIZE_CONFIG, dataset: "qa" }],
  ["optimizations.resume", { runId: "$opt" }],
  ["optimizations.cancel", { runId: "$opt" }],
  ["optimizations.saveCandidate", { runId: "$opt", index: 0 }],
  ["parameters.promote", { workflowId: "qa", nodeId: "answer", version: "$promotable", reason: "fuzz" }],
  ["parameters.rollback", { workflowId: "qa", nodeId: "answer", reason: "fuzz" }],
  ["auth.tokens.create", { name: "fuzz token", role: "viewer", workflows: ["qa"], expiresInDays: 1 }],
  ["auth.tokens.revoke", { id: "$token" }],
  ["auth.invite", { name: "guest", role: "viewer" }],
  ["workflows.versions.restore", { id: "qa", version: 1 }],
  ["workflows.delete", { id: "$victim" }],
  ["datasets.delete", { nameOrId: "$victimDataset" }],
];

describe("a sample of tRPC mutations with random inputs (admin token)", () => {
  it("never 5xx; a refusal has a code and a message, a validation error issues naming the changed field; a refused mutation writes nothing", async () => {
    let ok = 0;
    let refused = 0;
    const call = fc.constantFrom(...MUTATIONS).chain(([procPath, valid]) => fc.record({ procPath: fc.constant(procPath), sample: nearly(valid), pick: fc.nat() }));
    await fc.assert(
      fc.asyncProperty(call, async ({ procPath, sample, pick }) => {
        const input = resolve(sample.input, pick);
        const before = await rowCounts(server);
        const r = await trpcRaw(server, procPath, "mutation", input === undefined ? "" : jsonText(input));
        const after = await rowCounts(server);
        expect(r.status, `${procPath}: ${JSON.stringify(r.body).slice(0, 400)}`).toBeLessThan(500);
        if (r.status === 200) {
          ok++;
          const data = (r.body as { result: { data: { runId?: string; token?: { id: string } } } }).result.data;
          if (data.token?.id) real.$token.push(data.token.id);
          if (data.runId) {
            const isRun = procPath.startsWith("runs.");
            real[isRun ? "$run" : "$opt"].push(data.runId);
            // What was started can be followed to its end: its event stream never fails.
            if (!isRun) await settle(server);
            const stream = await sseOutcome(server.app.url, isRun ? "runs.events" : "optimizations.progress", { runId: data.runId }, { authorization: `Bearer ${server.admin}` }, REQUEST_MS);
            expect(stream, `${procPath} → events of ${data.runId}`).toMatchObject({ ok: true, status: 200 });
          }
          await settle(server);
          return;
        }
        refused++;
        expect(trpcRefusalProblem(r), procPath).toBeUndefined();
        expect(after, `rows written by a refused ${procPath}`).toEqual(before);
        const { data, message } = (r.body as { error: TrpcErrorShape }).error;
        if (data.code === "BAD_REQUEST" && data.flowtuneCode === null) {
          // An input validation error: issues, each naming a field of the input (the whole input only when it is not an object).
          expect(data.issues?.length, `${procPath}: ${message}`).toBeGreaterThan(0);
          const fields = data.issues!.map((i) => i.field ?? "");
          if (isPlainObject(input)) expect(fields.every(Boolean), `${procPath}: ${JSON.stringify(data.issues)}`).toBe(true);
          if (sample.changed) expect(fields.some((f) => f === sample.changed || f.startsWith(`${sample.changed}.`)), `${procPath}: ${JSON.stringify(fields)} do not name ${sample.changed}`).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
    expect(ok).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(50);
    expect(server.faults).toEqual([]);
  }, 180_000);
});

// Exact reproductions of what the properties found (each was a 500, a stuck run or an unlocated issue before the fix).
describe("regressions found by fuzzing", () => {
  it("runs.start with an input nested past the stack: 400 naming the input, no run stored (was: a run stuck `running` and runs.events failing with 500)", async () => {
    const before = await rowCounts(server, ["run"]);
    const r = await trpcRaw(server, "runs.start", "mutation", `{"workflowId":"qa","inputs":{"question":"q","extra":${new Deep(50_000, "array").text()}}}`);
    expect(r.status).toBe(400);
    expect((r.body as { error: TrpcErrorShape }).error.data).toMatchObject({ flowtuneCode: "INPUT_INVALID", issues: [{ nodeId: "in", field: "extra", message: 'input "extra" is nested deeper than 64 levels of arrays and objects' }] });
    expect(await rowCounts(server, ["run"])).toEqual(before);
  });

  it("POST /api/auth/login with a token of the wrong type, or neither field: issues name the field (was: one issue with path \"\")", async () => {
    for (const [body, paths] of [[{ token: false }, ["token"]], [{}, ["code", "token"]], [{ code: "a", token: "b" }, ["token"]]] as const) {
      const r = await send(`${server.app.url}/api/auth/login`, { method: "POST", body: JSON.stringify(body) });
      expect(r.status).toBe(400);
      expect((r.body as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path)).toEqual(paths);
    }
  });
});
