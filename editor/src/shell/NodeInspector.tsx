/**
 * The inspector of one selected node: its head (icon, label, kind, id), the Configure /
 * Parameters / Optimize tabs of an AI node, the config form (or the JSON of a previewed
 * version) and the node's run details.
 */
import type { Graph, GraphNode } from "../../../engine/browser.js";
import { KindIcon } from "../canvas/icons.js";
import { NodeConfigForm } from "../inspector/NodeConfigForm.js";
import { OptimizePanel } from "../optimize/OptimizePanel.js";
import { ParameterPanel } from "../parameters/ParameterPanel.js";
import { hasNodeResult, NodeRunDetails, type UseRunResult } from "../runs/index.js";
import { KIND_LABEL } from "../ui.js";

export type InspectorTab = "configure" | "parameters" | "optimize";

export interface NodeInspectorProps {
  node: GraphNode;
  graph: Graph;
  /** The saved workflow's id (null before the first save). */
  savedId: string | null;
  tab: InspectorTab;
  onTab: (tab: InspectorTab) => void;
  /** A version is previewed: the config is shown, not edited. */
  previewing: boolean;
  readOnly: boolean;
  runs: UseRunResult;
  optimizeSignal: number;
  /** An optimization the URL asks the Optimize tab to show. */
  requestedOptimization?: string | null;
  /** The optimization the Optimize tab shows (for the URL). */
  onShownOptimization?: (id: string | null) => void;
  /** Selects nodes on the canvas (none: closes the inspector). */
  onSelect: (ids: string[]) => void;
}

/** The selected node's inspector section. */
export function NodeInspector({ node, graph, savedId, tab, onTab, previewing, readOnly, runs, optimizeSignal, requestedOptimization, onShownOptimization, onSelect }: NodeInspectorProps) {
  return (
    <section className="panel-section inspector" data-testid="node-inspector" data-node-id={node.id}>
      <div className="inspector__head">
        <span className={`inspector__icon kind-${node.kind}`}>
          <KindIcon kind={node.kind} size={18} />
        </span>
        <div className="inspector__titles">
          <div className="inspector__title">{node.label ?? node.id}</div>
          <div className="muted">
            {KIND_LABEL[node.kind]} · <span className="mono">{node.id}</span>
          </div>
        </div>
        <button type="button" className="icon-btn" aria-label="Close inspector" onClick={() => onSelect([])}>
          ×
        </button>
      </div>
      {node.kind === "ai" ? (
        <div className="tabs" role="tablist" aria-label="AI node">
          {(["configure", "parameters", "optimize"] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={`tab${tab === t ? " active" : ""}`}
              data-testid={`inspector-tab-${t}`}
              onClick={() => onTab(t)}
            >
              {t === "configure" ? "Configure" : t === "parameters" ? "Parameters" : "Optimize"}
            </button>
          ))}
        </div>
      ) : null}
      {node.kind !== "ai" || tab === "configure" ? (
        <>
          {/* With a result in the run shown, the node's error/output comes first (as in n8n's output pane). */}
          {hasNodeResult(runs.run, node.id) ? (
            <NodeRunDetails graph={graph} nodeId={node.id} run={runs.run} onRunFromHere={runs.runFrom} rerunPending={runs.rerunPending} rerunError={runs.rerunError} embedded first />
          ) : null}
          {previewing ? (
            <pre className="code">{JSON.stringify(node.config, null, 2)}</pre>
          ) : (
            <NodeConfigForm nodeId={node.id} readOnly={readOnly} onRenamed={(id) => setTimeout(() => onSelect([id]), 0)} />
          )}
          {!hasNodeResult(runs.run, node.id) ? (
            <NodeRunDetails graph={graph} nodeId={node.id} run={runs.run} onRunFromHere={runs.runFrom} rerunPending={runs.rerunPending} rerunError={runs.rerunError} />
          ) : null}
        </>
      ) : !savedId ? (
        <div className="muted small pad">Save the workflow first.</div>
      ) : tab === "parameters" ? (
        <ParameterPanel workflowId={savedId} nodeId={node.id} />
      ) : (
        <OptimizePanel
          workflowId={savedId}
          nodeId={node.id}
          graph={graph}
          openDialogSignal={optimizeSignal}
          requestedRunId={requestedOptimization}
          onShownRunChange={onShownOptimization}
        />
      )}
    </section>
  );
}
