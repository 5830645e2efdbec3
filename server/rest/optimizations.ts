/**
 * REST: start an optimization (`POST /api/workflows/{workflow_id}/optimize`) and read its state
 * (`GET /api/optimizations/{run_id}`). Wire names are snake_case; the service speaks the engine's config.
 */
import { z } from "zod";
import type { OptimizationRunRecord } from "../store/optimizations.js";
import type { AppServices } from "../services/app.js";
import { RestError } from "./errors.js";
import { OptimizeBodySchema, resolveOptimizeRequest } from "./optimize-request.js";
import { parseBody } from "./parse-body.js";
import type { RestRoute } from "./types.js";

export { OptimizeBodySchema, type OptimizeBody } from "./optimize-request.js";

/** 202 reply of the optimize endpoint. */
export const OptimizeAcceptedSchema = z.object({ run_id: z.string(), status: z.literal("running") });

/** 200 reply of GET /api/optimizations/{run_id}. */
export const OptimizationStateSchema = z.object({
  run_id: z.string(),
  status: z.enum(["running", "completed", "failed", "cancelled", "interrupted"]),
  workflow_id: z.string(),
  node_ids: z.array(z.string()),
  /** Validation candidates evaluated so far (the baseline included). */
  candidates: z.number().int(),
  best: z.unknown().optional(),
  baseline: z.unknown().optional(),
  pareto: z.unknown().optional(),
  /** Totals of every model call the run made (candidates, minibatches, reflection, test re-scoring), across resumes. */
  tokens_spent: z.number(),
  cost_spent: z.number(),
  llm_calls: z.number().int(),
  /** Why the search stopped (once completed); a budget stop starts with "budget exhausted". */
  stop_reason: z.string().optional(),
  /** True when the budget ended the run. */
  budget_exhausted: z.boolean(),
  started_at: z.string(),
  finished_at: z.string().optional(),
});
export type OptimizationState = z.infer<typeof OptimizationStateSchema>;

// Engine config field → wire field, for located errors (checkConfig reports `targets`, `objectives.0.metric`, …).
const FIELD_NAMES: Record<string, string> = { targets: "node_ids", strategy: "optimizer", objectives: "objective", "limits.maxCandidates": "limits.iterations", "limits.maxTimeMs": "limits.time_seconds", "limits.budgetTokens": "limits.max_tokens", "limits.budgetCostUsd": "limits.max_cost_usd" };

/** Renames an engine config field path to its wire name (prefix match). */
export function wireField(field: string): string {
  // checkConfig locates fields inside an optimizer node's `config`; the REST body has no such level.
  if (field.startsWith("config.")) field = field.slice("config.".length);
  for (const [from, to] of Object.entries(FIELD_NAMES)) {
    if (field === from || field.startsWith(`${from}.`)) return to + field.slice(from.length);
  }
  return field;
}

/** The wire state of a run, with its validation candidate count. */
export async function optimizationState(services: AppServices, run: OptimizationRunRecord): Promise<OptimizationState> {
  let candidates = 0;
  let cursor: number | undefined;
  do {
    const page = await services.optimizer.candidates(run.id, { split: "validation", limit: 1000, cursor });
    candidates += page.candidates.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return {
    run_id: run.id,
    status: run.status,
    workflow_id: run.workflowId,
    node_ids: run.targetNodeIds,
    candidates,
    ...(run.best !== undefined ? { best: run.best } : {}),
    ...(run.baseline !== undefined ? { baseline: run.baseline } : {}),
    ...(run.pareto !== undefined ? { pareto: run.pareto } : {}),
    tokens_spent: run.tokensSpent,
    cost_spent: run.costSpent,
    llm_calls: run.llmCalls,
    ...(run.stopReason !== null ? { stop_reason: run.stopReason } : {}),
    budget_exhausted: run.budgetExhausted,
    started_at: run.startedAt.toISOString(),
    ...(run.finishedAt ? { finished_at: run.finishedAt.toISOString() } : {}),
  };
}

/** The optimization endpoints. */
export const optimizationRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/api/workflows/{workflow_id}/optimize",
    renameField: wireField,
    role: "editor",
    async handler({ params, body, services, principal, access }) {
      access.workflow(params.workflow_id);
      const parsed = parseBody(OptimizeBodySchema, body);
      const wf = await services.workflows.get(params.workflow_id);
      if (!wf) throw new RestError(404, "NOT_FOUND", `workflow "${params.workflow_id}" not found`);
      // What the body leaves out comes from the workflow's optimizer node (dataset, node_ids, objective, …).
      const { config, dataset } = await resolveOptimizeRequest(parsed, wf.graph, { exists: async (name) => (await services.datasets.get(name, undefined, { limit: 0 })) !== undefined });
      services.auth.takeStart(principal);
      const { runId } = await services.optimizer.start({ workflowId: params.workflow_id, config, dataset, actor: principal.name });
      return { status: 202, body: { run_id: runId, status: "running" } };
    },
  },
  {
    method: "GET",
    path: "/api/optimizations/{run_id}",
    role: "viewer",
    async handler({ params, services, access }) {
      const run = await services.optimizer.get(params.run_id);
      if (!run) throw new RestError(404, "NOT_FOUND", `optimization run "${params.run_id}" not found`);
      access.workflow(run.workflowId);
      return { status: 200, body: await optimizationState(services, run) };
    },
  },
];
