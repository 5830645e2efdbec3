/**
 * The body of `POST /api/workflows/{workflow_id}/optimize` as the contract specifies it (node_ids,
 * optimizer, objective {metric, direction: "maximize" | "minimize"}, limits {iterations,
 * time_seconds}), and how the workflow's optimizer node fills in what the body leaves out.
 */
import { z } from "zod";
import { NodeIdSchema, OPTIMIZER_STRATEGIES, type Graph, type OptimizeConfigInput } from "../../engine/browser.js";
import { datasetNameCandidates } from "../../engine/dataset/ref.js";
import { configOfOptimizerNode, optimizerNodesFor, type OptimizerNode } from "../../engine/optimize/from-node.js";
import { DatasetNameSchema } from "../../engine/schema/labels.js";
import { RestError, type RestIssue } from "./errors.js";

// The contract's words, and the engine's short forms as aliases.
const Direction = z
  .enum(["maximize", "minimize", "max", "min"], { error: 'direction must be "maximize" or "minimize" (or "max" / "min")' })
  .transform((d): "max" | "min" => (d.startsWith("max") ? "max" : "min"));

const Objective = z.strictObject({ metric: z.string().min(1).max(200), direction: Direction });

const DEFAULTED = "Defaults to the workflow's optimizer node targeting node_ids (see optimizer_node).";

/** Body of POST /api/workflows/{workflow_id}/optimize. */
export const OptimizeBodySchema = z.strictObject({
  node_ids: z.array(NodeIdSchema).min(1).optional().describe(`AI nodes to tune. ${DEFAULTED}`),
  optimizer: z.enum(OPTIMIZER_STRATEGIES).optional().describe(`Search strategy. ${DEFAULTED}`),
  objective: z.union([Objective, z.array(Objective).min(1)]).optional().describe(`One objective or several (the first is the primary). ${DEFAULTED}`),
  limits: z
    .strictObject({
      iterations: z.number().int().min(1).max(10_000).optional(),
      time_seconds: z.number().positive().optional(),
      /** Hard token budget (the server's cap applies when absent). */
      max_tokens: z.number().int().positive().optional(),
      /** Hard cost budget in USD (the server's cap applies when absent). */
      max_cost_usd: z.number().positive().optional(),
    })
    .optional()
    .describe(
      "Overrides the optimizer node's limits field by field (iterations → maxCandidates, time_seconds → maxTimeMs, max_tokens → budgetTokens, max_cost_usd → budgetCostUsd); fields it does not name keep the node's values (no node: 24 candidates, the server's budget caps).",
    ),
  dataset: DatasetNameSchema.optional().describe(
    "An imported dataset's name or id. Defaults to the dataset the optimizer node names (its name, or the stem of the file it names: examples/qa.dataset.jsonl → qa).",
  ),
  optimizer_node: NodeIdSchema.optional().describe("The optimizer node supplying the defaults, when the workflow has several for these node_ids."),
  seed: z.number().int().optional(),
});
export type OptimizeBody = z.infer<typeof OptimizeBodySchema>;

/** What the lookups of a request need: whether a dataset name exists. */
export interface DatasetLookup {
  exists(name: string): Promise<boolean>;
}

/** A located 400 (INPUT_INVALID) naming each field. */
function invalid(issues: RestIssue[]): RestError {
  return new RestError(400, "INPUT_INVALID", issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
}

/**
 * The optimizer node the defaults come from: `optimizer_node`, else the one node whose targets
 * include every node id asked for. `ambiguous` lists the candidates when there are several.
 */
function sourceNode(graph: Graph, body: OptimizeBody): { node?: OptimizerNode; ambiguous?: string[] } {
  if (body.optimizer_node !== undefined) {
    const node = optimizerNodesFor(graph).find((n) => n.id === body.optimizer_node);
    if (!node) throw invalid([{ path: "optimizer_node", message: `"${body.optimizer_node}" is not an optimizer node of workflow "${graph.id}"` }]);
    const missing = (body.node_ids ?? []).filter((t) => !node.config.targets.includes(t));
    if (missing.length) throw invalid([{ path: "node_ids", message: `optimizer node "${node.id}" does not target ${missing.join(", ")}` }]);
    return { node };
  }
  const nodes = optimizerNodesFor(graph, body.node_ids);
  return nodes.length === 1 ? { node: nodes[0] } : { ambiguous: nodes.length > 1 ? nodes.map((n) => n.id) : undefined };
}

/**
 * The engine config and dataset name of a request: the body's fields, and for each one it leaves
 * out, the optimizer node's (with the node's search space, constraints, split, regression
 * tolerance, concurrency and reflection settings, which the body has no fields for; `limits`
 * overrides the node's limits field by field, as the CLI's flags do). 400 naming
 * every field that is missing with nothing to default it from; 404 naming `dataset` when the
 * node's dataset was never imported.
 */
export async function resolveOptimizeRequest(body: OptimizeBody, graph: Graph, datasets: DatasetLookup): Promise<{ config: OptimizeConfigInput; dataset: string }> {
  const { node, ambiguous } = sourceNode(graph, body);
  const from = node ? configOfOptimizerNode(node) : undefined;
  const why = ambiguous
    ? `required: workflow "${graph.id}" has several optimizer nodes for these node_ids (${ambiguous.join(", ")}); name one in optimizer_node`
    : `required: workflow "${graph.id}" has no optimizer node${body.node_ids ? ` targeting ${body.node_ids.join(", ")}` : ""} to take it from`;
  const issues: RestIssue[] = [];
  for (const field of ["node_ids", "optimizer", "objective"] as const) if (body[field] === undefined && !from) issues.push({ path: field, message: why });
  const ref = body.dataset ?? from?.dataset;
  if (ref === undefined) issues.push({ path: "dataset", message: from ? `required: optimizer node "${node!.id}" names no dataset` : why });
  if (issues.length) throw invalid(issues);

  const base = from?.config;
  const config: OptimizeConfigInput = {
    ...(base ?? {}),
    targets: body.node_ids ?? base!.targets,
    strategy: body.optimizer ?? base!.strategy,
    objectives: body.objective === undefined ? base!.objectives : Array.isArray(body.objective) ? body.objective : [body.objective],
    // Field by field: `{iterations: 3}` must not drop the node's budget (or its holdout reserve, time limit).
    limits: { ...(base?.limits ?? {}), ...(body.limits ? wireLimits(body.limits) : {}) },
    ...(body.seed !== undefined ? { seed: body.seed } : {}),
  };
  return { config, dataset: body.dataset ?? (await importedName(ref!, node!, datasets)) };
}

/** Maps the wire limits to the engine's. */
export function wireLimits(limits: NonNullable<OptimizeBody["limits"]>): NonNullable<OptimizeConfigInput["limits"]> {
  return {
    ...(limits.iterations !== undefined ? { maxCandidates: limits.iterations } : {}),
    ...(limits.time_seconds !== undefined ? { maxTimeMs: Math.max(1, Math.round(limits.time_seconds * 1000)) } : {}),
    ...(limits.max_tokens !== undefined ? { budgetTokens: limits.max_tokens } : {}),
    ...(limits.max_cost_usd !== undefined ? { budgetCostUsd: limits.max_cost_usd } : {}),
  };
}

// The imported dataset an optimizer node's `dataset` means; the server never opens the file a graph names.
async function importedName(ref: string, node: OptimizerNode, datasets: DatasetLookup): Promise<string> {
  const names = datasetNameCandidates(ref);
  for (const name of names) if (await datasets.exists(name)) return name;
  const hint = names.at(-1)!;
  throw new RestError(404, "NOT_FOUND", `dataset "${ref}" (named by optimizer node "${node.id}") is not an imported dataset; import it as "${hint}" or pass dataset`, [
    { path: "dataset", message: `no imported dataset ${names.map((n) => `"${n}"`).join(" or ")}` },
  ]);
}
