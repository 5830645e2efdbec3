/**
 * Canvas node components, one per node kind, sharing a card shell: kind icon and title, a
 * kind-specific summary, and the node's live state for the current run (status pill, duration,
 * tokens). Every component is memoized and `nodeTypes` is a module constant, so React Flow
 * re-renders a node only when its own data object changes.
 */
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { createContext, memo, useContext, useEffect, useState, type ReactNode } from "react";
import type { GraphNode, NodeKind, NodeOfKind, NodeStatus } from "../../../engine/browser.js";
import { formatDuration, formatTokens } from "../format.js";
import type { NodeRunState } from "../run-state.js";
import { KIND_LABEL, StatusPill } from "../ui.js";
import { KindIcon } from "./icons.js";
import { ESTIMATED_HEIGHT } from "./viewport.js";
import { ManagedMarker, useCanvasAiView } from "../parameters/CanvasMarker.js";

export type FlowNodeData = {
  node: GraphNode;
  /** The node's state in the run shown, if it has any. */
  run?: NodeRunState;
  /** Validation messages about this node (client-side validation of the document). */
  issues?: string[];
};

/** Callbacks and flags the node components need; a context, so that node data stays small and stable. */
export interface CanvasActions {
  readOnly: boolean;
  onOptimize: (nodeId: string) => void;
  /** Zoomed out past readable text: nodes render as compact cards (kind colour, big title). */
  compact?: boolean;
}
export const CanvasActionsContext = createContext<CanvasActions>({ readOnly: true, onOptimize: () => {} });
/**
 * React Flow node type of a kind. Prefixed: React Flow ships default styles for the node types
 * `input` and `output` (class react-flow__node-input/-output) that must not apply here.
 */
export type FlowNodeType = `ft-${NodeKind}`;
export function nodeTypeOf(kind: NodeKind): FlowNodeType {
  return `ft-${kind}`;
}
export type FlowNode = Node<FlowNodeData, FlowNodeType>;

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(t);
  }, []);
  return <>{formatDuration(Math.max(0, now - since))}</>;
}

function IssueBadge({ nodeId, issues }: { nodeId: string; issues: string[] }) {
  const text = issues.join("\n");
  return (
    <span className="ft-node__issues" data-testid={`node-${nodeId}-issues`} title={text} role="img" aria-label={`${issues.length} validation issue${issues.length === 1 ? "" : "s"}: ${text}`}>
      {issues.length}
    </span>
  );
}

/** What is wrong with the node, in words on the node itself: its first validation issue, else its run error. */
function NodeProblem({ nodeId, issues, run }: { nodeId: string; issues?: string[]; run?: NodeRunState }) {
  if (issues?.length) {
    return (
      <div className="ft-node__problem" data-testid={`node-${nodeId}-problem`} title={issues.join("\n")}>
        {issues[0]}
        {issues.length > 1 ? <span className="ft-node__more"> (+{issues.length - 1} more)</span> : null}
      </div>
    );
  }
  if (run?.status === "failed") {
    const text = run.error?.message ?? run.reason ?? "failed";
    return (
      <div className="ft-node__problem is-run" data-testid={`node-${nodeId}-error`} title={run.error?.code ? `${run.error.code}: ${text}` : text}>
        {text}
      </div>
    );
  }
  if (run?.status === "skipped" || run?.status === "cancelled") {
    return (
      <div className="ft-node__note" data-testid={`node-${nodeId}-${run.status}`} title={run.reason}>
        {run.status}
        {run.reason ? `: ${run.reason}` : ""}
      </div>
    );
  }
  return null;
}

function NodeHandles({ node, children }: { node: GraphNode; children: ReactNode }) {
  return (
    <>
      {node.kind !== "input" && node.kind !== "optimizer" && (
        <Handle type="target" position={Position.Left} className="ft-handle" data-testid={`handle-in-${node.id}`} aria-label={`Input of ${node.id}`} />
      )}
      {children}
      {node.kind !== "output" && node.kind !== "optimizer" && (
        <Handle type="source" position={Position.Right} className="ft-handle" data-testid={`handle-out-${node.id}`} aria-label={`Output of ${node.id}`} />
      )}
    </>
  );
}

/** The zoomed-out card, as tall as a full card is estimated (zooming in must not make nodes overlap): one element with the title in big type (few elements: cheap to lay out at 1,000 nodes). */
function CompactNode({ data, selected, status }: { data: FlowNodeData; selected: boolean; status: NodeStatus }) {
  const { node, issues } = data;
  const title = node.label ?? node.id;
  return (
    <div
      className={`ft-node ft-node--compact kind-${node.kind} status-${status}${selected ? " selected" : ""}${issues?.length ? " has-issues" : ""}`}
      style={{ height: ESTIMATED_HEIGHT[node.kind] }}
      data-testid={`node-${node.id}`}
      data-status={status}
      data-kind={node.kind}
      data-issues={issues?.length ?? 0}
      title={issues?.length ? `${title}\n${issues.join("\n")}` : title}
    >
      <NodeHandles node={node}>
        <div className="ft-node__head">{title}</div>
      </NodeHandles>
    </div>
  );
}

function NodeShell({ data, selected, children }: { data: FlowNodeData; selected: boolean; children?: ReactNode }) {
  const { node, run, issues } = data;
  const { readOnly, onOptimize, compact } = useContext(CanvasActionsContext);
  const status: NodeStatus = run?.status ?? "pending";
  if (compact) return <CompactNode data={data} selected={selected} status={status} />;
  const title = node.label ?? node.id;
  const tokens = run?.usage?.totalTokens;
  return (
    <div
      className={`ft-node kind-${node.kind} status-${status}${selected ? " selected" : ""}${issues?.length ? " has-issues" : ""}`}
      data-testid={`node-${node.id}`}
      data-status={status}
      data-kind={node.kind}
      data-issues={issues?.length ?? 0}
    >
      <NodeHandles node={node}>
        {issues?.length ? <IssueBadge nodeId={node.id} issues={issues} /> : null}
        <div className="ft-node__head">
          <span className="ft-node__icon">
            <KindIcon kind={node.kind} />
          </span>
          <div className="ft-node__titles">
            <div className="ft-node__title" title={title}>
              {title}
            </div>
            <div className="ft-node__kind">
              {KIND_LABEL[node.kind]}
              {node.label ? <span className="ft-node__id"> · {node.id}</span> : null}
            </div>
          </div>
        </div>
        <NodeProblem nodeId={node.id} issues={issues} run={run} />
        {children ? <div className="ft-node__body">{children}</div> : null}
        <div className="ft-node__foot">
          <StatusPill status={status} />
          <span className="ft-node__metrics">
            {status === "running" && run?.startedTs ? (
              <Elapsed since={run.startedTs} />
            ) : (
              <span data-testid={`node-${node.id}-duration`}>{formatDuration(run?.durationMs)}</span>
            )}
            {tokens ? <span className="ft-node__tokens">{formatTokens(tokens)} tok</span> : null}
            {run?.attempts && run.attempts > 1 ? <span className="ft-node__tokens">×{run.attempts}</span> : null}
          </span>
          {node.kind === "ai" && !readOnly ? (
            <button
              type="button"
              className="ft-node__optimize nodrag"
              data-testid={`node-${node.id}-optimize`}
              aria-label={`Optimize ${node.id}`}
              title="Optimize this node's prompt and parameters"
              onClick={(e) => {
                e.stopPropagation();
                onOptimize(node.id);
              }}
            >
              Optimize
            </button>
          ) : null}
        </div>
      </NodeHandles>
    </div>
  );
}

function as<K extends NodeKind>(data: FlowNodeData): NodeOfKind<K> {
  return data.node as NodeOfKind<K>;
}

const InputNode = memo(function InputNode({ data, selected }: NodeProps<FlowNode>) {
  const n = as<"input">(data);
  return (
    <NodeShell data={data} selected={selected}>
      <div className="chips">
        {n.config.fields.map((f) => (
          <span key={f.name} className={`chip${f.required ? "" : " chip-optional"}`} title={f.description ?? f.type}>
            {f.name}
          </span>
        ))}
      </div>
    </NodeShell>
  );
});

const AiNode = memo(function AiNode({ data, selected }: NodeProps<FlowNode>) {
  const n = as<"ai">(data);
  // A managed node shows its production version's values (what runs), marked: parameters/CanvasMarker.
  const shown = useCanvasAiView(n);
  const c = shown.config as typeof n.config;
  return (
    <NodeShell data={data} selected={selected}>
      <ManagedMarker nodeId={n.id} view={shown} />
      <div className="kv">
        <span className="mono">{c.model}</span>
        <span className="muted">
          {c.provider} · t={c.temperature}
        </span>
      </div>
      <div className="snippet" title={c.prompt}>
        {c.prompt}
      </div>
    </NodeShell>
  );
});

const EvaluationNode = memo(function EvaluationNode({ data, selected }: NodeProps<FlowNode>) {
  const n = as<"evaluation">(data);
  const out = data.run?.output as { score?: number; passed?: boolean } | undefined;
  return (
    <NodeShell data={data} selected={selected}>
      <div className="kv">
        <span className="mono">{n.config.metric}</span>
        {out && typeof out.score === "number" ? (
          <span className={`score ${out.passed ? "pass" : "fail"}`} data-testid={`node-${n.id}-score`}>
            score {Number(out.score.toFixed(3))}
          </span>
        ) : (
          <span className="muted">≥ {n.config.threshold}</span>
        )}
      </div>
    </NodeShell>
  );
});

const RouterNode = memo(function RouterNode({ data, selected }: NodeProps<FlowNode>) {
  const n = as<"router">(data);
  return (
    <NodeShell data={data} selected={selected}>
      <div className="kv">
        <span className="mono">{n.config.mode}</span>
      </div>
    </NodeShell>
  );
});

const AggregateNode = memo(function AggregateNode({ data, selected }: NodeProps<FlowNode>) {
  const n = as<"aggregate">(data);
  return (
    <NodeShell data={data} selected={selected}>
      <div className="kv">
        <span className="mono">{n.config.strategy}</span>
        <span className="muted">
          {n.config.synchronization} · min {n.config.minResponses}
        </span>
      </div>
    </NodeShell>
  );
});

const OutputNode = memo(function OutputNode({ data, selected }: NodeProps<FlowNode>) {
  const n = as<"output">(data);
  const fields = Object.keys(n.config.fields ?? {});
  return (
    <NodeShell data={data} selected={selected}>
      {fields.length ? (
        <div className="chips">
          {fields.map((f) => (
            <span key={f} className="chip">
              {f}
            </span>
          ))}
        </div>
      ) : (
        <span className="muted">passes its input through</span>
      )}
    </NodeShell>
  );
});

const OptimizerNode = memo(function OptimizerNode({ data, selected }: NodeProps<FlowNode>) {
  return (
    <NodeShell data={data} selected={selected}>
      <span className="muted">not executed by runs</span>
    </NodeShell>
  );
});

/** Defined once, outside any component (React Flow warns about new objects on every render). */
export const nodeTypes = {
  "ft-input": InputNode,
  "ft-ai": AiNode,
  "ft-evaluation": EvaluationNode,
  "ft-router": RouterNode,
  "ft-aggregate": AggregateNode,
  "ft-output": OutputNode,
  "ft-optimizer": OptimizerNode,
} satisfies Record<FlowNodeType, unknown>;
