/**
 * One truth for tuned parameters. A node is *managed* while its production pointer is on a version
 * other than v1: runs use that version's bundle, not the graph's own fields (v1 is "the graph's
 * own parameters", so an edit of an unmanaged node runs as written). This module is the one place
 * that says, for a stored graph, what each AI node really runs (`effectiveParams`), and the save
 * rule (`saveGraph`): a save that changes a managed field of a managed node creates a *draft*
 * version (production params with the edited fields), records the edit in the audit trail
 * (action `edit`), keeps the edit in the stored graph, and reports it in `managedEdits`;
 * production keeps running its version until the draft is promoted. See docs/parameters.md.
 */
import { AiParamsSchema, canonicalJson, type AiParams, type Graph, type GraphNode } from "../../engine/index.js";
import { normalizeParams, type ParameterVersionRecord } from "../store/parameters.js";
import type { SaveMode, SaveResult, WorkflowStore } from "../store/workflows.js";
import type { ParameterService } from "./parameters.js";

/** The managed fields of an AI node: the keys of its parameter bundle, in schema order. */
export const MANAGED_FIELDS: readonly string[] = Object.keys(AiParamsSchema.shape);

/** The audit action recording a graph edit of a managed node (afterVersion: the draft). */
export const EDIT_ACTION = "edit";

/** The draft that holds the stored graph's edits of a managed node, while it is not in production. */
export interface PendingDraft {
  version: number;
  /** The managed fields the edit changed (the graph still holds the draft's values for them). */
  fields: string[];
  /** The production version the draft was made on. */
  baseVersion: number;
}

/** What one AI node of a stored graph runs. */
export interface EffectiveNode {
  nodeId: string;
  /** True when a production version other than v1 runs instead of the graph's own fields. */
  managed: boolean;
  /** The version that runs (1: the graph's own parameters). */
  version: number;
  /** What a run uses: the production bundle, or the graph's own (defaulted) fields. */
  params: AiParams;
  /** The fields the version store decides for a managed node (empty for an unmanaged one). */
  managedFields: string[];
  /** Managed fields whose stored-graph value is not what runs. */
  divergentFields: string[];
  /** The stored graph's own (defaulted) fields of the node. */
  graphParams: AiParams;
  pendingDraft: PendingDraft | null;
}

/** One managed node changed by a save, and what happened to the edit. */
export interface ManagedEdit {
  nodeId: string;
  /** The managed fields the draft takes from the graph (this save's edits and earlier pending ones). */
  fields: string[];
  /** The version production keeps running. */
  productionVersion: number;
  /** The version holding the edit (new or found by checksum); null when the edit equals production. */
  draftVersion: number | null;
  /** False when an identical version already existed (re-saving the same edit creates nothing). */
  created: boolean;
  /** One sentence for people (the CLI prints it). */
  message: string;
}

export type SaveGraphResult = SaveResult & { managedEdits: ManagedEdit[] };

type Deps = { workflows: WorkflowStore; parameters: ParameterService };
type Production = Map<string, { version: number; params: AiParams }>;

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** The node's own parameters with the schema defaults (a stored graph is valid, so this cannot fail). */
function ownParams(node: GraphNode & { kind: "ai" }): AiParams {
  return normalizeParams(node.config);
}

function aiNode(graph: Graph | undefined, id: string): (GraphNode & { kind: "ai" }) | undefined {
  const n = graph?.nodes.find((x) => x.id === id);
  return n && n.kind === "ai" ? (n as GraphNode & { kind: "ai" }) : undefined;
}

/** Production versions other than v1 (the nodes whose graph fields do not run). */
async function managedProduction(parameters: ParameterService, workflowId: string): Promise<Production> {
  const all = await parameters.store.productionParams(workflowId);
  for (const [id, p] of all) if (p.version === 1) all.delete(id);
  return all;
}

/**
 * The latest edit draft of each managed node that `graph` still holds: its fields in the graph
 * equal the draft's, and it is not the production version.
 */
async function pendingDrafts(parameters: ParameterService, workflowId: string, graph: Graph | undefined, production: Production): Promise<Map<string, PendingDraft>> {
  const out = new Map<string, PendingDraft>();
  if (!graph || production.size === 0) return out;
  const events = await parameters.store.audit(workflowId, { action: EDIT_ACTION, limit: 1000 });
  const seen = new Set<string>();
  for (const e of events) {
    const nodeId = e.nodeId;
    if (!nodeId || seen.has(nodeId) || e.afterVersion === null) continue;
    seen.add(nodeId);
    const node = aiNode(graph, nodeId);
    const prod = production.get(nodeId);
    if (!node || !prod || prod.version === e.afterVersion) continue;
    const fields = Array.isArray(e.details?.fields) ? (e.details.fields as unknown[]).filter((f): f is string => typeof f === "string" && MANAGED_FIELDS.includes(f)) : [];
    const draft: ParameterVersionRecord | undefined = await parameters.getVersion(workflowId, nodeId, e.afterVersion);
    if (!draft || fields.length === 0) continue;
    const own = ownParams(node) as Record<string, unknown>;
    const held = fields.every((f) => same(own[f], (draft.params as Record<string, unknown>)[f]));
    if (held) out.set(nodeId, { version: draft.version, fields, baseVersion: typeof e.details?.baseVersion === "number" ? e.details.baseVersion : prod.version });
  }
  return out;
}

/** What every AI node of `graph` (the workflow's stored graph) runs, and which of its fields are managed. */
export async function effectiveParams(parameters: ParameterService, workflowId: string, graph: Graph): Promise<EffectiveNode[]> {
  const production = await managedProduction(parameters, workflowId);
  const pending = await pendingDrafts(parameters, workflowId, graph, production);
  const out: EffectiveNode[] = [];
  for (const node of graph.nodes) {
    if (node.kind !== "ai") continue;
    const own = ownParams(node as GraphNode & { kind: "ai" });
    const prod = production.get(node.id);
    const params = prod?.params ?? own;
    out.push({
      nodeId: node.id,
      managed: Boolean(prod),
      version: prod?.version ?? 1,
      params,
      managedFields: prod ? [...MANAGED_FIELDS] : [],
      divergentFields: prod ? MANAGED_FIELDS.filter((f) => !same((own as Record<string, unknown>)[f], (params as Record<string, unknown>)[f])) : [],
      graphParams: own,
      pendingDraft: pending.get(node.id) ?? null,
    });
  }
  return out;
}

/** A planned draft: the managed node, the edited fields, and the bundle production + edits gives. */
interface PlannedEdit {
  nodeId: string;
  fields: string[];
  production: { version: number; params: AiParams };
  params: AiParams;
}

/**
 * The managed fields `next` edits relative to `prev` (the stored graph before the save), plus the
 * fields of a still-pending earlier edit, so a second edit does not drop the first from the draft.
 * A node absent from `prev` (a new or re-created workflow or node) counts every field that differs
 * from production as edited.
 */
function planEdits(prev: Graph | undefined, next: Graph, production: Production, pending: Map<string, PendingDraft>): PlannedEdit[] {
  const plans: PlannedEdit[] = [];
  for (const [nodeId, prod] of production) {
    const node = aiNode(next, nodeId);
    if (!node) continue;
    const now = ownParams(node) as Record<string, unknown>;
    const before = aiNode(prev, nodeId);
    const was = (before ? ownParams(before) : prod.params) as Record<string, unknown>;
    const changed = MANAGED_FIELDS.filter((f) => !same(now[f], was[f]));
    if (changed.length === 0) continue;
    const carried = pending.get(nodeId)?.fields ?? [];
    const fields = MANAGED_FIELDS.filter((f) => changed.includes(f) || carried.includes(f));
    const merged: Record<string, unknown> = { ...prod.params };
    for (const f of fields) {
      if (now[f] === undefined) delete merged[f];
      else merged[f] = now[f];
    }
    plans.push({ nodeId, fields, production: prod, params: normalizeParams(merged) });
  }
  return plans;
}

/**
 * Saves a validated graph (workflows.save, same modes) under the managed-parameter rule: each edit
 * of a managed field becomes a draft version first (so a failed save leaves at most a draft, which
 * a retry finds again by checksum), then the graph, edit included, is stored.
 */
export async function saveGraph(deps: Deps, graph: Graph, note: string | undefined, options: { mode?: SaveMode; actor: string }): Promise<SaveGraphResult> {
  const mode = options.mode ?? "upsert";
  const prev = await deps.workflows.get(graph.id);
  // A save the store refuses (CONFLICT, NOT_FOUND) must not leave drafts behind.
  const refused = (mode === "create" && prev) || (mode === "update" && !prev);
  const production = refused ? new Map() : await managedProduction(deps.parameters, graph.id);
  const managedEdits: ManagedEdit[] = [];
  if (production.size > 0) {
    const pending = await pendingDrafts(deps.parameters, graph.id, prev?.graph, production);
    for (const plan of planEdits(prev?.graph, graph, production, pending)) managedEdits.push(await recordEdit(deps.parameters, graph.id, plan, options.actor));
  }
  const saved = await deps.workflows.save(graph, note, { mode });
  return { ...saved, managedEdits };
}

async function recordEdit(parameters: ParameterService, workflowId: string, plan: PlannedEdit, actor: string): Promise<ManagedEdit> {
  const { nodeId, fields, production } = plan;
  const what = `node "${nodeId}": ${fields.join(", ")} edited`;
  if (same(plan.params, production.params)) {
    return { nodeId, fields, productionVersion: production.version, draftVersion: null, created: false, message: `${what}; equal to production v${production.version}, nothing to draft` };
  }
  const reason = `graph edit of ${fields.join(", ")} on top of production v${production.version}`;
  const { version, created } = await parameters.createVersion({
    workflowId,
    nodeId,
    params: plan.params,
    status: "draft",
    actor,
    note: reason,
    event: { action: EDIT_ACTION, reason, details: { fields, baseVersion: production.version } },
  });
  const label = created ? `saved as draft v${version.version}` : `same as the stored v${version.version} (${version.status})`;
  return {
    nodeId,
    fields,
    productionVersion: production.version,
    draftVersion: version.version,
    created,
    message: `${what}; ${label}. Production still runs v${production.version} until v${version.version} is promoted`,
  };
}
