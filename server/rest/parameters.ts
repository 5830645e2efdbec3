/**
 * REST: a node's production parameters, and promote/rollback of its production pointer
 * (`/api/workflows/{workflow_id}/parameters/{node_id}[/promote|/rollback]`).
 */
import { z } from "zod";
import { ReasonSchema } from "../../engine/schema/labels.js";
import { effectiveParams, type EffectiveNode } from "../services/managed-edits.js";
import type { ParameterVersionRecord } from "../store/parameters.js";
import { RestError } from "./errors.js";
import { parseBody } from "./parse-body.js";
import type { RestRoute } from "./types.js";

const VERSION_HINT = 'must be a version number: 2, "2" or "v2"';

/** A version as the contract writes it ("v3", a string) or as a number: 2, "2", "v2" all mean version 2. */
export const VersionRefSchema = z
  .union([z.number().int({ error: VERSION_HINT }).min(1, { error: VERSION_HINT }), z.string().regex(/^[vV]?[1-9][0-9]{0,8}$/, { error: VERSION_HINT })], { error: VERSION_HINT })
  .transform((v) => (typeof v === "number" ? v : Number(v.replace(/^v/i, ""))));
const Reason = ReasonSchema;

/** Body of POST …/promote. */
export const PromoteBodySchema = z.strictObject({ version: VersionRefSchema, reason: Reason });
/** Body of POST …/rollback (without `to`: undo the last promotion). */
export const RollbackBodySchema = z.strictObject({ to: VersionRefSchema.optional(), version: VersionRefSchema.optional(), reason: Reason }).refine((b) => b.to === undefined || b.version === undefined, {
  error: "give the target version as `to` or as `version`, not both",
  path: ["version"],
});

/** 200 reply of GET …/parameters/{node_id}. */
export const ProductionParametersSchema = z.object({
  version: z.number().int(),
  parameters: z.record(z.string(), z.unknown()),
  metadata: z.object({
    status: z.enum(["draft", "candidate", "production", "archived"]),
    checksum: z.string(),
    metrics: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    author: z.string(),
    source_candidate: z.number().int().optional(),
    optimization_run_id: z.string().optional(),
    dataset_id: z.string().optional(),
  }),
});
export type ProductionParameters = z.infer<typeof ProductionParametersSchema>;

/** 200 replies of promote and rollback. */
export const PromotedSchema = z.object({ status: z.literal("promoted"), active_version: z.number().int() });
export const RolledBackSchema = z.object({ status: z.literal("rolled_back"), active_version: z.number().int() });

/** 200 reply of GET …/parameters: what each AI node of the latest graph runs. */
export const EffectiveParametersSchema = z.object({
  workflow_id: z.string(),
  workflow_version: z.number().int(),
  nodes: z.array(
    z.object({
      node_id: z.string(),
      /** A production version other than v1 runs instead of the graph's own fields. */
      managed: z.boolean(),
      version: z.number().int(),
      parameters: z.record(z.string(), z.unknown()),
      managed_fields: z.array(z.string()),
      divergent_fields: z.array(z.string()),
      pending_draft: z.object({ version: z.number().int(), fields: z.array(z.string()), base_version: z.number().int() }).nullable(),
    }),
  ),
});
export type EffectiveParameters = z.infer<typeof EffectiveParametersSchema>;

/** The wire form of one node's effective parameters. */
function toEffectiveWire(n: EffectiveNode): EffectiveParameters["nodes"][number] {
  return {
    node_id: n.nodeId,
    managed: n.managed,
    version: n.version,
    parameters: n.params as unknown as Record<string, unknown>,
    managed_fields: n.managedFields,
    divergent_fields: n.divergentFields,
    pending_draft: n.pendingDraft ? { version: n.pendingDraft.version, fields: n.pendingDraft.fields, base_version: n.pendingDraft.baseVersion } : null,
  };
}

/** The wire form of a parameter version. */
export function toProductionParameters(v: ParameterVersionRecord): ProductionParameters {
  return {
    version: v.version,
    parameters: v.params as unknown as Record<string, unknown>,
    metadata: {
      status: v.status,
      checksum: v.checksum,
      metrics: v.metrics ?? {},
      created_at: v.createdAt.toISOString(),
      author: v.actor,
      ...(v.sourceCandidateId != null ? { source_candidate: v.sourceCandidateId } : {}),
      ...(v.optimizationRunId ? { optimization_run_id: v.optimizationRunId } : {}),
      ...(v.datasetId ? { dataset_id: v.datasetId } : {}),
    },
  };
}

const BASE = "/api/workflows/{workflow_id}/parameters/{node_id}";

/** The parameter endpoints; unknown workflow, node or version → 404, an impossible move → 409 (store errors). */
export const parameterRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/api/workflows/{workflow_id}/parameters",
    role: "viewer",
    async handler({ params, services, access }) {
      access.workflow(params.workflow_id);
      const wf = await services.workflows.get(params.workflow_id);
      if (!wf) throw new RestError(404, "NOT_FOUND", `workflow "${params.workflow_id}" not found`);
      const nodes = await effectiveParams(services.parameters, wf.id, wf.graph);
      return { status: 200, body: { workflow_id: wf.id, workflow_version: wf.version, nodes: nodes.map(toEffectiveWire) } };
    },
  },
  {
    method: "GET",
    path: BASE,
    role: "viewer",
    async handler({ params, services, principal, access }) {
      access.workflow(params.workflow_id);
      const { production, versions } = await services.parameters.listVersions(params.workflow_id, params.node_id, principal.name);
      return { status: 200, body: toProductionParameters(versions.find((v) => v.version === production)!) };
    },
  },
  {
    method: "POST",
    path: `${BASE}/promote`,
    role: "editor",
    async handler({ params, body, services, principal, access }) {
      access.workflow(params.workflow_id);
      const { version, reason } = parseBody(PromoteBodySchema, body);
      const moved = await services.parameters.promote({ workflowId: params.workflow_id, nodeId: params.node_id, version, reason, actor: principal.name });
      return { status: 200, body: { status: "promoted", active_version: moved.to } };
    },
  },
  {
    method: "POST",
    path: `${BASE}/rollback`,
    role: "editor",
    async handler({ params, body, services, principal, access }) {
      access.workflow(params.workflow_id);
      const parsed = parseBody(RollbackBodySchema, body);
      const { reason } = parsed;
      const to = parsed.to ?? parsed.version;
      const moved = await services.parameters.rollback({ workflowId: params.workflow_id, nodeId: params.node_id, to, reason, actor: principal.name });
      return { status: 200, body: { status: "rolled_back", active_version: moved.to } };
    },
  },
];
