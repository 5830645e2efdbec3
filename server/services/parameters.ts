/**
 * Production parameters on the run path: resolves each AI node's production version (cached per
 * workflow and node) and applies it to the graph before a run. Promote and rollback go through
 * the same object so its cache is invalidated at once; a promotion made by another process (the
 * CLI while the server runs) is noticed through the store's revision, one cheap query per
 * resolve. No optimizer code runs here.
 */
import { FlowtuneError, type AiParams, type Graph } from "../../engine/index.js";
import { ActorNameSchema, labelProblem, ReasonSchema } from "../../engine/schema/labels.js";
import type {
  AuditEventRecord,
  CreateVersionInput,
  MoveResult,
  ParameterDiff,
  ParameterStore,
  ParameterVersionRecord,
  ProductionMoveRecord,
} from "../store/parameters.js";

export interface ResolvedParameters {
  /** The graph with every managed AI node's config replaced by its production bundle. */
  graph: Graph;
  /** AI node id → the parameter version it runs with (1 for nodes with no stored versions). */
  versions: Record<string, number>;
}

/** AI node id → a parameter version to run instead of production (e.g. the editor's "run with this draft"). */
export type ParameterOverrides = Record<string, number>;

/** What the run path needs: a graph in, the production graph out. */
export interface ParameterResolver {
  resolve(workflowId: string, graph: Graph, overrides?: ParameterOverrides): Promise<ResolvedParameters>;
}

export interface ParameterServiceOptions {
  /**
   * Check the store's revision on every resolve, so pointer moves made by other processes are
   * seen (default true). Without it the cache only learns of moves made through this object.
   */
  checkRevision?: boolean;
}

type Entry = { version: number; params: AiParams } | null;

/** The parameter store plus a cached production resolver; writes invalidate the cache. */
export class ParameterService implements ParameterResolver {
  // `${workflowId}\u0000${nodeId}` → production version, or null for "no stored versions".
  private readonly cache = new Map<string, Entry>();
  private revision: number | undefined;
  // Bumped by every invalidation, so a fetch that raced one does not repopulate stale entries.
  private generation = 0;
  private readonly checkRevision: boolean;

  constructor(
    readonly store: ParameterStore,
    options: ParameterServiceOptions = {},
  ) {
    this.checkRevision = options.checkRevision ?? true;
  }

  /**
   * Applies the production versions to `graph` (a node without versions keeps its own parameters,
   * as v1); `overrides` puts the given versions on those nodes instead (INPUT_INVALID for a node
   * that is not an AI node of the graph, NOT_FOUND for an unknown version).
   */
  async resolve(workflowId: string, graph: Graph, overrides?: ParameterOverrides): Promise<ResolvedParameters> {
    const resolved = await this.resolveProduction(workflowId, graph);
    return overrides && Object.keys(overrides).length > 0 ? applyOverrides(this.store, workflowId, resolved, overrides) : resolved;
  }

  private async resolveProduction(workflowId: string, graph: Graph): Promise<ResolvedParameters> {
    const aiNodes = graph.nodes.filter((n) => n.kind === "ai");
    if (aiNodes.length === 0) return { graph, versions: {} };
    if (this.checkRevision) {
      const revision = await this.store.revision();
      if (revision !== this.revision) {
        this.cache.clear();
        this.revision = revision;
      }
    }
    const found = new Map<string, Entry>();
    for (const n of aiNodes) if (this.cache.has(key(workflowId, n.id))) found.set(n.id, this.cache.get(key(workflowId, n.id)) ?? null);
    if (found.size < aiNodes.length) {
      const generation = this.generation;
      const production = await this.store.productionParams(workflowId);
      for (const n of aiNodes) {
        if (found.has(n.id)) continue;
        const entry = production.get(n.id) ?? null;
        found.set(n.id, entry);
        if (generation === this.generation) this.cache.set(key(workflowId, n.id), entry);
      }
    }
    const versions: Record<string, number> = {};
    const nodes = graph.nodes.map((n) => {
      if (n.kind !== "ai") return n;
      const entry = found.get(n.id);
      versions[n.id] = entry?.version ?? 1;
      // v1 is "the graph's own parameters": until a tuned version is promoted, edits to the graph run as they are.
      return entry && entry.version !== 1 ? { ...n, config: entry.params } : n;
    });
    return { graph: { ...graph, nodes }, versions };
  }

  /** Drops cached entries: one node, one workflow, or everything. */
  invalidate(workflowId?: string, nodeId?: string): void {
    this.generation++;
    if (workflowId === undefined) {
      this.cache.clear();
      return;
    }
    if (nodeId !== undefined) {
      this.cache.delete(key(workflowId, nodeId));
      return;
    }
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${workflowId}\u0000`)) this.cache.delete(k);
  }

  /**
   * Points production at `version` (store.promote) and invalidates the node's cache entry.
   * INPUT_INVALID (field `reason` / `actor`) for an empty reason or control characters in either.
   */
  async promote(args: { workflowId: string; nodeId: string; version: number; reason: string; actor: string }): Promise<MoveResult> {
    args = { ...args, ...auditText(args) };
    try {
      return await this.store.promote(args);
    } finally {
      this.invalidate(args.workflowId, args.nodeId);
    }
  }

  /** Rolls production back (store.rollback) and invalidates the node's cache entry; the reason and actor are checked as for promote. */
  async rollback(args: { workflowId: string; nodeId: string; to?: number; reason: string; actor: string }): Promise<MoveResult> {
    args = { ...args, ...auditText(args) };
    try {
      return await this.store.rollback(args);
    } finally {
      this.invalidate(args.workflowId, args.nodeId);
    }
  }

  /** Adds a version (store.createVersion); may create the baseline, so the node's entry is dropped. */
  async createVersion(input: CreateVersionInput): Promise<{ version: ParameterVersionRecord; created: boolean }> {
    try {
      return await this.store.createVersion(input);
    } finally {
      this.invalidate(input.workflowId, input.nodeId);
    }
  }

  /** All versions of a node and its production version (creates the baseline on first touch). */
  async listVersions(workflowId: string, nodeId: string, actor?: string): Promise<{ production: number; versions: ParameterVersionRecord[] }> {
    try {
      return await this.store.listVersions(workflowId, nodeId, actor);
    } finally {
      this.invalidate(workflowId, nodeId);
    }
  }

  /** One version, or undefined. */
  getVersion(workflowId: string, nodeId: string, version: number): Promise<ParameterVersionRecord | undefined> {
    return this.store.getVersion(workflowId, nodeId, version);
  }

  /** The production pointer's move history, oldest first. */
  history(workflowId: string, nodeId: string): Promise<ProductionMoveRecord[]> {
    return this.store.history(workflowId, nodeId);
  }

  /** Parameter changes and metric deltas between two versions. */
  diff(workflowId: string, nodeId: string, from: number, to: number): Promise<ParameterDiff> {
    return this.store.diff(workflowId, nodeId, from, to);
  }

  /** Audit events, newest first. */
  audit(workflowId: string, options?: { nodeId?: string; limit?: number }): Promise<AuditEventRecord[]> {
    return this.store.audit(workflowId, options);
  }
}

/** Puts each overridden node's stored version on the resolved graph. */
async function applyOverrides(store: ParameterStore, workflowId: string, resolved: ResolvedParameters, overrides: ParameterOverrides): Promise<ResolvedParameters> {
  const chosen = new Map<string, AiParams>();
  for (const [nodeId, version] of Object.entries(overrides)) {
    const node = resolved.graph.nodes.find((n) => n.id === nodeId);
    if (!node || node.kind !== "ai") {
      throw new FlowtuneError("INPUT_INVALID", `parameterVersions: "${nodeId}" is not an AI node of workflow "${workflowId}"`, { field: `parameterVersions.${nodeId}`, nodeId });
    }
    const record = await store.getVersion(workflowId, nodeId, version);
    if (!record) throw new FlowtuneError("NOT_FOUND", `workflow "${workflowId}" node "${nodeId}" has no parameter version v${version}`, { field: `parameterVersions.${nodeId}`, nodeId });
    chosen.set(nodeId, record.params);
  }
  const nodes = resolved.graph.nodes.map((n) => (n.kind === "ai" && chosen.has(n.id) ? { ...n, config: chosen.get(n.id)! } : n));
  return { graph: { ...resolved.graph, nodes }, versions: { ...resolved.versions, ...overrides } };
}

// Every entry point (tRPC, REST, the CLI) records the same checked text in the audit trail.
function auditText(args: { reason: string; actor: string }): { reason: string; actor: string } {
  const out = { reason: args.reason, actor: args.actor };
  for (const [field, schema] of [["reason", ReasonSchema], ["actor", ActorNameSchema]] as const) {
    const r = labelProblem(schema, args[field], field);
    if (!r.ok) throw new FlowtuneError("INPUT_INVALID", r.message, { field });
    out[field] = r.value;
  }
  return out;
}

function key(workflowId: string, nodeId: string): string {
  return `${workflowId}\u0000${nodeId}`;
}
