/**
 * The optimize body parser and its defaults, as pure functions under hostile input: any JSON body
 * is either a config the engine accepts or a ZodError / RestError whose every issue names a field
 * of the body — never another error (which would be a 500).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { ZodError } from "zod";
import { describe, expect, it } from "vitest";
import { OptimizeConfigSchema, parseGraph } from "../../engine/index.js";
import { RestError, toRestError } from "./errors.js";
import { OptimizeBodySchema, resolveOptimizeRequest } from "./optimize-request.js";
import { parseBody } from "./parse-body.js";
import { resolveOptimizeFlags, type OptimizeFlags } from "../../cli/commands/optimize-config.js";

const qa = parseGraph(JSON.parse(readFileSync(path.join(import.meta.dirname, "../../examples/qa.flow.json"), "utf8")));
const triage = parseGraph(JSON.parse(readFileSync(path.join(import.meta.dirname, "../../examples/triage.flow.json"), "utf8")));
const datasets = { exists: async (name: string) => name === "qa" };
const FIELDS = ["node_ids", "optimizer", "objective", "limits", "dataset", "optimizer_node", "seed", ""];

// Bodies near the contract's shape (valid and broken values mixed), and arbitrary JSON.
const nearBody = fc.record(
  {
    node_ids: fc.oneof(fc.constant(["answer"]), fc.constant([]), fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }), fc.jsonValue({ maxDepth: 1 })),
    optimizer: fc.oneof(fc.constantFrom("random", "nsga2", "magic"), fc.jsonValue({ maxDepth: 1 })),
    objective: fc.oneof(
      fc.record({ metric: fc.constantFrom("grade", "tokens", "nope", ""), direction: fc.constantFrom("maximize", "minimize", "max", "min", "up") }),
      fc.array(fc.record({ metric: fc.constantFrom("grade", "tokens"), direction: fc.constantFrom("maximize", "min", 1) }), { maxLength: 3 }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    limits: fc.oneof(fc.record({ iterations: fc.oneof(fc.integer({ min: -2, max: 20_000 }), fc.double()), time_seconds: fc.double() }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 1 })),
    dataset: fc.oneof(fc.constantFrom("qa", "nope", "", " ", "a\u0000b", "x\u202Ey"), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
    optimizer_node: fc.oneof(fc.constantFrom("tune", "answer", "ghost"), fc.jsonValue({ maxDepth: 1 })),
    seed: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 3 })),
  },
  { requiredKeys: [] },
);
const anyBody = fc.oneof(nearBody, fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }));

describe("POST …/optimize body", () => {
  it("any body: a valid engine config, or a 4xx whose issues name body fields", async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, fc.constantFrom(qa, triage), async (body, graph) => {
        try {
          const { config, dataset } = await resolveOptimizeRequest(parseBody(OptimizeBodySchema, body), graph, datasets);
          expect(OptimizeConfigSchema.safeParse(config).success).toBe(true);
          expect(typeof dataset).toBe("string");
        } catch (err) {
          expect(err instanceof ZodError || err instanceof RestError, String(err)).toBe(true);
          const { status, body: reply } = toRestError(err);
          expect([400, 404]).toContain(status);
          for (const issue of reply.error.issues ?? []) expect(FIELDS, JSON.stringify(issue)).toContain(issue.path.split(".")[0]);
        }
      }),
      { numRuns: 400, seed: 6 },
    );
  });

  it("maps the contract's directions and defaults from the optimizer node", async () => {
    const r = await resolveOptimizeRequest(parseBody(OptimizeBodySchema, { objective: [{ metric: "grade", direction: "maximize" }, { metric: "tokens", direction: "minimize" }] }), qa, datasets);
    expect(r).toMatchObject({ dataset: "qa", config: { targets: ["answer"], strategy: "nsga2", objectives: [{ metric: "grade", direction: "max" }, { metric: "tokens", direction: "min" }], limits: { maxCandidates: 24, budgetTokens: 200_000 } } });
  });
});

describe("body limits over the optimizer node's", () => {
  // The optimizer node with every limit set, so that any field the merge drops shows.
  const limits = { maxCandidates: 24, maxTimeMs: 600_000, budgetTokens: 200_000, budgetCostUsd: 2, holdoutReserve: 0.3 };
  const full = parseGraph({
    ...JSON.parse(readFileSync(path.join(import.meta.dirname, "../../examples/qa.flow.json"), "utf8")),
    nodes: qa.nodes.map((n) => (n.kind === "optimizer" ? { ...n, config: { ...n.config, limits } } : n)),
  });
  const resolve = async (body: unknown, graph = full) => OptimizeConfigSchema.parse((await resolveOptimizeRequest(parseBody(OptimizeBodySchema, body), graph, datasets)).config);

  it("override field by field: a body with only iterations keeps the node's budget, time limit and reserve", async () => {
    expect((await resolve({ limits: { iterations: 3 } }, qa)).limits).toEqual({ maxCandidates: 3, budgetTokens: 200_000 });
    expect((await resolve({ limits: { iterations: 3 } })).limits).toEqual({ ...limits, maxCandidates: 3 });
    expect((await resolve({ limits: { time_seconds: 1.5, max_tokens: 5000 } })).limits).toEqual({ ...limits, maxTimeMs: 1500, budgetTokens: 5000 });
    expect((await resolve({ limits: { max_cost_usd: 0.5 } })).limits).toEqual({ ...limits, budgetCostUsd: 0.5 });
    expect((await resolve({ limits: {} })).limits).toEqual(limits);
    expect((await resolve({})).limits).toEqual(limits);
  });

  it("give the effective config the CLI gives for the same inputs (--optimizer tune --max-candidates 3 …)", async () => {
    const cases: Array<[body: Record<string, unknown>, flags: OptimizeFlags]> = [
      [{ limits: { iterations: 3 } }, { optimizer: "tune", maxCandidates: "3" }],
      [{ limits: { max_tokens: 5000 } }, { optimizer: "tune", budgetTokens: "5000" }],
      [{ limits: { iterations: 2, max_cost_usd: 0.25 }, seed: 9, optimizer: "random" }, { optimizer: "tune", maxCandidates: "2", budgetCost: "0.25", seed: "9", strategy: "random" }],
    ];
    for (const [body, flags] of cases) {
      expect(await resolve({ optimizer_node: "tune", ...body }), JSON.stringify(body)).toEqual(resolveOptimizeFlags(full, flags).config);
    }
  });
});
