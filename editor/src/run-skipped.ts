/**
 * Why the nodes of a failed or cancelled run that never ran did not run: each becomes "skipped"
 * with the nearest failed (else cancelled) node upstream of it as the reason, and the node named by
 * the run's error keeps that error (the canvas shows it there).
 */
import type { NodeStatus } from "../../engine/browser.js";
import type { NodeRunState, RunGraphShape, RunState } from "./run-state.js";

/**
 * A run that failed or was cancelled: every node of its graph that never started becomes
 * "skipped", with the nearest failed (else cancelled) node upstream of it as the reason, and the
 * node named by the run's error keeps that error. Needs the run's graph (from the detail).
 */
export function markNeverRan(next: RunState): void {
  if (next.status !== "failed" && next.status !== "cancelled") return;
  let nodes = next.nodes;
  const failedId = next.error?.nodeId;
  if (failedId && next.error) {
    const prev = nodes[failedId];
    if (!prev || (!prev.error && prev.status !== "succeeded")) {
      nodes = { ...nodes, [failedId]: { ...(prev ?? {}), status: "failed", error: next.error } };
    }
  }
  const graph = next.detail?.graph;
  if (graph) {
    const neverRan = graph.nodes.filter((n) => {
      const s = nodes[n.id]?.status;
      return s === undefined || s === "pending";
    });
    if (neverRan.length > 0) {
      const failedFrom = nearestUpstream(graph, nodes, "failed");
      const cancelledFrom = nearestUpstream(graph, nodes, "cancelled");
      const fallback =
        next.status === "cancelled"
          ? `not run: the run was cancelled${next.cancelReason ? ` (${next.cancelReason})` : ""}`
          : `not run: the run failed${failedId ? ` at node "${failedId}"` : ""}`;
      for (const n of neverRan) {
        const f = failedFrom.get(n.id);
        const c = cancelledFrom.get(n.id);
        const reason = f ? `upstream node "${f}" failed` : c ? `upstream node "${c}" was cancelled` : fallback;
        nodes = { ...nodes, [n.id]: { ...nodes[n.id], status: "skipped", reason } };
      }
    }
  }
  next.nodes = nodes;
}

/**
 * For every node downstream of a node with `status`, the nearest such node (fewest edges away):
 * one breadth-first pass from all of them at once, so a 1,000-node graph costs one walk.
 */
function nearestUpstream(graph: RunGraphShape, nodes: Record<string, NodeRunState>, status: NodeStatus): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const e of graph.edges ?? []) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  const origin = new Map<string, string>();
  const queue: string[] = [];
  for (const n of graph.nodes) {
    const s = nodes[n.id];
    // A failure the error policy let through does not stop what is downstream of it.
    if (s?.status === status && !s.continued) {
      origin.set(n.id, n.id);
      queue.push(n.id);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i];
    for (const to of out.get(from) ?? []) {
      if (origin.has(to)) continue;
      origin.set(to, origin.get(from)!);
      queue.push(to);
    }
  }
  for (const n of graph.nodes) if (nodes[n.id]?.status === status) origin.delete(n.id);
  return origin;
}
