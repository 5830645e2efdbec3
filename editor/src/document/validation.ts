/** Client-side validation of the document with the engine's own validateGraph, keyed for display. */
import { validateGraph, type Graph, type GraphIssue } from "../../../engine/browser.js";

export interface Validation {
  ok: boolean;
  issues: GraphIssue[];
  byNode: Record<string, GraphIssue[]>;
  byEdge: Record<string, GraphIssue[]>;
  /** Issues about the graph itself (no node or edge). */
  graph: GraphIssue[];
}

export const NO_ISSUES: GraphIssue[] = [];

export function validateDoc(graph: Graph): Validation {
  let issues: GraphIssue[];
  try {
    const r = validateGraph(graph);
    issues = r.ok ? [] : r.issues;
  } catch (err) {
    issues = [{ message: `validation failed: ${err instanceof Error ? err.message : String(err)}` }];
  }
  const byNode: Record<string, GraphIssue[]> = {};
  const byEdge: Record<string, GraphIssue[]> = {};
  const graphIssues: GraphIssue[] = [];
  for (const issue of issues) {
    if (issue.nodeId) (byNode[issue.nodeId] ??= []).push(issue);
    else if (issue.edgeId) (byEdge[issue.edgeId] ??= []).push(issue);
    else graphIssues.push(issue);
  }
  return { ok: issues.length === 0, issues, byNode, byEdge, graph: graphIssues };
}

/** Issues of a node (or edge) about `field` or anything under it (`config` matches `config.prompt`). */
export function issuesFor(issues: readonly GraphIssue[] | undefined, field: string): GraphIssue[] {
  if (!issues) return NO_ISSUES;
  return issues.filter((i) => i.field === field || (i.field?.startsWith(`${field}.`) ?? false));
}
