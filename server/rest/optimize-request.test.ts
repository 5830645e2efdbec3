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
