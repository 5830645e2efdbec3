/**
 * The "Running" part of the editor. Wiring in the shell (App.tsx):
 *
 *   const runs = useRun(workflowId);
 *   <WorkflowCanvas runNodes={runs.run.nodes} … />
 *   <RunPanel graph={graph} run={runs.run} streamStatus={runs.streamStatus} streamError={runs.streamError} onStarted={runs.showRun}
 *     draft={{ dirty, issues, baseVersion }} />   (unsaved edits run as a draft; with issues Run waits)
 *   <NodeRunDetails graph={graph} nodeId={selectedNodeId} run={runs.run}
 *     onRunFromHere={runs.runFrom} rerunPending={runs.rerunPending} rerunError={runs.rerunError} />
 *     (inside the node inspector's section; pass `embedded` to drop its own section padding; when
 *     hasNodeResult(run, nodeId), render it `first`, above the config form)
 *
 * `runs.list` is an infinite query here: invalidate it with trpc.runs.list.pathFilter()
 * (queryFilter() matches only plain queries).
 *   <RunHistory workflowId={graph.id} currentRunId={runs.run.runId} onSelect={runs.showRun} />
 */
export { useRun, type UseRunResult } from "./useRun.js";
export { RunPanel, type RunPanelProps } from "./RunPanel.js";
export { hasNodeResult, NodeRunDetails, type NodeRunDetailsProps } from "./NodeRunDetails.js";
export { RunHistory, type RunHistoryProps } from "./RunHistory.js";
