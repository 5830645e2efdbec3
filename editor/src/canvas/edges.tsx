/**
 * Canvas edges, styled by kind: pipeline solid, broadcast dashed, conditional labelled with its
 * condition (or "default"), parallel a double animated line labelled with its concurrency/map.
 * An edge lights up once data has flowed along it in the run shown (its source succeeded and
 * its target started), and fades when its target was skipped.
 */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { EdgeKind } from "../../../engine/browser.js";

export type FlowEdgeData = {
  kind: EdgeKind;
  label?: string;
  /** "active" when data flowed along the edge, "skipped" when its target was skipped. */
  flow?: "idle" | "active" | "skipped";
};
export type FlowEdge = Edge<FlowEdgeData, EdgeKind>;

function EdgeLabel({ x, y, text, kind }: { x: number; y: number; text: string; kind: EdgeKind }) {
  return (
    <EdgeLabelRenderer>
      <div
        className={`edge-label edge-label-${kind} nodrag nopan`}
        style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
        title={text}
      >
        {text}
      </div>
    </EdgeLabelRenderer>
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
  return `ft-edge ft-edge-${kind} flow-${data?.flow ?? "idle"}${selected ? " selected" : ""}`;
}

const PipelineEdge = memo(function PipelineEdge(p: EdgeProps<FlowEdge>) {
  const [path, lx, ly] = useEdgePath(p);
  return (
    <>
      <BaseEdge id={p.id} path={path} markerEnd={p.markerEnd} className={className("pipeline", p.data, p.selected)} />
      {p.data?.label ? <EdgeLabel x={lx} y={ly} text={p.data.label} kind="pipeline" /> : null}
    </>
  );
});

const BroadcastEdge = memo(function BroadcastEdge(p: EdgeProps<FlowEdge>) {
  const [path, lx, ly] = useEdgePath(p);
  return (
    <>
      <BaseEdge id={p.id} path={path} markerEnd={p.markerEnd} className={className("broadcast", p.data, p.selected)} />
      {p.data?.label ? <EdgeLabel x={lx} y={ly} text={p.data.label} kind="broadcast" /> : null}
    </>
  );
});

const ConditionalEdge = memo(function ConditionalEdge(p: EdgeProps<FlowEdge>) {
  const [path, lx, ly] = useEdgePath(p);
  return (
    <>
      <BaseEdge id={p.id} path={path} markerEnd={p.markerEnd} className={className("conditional", p.data, p.selected)} />
      <EdgeLabel x={lx} y={ly} text={p.data?.label ?? "condition"} kind="conditional" />
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
      {p.data?.label ? <EdgeLabel x={lx} y={ly} text={p.data.label} kind="parallel" /> : null}
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
