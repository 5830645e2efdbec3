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

function NodeShell({ data, selected, children }: { data: FlowNodeData; selected: boolean; children?: ReactNode }) {
  const { node, run, issues } = data;
  const { readOnly, onOptimize } = useContext(CanvasActionsContext);
  const status: NodeStatus = run?.status ?? "pending";
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
      {node.kind !== "input" && node.kind !== "optimizer" && (
        <Handle type="target" position={Position.Left} className="ft-handle" data-testid={`handle-in-${node.id}`} aria-label={`Input of ${node.id}`} />
      )}
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
      {node.kind !== "output" && node.kind !== "optimizer" && (
        <Handle type="source" position={Position.Right} className="ft-handle" data-testid={`handle-out-${node.id}`} aria-label={`Output of ${node.id}`} />
      )}
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
  return (
    <NodeShell data={data} selected={selected}>
      <div className="kv">
        <span className="mono">{n.config.model}</span>
        <span className="muted">
          {n.config.provider} · t={n.config.temperature}
        </span>
      </div>
      <div className="snippet" title={n.config.prompt}>
        {n.config.prompt}
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
