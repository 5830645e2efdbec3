/**
 * Canvas edges, styled by kind: pipeline solid, broadcast dashed, conditional labelled with its
 * condition (or "default"), parallel a double animated line labelled with its concurrency/map.
 * An edge lights up once data has flowed along it in the run shown (its source succeeded and
 * its target started), and fades when its target was skipped.
 */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from "@xyflow/react";
import { memo, useContext, useEffect, useState } from "react";
import { EDGE_KINDS, type EdgeKind } from "../../../engine/browser.js";
import { useDocStore } from "../document/store.js";
import { CanvasActionsContext } from "./nodes.js";

export type FlowEdgeData = {
  kind: EdgeKind;
  label?: string;
  /** "active" when data flowed along the edge, "skipped" when its target was skipped. */
  flow?: "idle" | "active" | "skipped";
  /** Validation messages about this edge. */
  issues?: string[];
  /** Conditional edges: the guard expression, and whether it is the router's default edge. */
  condition?: string;
  isDefault?: boolean;
};
export type FlowEdge = Edge<FlowEdgeData, EdgeKind>;

function EdgeLabel({ x, y, text, kind, id, issues, maxWidth }: { x: number; y: number; text: string; kind: EdgeKind; id: string; issues?: string[]; maxWidth: number }) {
  return (
    <EdgeLabelRenderer>
      <div
        className={`edge-label edge-label-${kind}${issues?.length ? " has-issues" : ""} nodrag nopan`}
        style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)`, maxWidth }}
        title={issues?.length ? `${text}\n${issues.join("\n")}` : text}
        data-testid={`edge-label-${id}`}
      >
        {issues?.length ? <span className="edge-label__issues">{issues.length}</span> : null}
        {/* An invalid edge says what is wrong on the edge itself (the label shows the first issue). */}
        {issues?.length ? issues[0] : text}
      </div>
    </EdgeLabelRenderer>
  );
}

/** A label at the midpoint may use the horizontal gap between the two ends, so that it never covers them. */
function labelWidth(p: EdgeProps<FlowEdge>, issues: boolean): number {
  const gap = Math.abs(p.targetX - p.sourceX) - 24;
  return Math.round(Math.max(issues ? 90 : 48, Math.min(issues ? 240 : 170, gap)));
}

/** The selected edge's toolbar: its kind and, for a conditional edge, its guard expression. */
function EdgeToolbar({ x, y, id, data }: { x: number; y: number; id: string; data: FlowEdgeData }) {
  const store = useDocStore();
  const [draft, setDraft] = useState(data.condition ?? "");
  useEffect(() => {
    setDraft(data.condition ?? "");
  }, [data.condition]);
  return (
    <EdgeLabelRenderer>
      <div
        className="edge-toolbar nodrag nopan"
        style={{ transform: `translate(-50%, 14px) translate(${x}px, ${y}px)` }}
        data-testid={`edge-toolbar-${id}`}
        onKeyDown={(e) => e.stopPropagation()}
      >
        <select
          aria-label="Edge kind"
          data-testid="edge-kind-select"
          value={data.kind}
          onChange={(e) => store.dispatch({ type: "setEdgeKind", edgeId: id, kind: e.target.value as EdgeKind })}
        >
          {EDGE_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        {data.kind === "conditional" && !data.isDefault ? (
          <input
            aria-label="Condition"
            data-testid="edge-condition-input"
            className="mono"
            value={draft}
            placeholder='input.type == "text"'
            onChange={(e) => {
              setDraft(e.target.value);
              if (e.target.value.trim()) store.dispatch({ type: "updateEdge", edgeId: id, patch: { condition: e.target.value }, coalesce: `edge:${id}:condition` });
            }}
          />
        ) : null}
      </div>
    </EdgeLabelRenderer>
  );
}

function Extras({ p, lx, ly, kind, label }: { p: EdgeProps<FlowEdge>; lx: number; ly: number; kind: EdgeKind; label?: string }) {
  const { readOnly } = useContext(CanvasActionsContext);
  const text = label ?? (p.data?.issues?.length ? kind : undefined);
  return (
    <>
      {text ? <EdgeLabel x={lx} y={ly} text={text} kind={kind} id={p.id} issues={p.data?.issues} maxWidth={labelWidth(p, Boolean(p.data?.issues?.length))} /> : null}
      {p.selected && !readOnly && p.data ? <EdgeToolbar x={lx} y={ly} id={p.id} data={p.data} /> : null}
    </>
  );
}

function useEdgePath(p: EdgeProps<FlowEdge>) {
  return getBezierPath({
    sourceX: p.sourceX,
    sourceY: p.sourceY,
    sourcePosition: p.sourcePosition,
    targetX: p.targetX,
    targetY: p.targetY,
    targetPosition: p.targetPosition,
  });
}

function className(kind: EdgeKind, data: FlowEdgeData | undefined, selected: boolean | undefined): string {
  return `ft-edge ft-edge-${kind} flow-${data?.flow ?? "idle"}${selected ? " selected" : ""}${data?.issues?.length ? " has-issues" : ""}`;
}

const PipelineEdge = memo(function PipelineEdge(p: EdgeProps<FlowEdge>) {
  const [path, lx, ly] = useEdgePath(p);
  return (
    <>
      <BaseEdge id={p.id} path={path} markerEnd={p.markerEnd} className={className("pipeline", p.data, p.selected)} />
      <Extras p={p} lx={lx} ly={ly} kind="pipeline" label={p.data?.label} />
    </>
  );
});

const BroadcastEdge = memo(function BroadcastEdge(p: EdgeProps<FlowEdge>) {
  const [path, lx, ly] = useEdgePath(p);
  return (
    <>
      <BaseEdge id={p.id} path={path} markerEnd={p.markerEnd} className={className("broadcast", p.data, p.selected)} />
      <Extras p={p} lx={lx} ly={ly} kind="broadcast" label={p.data?.label} />
    </>
  );
});

const ConditionalEdge = memo(function ConditionalEdge(p: EdgeProps<FlowEdge>) {
  const [path, lx, ly] = useEdgePath(p);
  return (
    <>
      <BaseEdge id={p.id} path={path} markerEnd={p.markerEnd} className={className("conditional", p.data, p.selected)} />
      <Extras p={p} lx={lx} ly={ly} kind="conditional" label={p.data?.label ?? "condition"} />
    </>
  );
});

const ParallelEdge = memo(function ParallelEdge(p: EdgeProps<FlowEdge>) {
  const [path, lx, ly] = useEdgePath(p);
  const cls = className("parallel", p.data, p.selected);
  return (
    <>
      {/* A wide stroke with a canvas-coloured core reads as a double line; dashes run along it.
          The arrow rides on the thin path: markers scale with the stroke width. */}
      <BaseEdge id={p.id} path={path} className={cls} />
      <path d={path} className="ft-edge-parallel-core" fill="none" />
      <path d={path} className="ft-edge-parallel-flow" fill="none" markerEnd={p.markerEnd} />
      <Extras p={p} lx={lx} ly={ly} kind="parallel" label={p.data?.label} />
    </>
  );
});

export const edgeTypes = {
  pipeline: PipelineEdge,
  broadcast: BroadcastEdge,
  conditional: ConditionalEdge,
  parallel: ParallelEdge,
} satisfies Record<EdgeKind, unknown>;

export const EDGE_COLORS: Record<EdgeKind, string> = {
  pipeline: "#64748b",
  broadcast: "#6366f1",
  conditional: "#d97706",
  parallel: "#0d9488",
};
