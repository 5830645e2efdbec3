/**
 * Client-side validation of the document with the engine's own validateGraph, plus the providers
 * it names against the configured ones (so a graph never validates here and then fails at run
 * time with PROVIDER_NOT_FOUND), keyed for display.
 */
import { unavailableProviderIssues, validateGraph, type Graph, type GraphIssue } from "../../../engine/browser.js";
import { providerCatalog, providerProblem, type ProviderCatalog } from "../providers/catalog.js";

export interface Validation {
  /** No issue at all: the graph can run. */
  ok: boolean;
  /**
   * The server would store it: only the engine's own checks failed count. A provider that is not
   * configured blocks running, not saving (work is never lost to a missing provider).
   */
  savable: boolean;
  issues: GraphIssue[];
  byNode: Record<string, GraphIssue[]>;
  byEdge: Record<string, GraphIssue[]>;
  /** Issues about the graph itself (no node or edge). */
  graph: GraphIssue[];
}

export const NO_ISSUES: GraphIssue[] = [];

/**
 * Validates `graph`: the engine's checks, then each provider it names against `catalog` (default:
 * the one loaded from the server; null checks no provider). A provider issue names the node and
 * field, e.g. `provider "x" is not configured — add it under Providers`.
 */
export function validateDoc(graph: Graph, catalog: ProviderCatalog | null = providerCatalog()): Validation {
  let issues: GraphIssue[];
  let engineIssues = 0;
  try {
    const r = validateGraph(graph);
    issues = r.ok ? [] : r.issues;
    engineIssues = issues.length;
    // A field the schema already refused keeps that one message.
    const taken = new Set(issues.map((i) => `${i.nodeId}\u0000${i.field}`));
    for (const issue of unavailableProviderIssues(graph, (id) => providerProblem(catalog, id))) {
      if (!taken.has(`${issue.nodeId}\u0000${issue.field}`)) issues.push(issue);
    }
  } catch (err) {
    issues = [{ message: `validation failed: ${err instanceof Error ? err.message : String(err)}` }];
    engineIssues = 1;
  }
  const byNode: Record<string, GraphIssue[]> = {};
  const byEdge: Record<string, GraphIssue[]> = {};
  const graphIssues: GraphIssue[] = [];
  for (const issue of issues) {
    if (issue.nodeId) (byNode[issue.nodeId] ??= []).push(issue);
    else if (issue.edgeId) (byEdge[issue.edgeId] ??= []).push(issue);
    else graphIssues.push(issue);
  }
  return { ok: issues.length === 0, savable: engineIssues === 0, issues, byNode, byEdge, graph: graphIssues };
}

/** Issues of a node (or edge) about `field` or anything under it (`config` matches `config.prompt`). */
export function issuesFor(issues: readonly GraphIssue[] | undefined, field: string): GraphIssue[] {
  if (!issues) return NO_ISSUES;
  return issues.filter((i) => i.field === field || (i.field?.startsWith(`${field}.`) ?? false));
}
