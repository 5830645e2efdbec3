/**
 * The editing canvas. Reads the document graph from the document store (narrow selectors) and
 * keeps React Flow's node/edge objects in local state, synced so that unchanged nodes keep their
 * identity. A drag only moves local state; its end commits one `moveNodes` step to the store.
 * Every edit goes through the store (undoable): drop from the palette, connect, delete.
 */
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type FitViewOptions,
  type EdgeChange,
  type NodeChange,
  type OnSelectionChangeParams,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import type { Graph, GraphIssue, NodeKind } from "../../../engine/browser.js";
import { KIND_MIME } from "../document/defaults.js";
import { selectGraph, useDoc, useDocStore, useValidation } from "../document/store.js";
import type { NodeRunState } from "../run-state.js";
import { dagreLayout } from "./auto-layout.js";
import { edgeTypes, type FlowEdge } from "./edges.js";
import { syncFlowEdges, syncFlowNodes } from "./graph-to-flow.js";
import { CanvasActionsContext, nodeTypes, type FlowNode } from "./nodes.js";

const MINIMAP_COLORS: Record<string, string> = {
  pending: "#cbd5e1",
  queued: "#94a3b8",
  running: "#3b82f6",
  succeeded: "#10b981",
  failed: "#ef4444",
  skipped: "#e2e8f0",
  cancelled: "#f59e0b",
};

function fitOptions(leftInset: number): FitViewOptions<FlowNode> {
  return { padding: { top: "64px", left: `${leftInset + 24}px`, right: "24px", bottom: "24px" }, maxZoom: 1.1 };
}
const minimapStyle = { width: 168, height: 108 };
const proOptions = { hideAttribution: true };
const DELETE_KEYS = ["Delete", "Backspace"];
const MULTI_SELECT_KEYS = ["Shift", "Meta", "Control"];
const NO_ISSUES: Record<string, GraphIssue[]> = {};

function minimapColor(n: FlowNode): string {
  if (n.data.issues?.length) return "#f87171";
  return MINIMAP_COLORS[n.data.run?.status ?? "pending"];
}

export interface CanvasApi {
  fitView(): void;
  /** The flow position at the centre of the visible canvas. */
  center(): { x: number; y: number };
  /** Lays the document out with dagre (one undoable step) and fits the view. */
  autoLayout(): void;
  /** Selects exactly these nodes. */
  select(nodeIds: string[]): void;
}

export interface Selection {
  nodes: string[];
  edges: string[];
}

export interface WorkflowCanvasProps {
  runNodes: Record<string, NodeRunState>;
  readOnly: boolean;
  /** A graph shown read-only instead of the document (a version preview). */
  preview?: Graph | null;
  onSelectionChange: (selection: Selection) => void;
  onOptimize: (nodeId: string) => void;
  onReady?: (api: CanvasApi) => void;
  /** Width (px) covered by an overlay on the left (the node palette): fitView keeps clear of it. */
  leftInset?: number;
}

function Canvas({ runNodes, readOnly, preview, onSelectionChange, onOptimize, onReady, leftInset = 0 }: WorkflowCanvasProps) {
  const fitViewOptions = useMemo(() => fitOptions(leftInset), [leftInset]);
  const store = useDocStore();
  const docGraph = useDoc(selectGraph);
  const validation = useValidation();
  const inserted = useDoc(useCallback((s) => s.inserted, []));
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const wrapper = useRef<HTMLDivElement>(null);

  const graph = preview ?? docGraph;
  const ro = readOnly || Boolean(preview);
  const byNode = preview ? NO_ISSUES : validation.byNode;
  const byEdge = preview ? NO_ISSUES : validation.byEdge;

  const [nodes, setNodes] = useState<FlowNode[]>(() => syncFlowNodes([], graph, runNodes, byNode, ro));
  const [edges, setEdges] = useState<FlowEdge[]>(() => syncFlowEdges([], graph, runNodes, byEdge, ro));
  useEffect(() => setNodes((prev) => syncFlowNodes(prev, graph, runNodes, byNode, ro)), [graph, runNodes, byNode, ro]);
  useEffect(() => setEdges((prev) => syncFlowEdges(prev, graph, runNodes, byEdge, ro)), [graph, runNodes, byEdge, ro]);

  const selectNodes = useCallback((ids: string[]) => {
    const set = new Set(ids);
    setNodes((nds) => nds.map((n) => (Boolean(n.selected) === set.has(n.id) ? n : { ...n, selected: set.has(n.id) })));
    setEdges((eds) => (eds.some((e) => e.selected) ? eds.map((e) => (e.selected ? { ...e, selected: false } : e)) : eds));
  }, []);

  // Select what was just added, pasted or duplicated.
  useEffect(() => {
    const ids = inserted.filter((id) => store.getState().graph.nodes.some((n) => n.id === id));
    if (ids.length) selectNodes(ids);
  }, [inserted, selectNodes, store]);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    // Removals go through the store (onDelete), never straight into local state.
    const kept = changes.filter((c) => c.type !== "remove");
    if (kept.length) setNodes((nds) => applyNodeChanges(kept, nds));
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    const kept = changes.filter((c) => c.type !== "remove");
    if (kept.length) setEdges((eds) => applyEdgeChanges(kept, eds));
  }, []);
  const onDelete = useCallback(
    ({ nodes: ns, edges: es }: { nodes: FlowNode[]; edges: FlowEdge[] }) =>
      store.dispatch({ type: "removeElements", nodeIds: ns.map((n) => n.id), edgeIds: es.map((e) => e.id) }),
    [store],
  );
  const onNodeDragStop = useCallback(
    (_: unknown, _node: FlowNode, dragged: FlowNode[]) =>
      store.dispatch({ type: "moveNodes", positions: Object.fromEntries(dragged.map((n) => [n.id, n.position])) }),
    [store],
  );
  const onConnect = useCallback(
    (c: Connection) => store.dispatch({ type: "connect", source: c.source, target: c.target }),
    [store],
  );
  const isValidConnection = useCallback(
    (c: { source: string; target: string }) =>
      c.source !== c.target && !store.getState().graph.edges.some((e) => e.source === c.source && e.target === c.target),
    [store],
  );
  const handleSelection = useCallback(
    ({ nodes: ns, edges: es }: OnSelectionChangeParams<FlowNode, FlowEdge>) => onSelectionChange({ nodes: ns.map((n) => n.id), edges: es.map((e) => e.id) }),
    [onSelectionChange],
  );

  const onDragOver = useCallback(
    (e: DragEvent) => {
      if (ro || !e.dataTransfer.types.includes(KIND_MIME)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    },
    [ro],
  );
  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(KIND_MIME) as NodeKind;
      if (ro || !kind) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      store.dispatch({ type: "addNode", kind, position: { x: p.x - 96, y: p.y - 24 } });
    },
    [flow, ro, store],
  );

  // After an auto-layout, fit the view once React Flow has the new positions (its store is
  // updated by its own effects, which run before this one).
  const fitAfterLayout = useRef(false);
  useEffect(() => {
    if (!fitAfterLayout.current) return;
    fitAfterLayout.current = false;
    requestAnimationFrame(() => void flow.fitView({ ...fitViewOptions, duration: 200 }));
  }, [nodes, flow, fitViewOptions]);

  const api = useMemo<CanvasApi>(
    () => ({
      fitView: () => void flow.fitView({ ...fitViewOptions, duration: 200 }),
      center() {
        const r = wrapper.current?.getBoundingClientRect();
        if (!r) return { x: 0, y: 0 };
        return flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
      },
      autoLayout() {
        const sizes = Object.fromEntries(
          flow.getNodes().map((n) => [n.id, n.measured?.width && n.measured.height ? { width: n.measured.width, height: n.measured.height } : undefined]),
        );
        fitAfterLayout.current = true;
        store.dispatch({ type: "applyLayout", positions: dagreLayout(store.getState().graph, sizes) });
      },
      select: selectNodes,
    }),
    [fitViewOptions, flow, selectNodes, store],
  );
  useEffect(() => onReady?.(api), [api, onReady]);

  // Fit the view on load only when there is something to fit: an empty new workflow must not
  // jump to its first dropped node (drop positions would drift while building it).
  const [fitOnInit] = useState(() => graph.nodes.length > 0);

  const actions = useMemo(() => ({ readOnly: ro, onOptimize }), [ro, onOptimize]);
  const big = nodes.length > 150;

  return (
    <CanvasActionsContext.Provider value={actions}>
      <div className={`canvas-inner${big ? " is-big" : ""}`} ref={wrapper} onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow<FlowNode, FlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onDelete={onDelete}
          onNodeDragStop={onNodeDragStop}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          onSelectionChange={handleSelection}
          nodesDraggable={!ro}
          nodesConnectable={!ro}
          deleteKeyCode={ro ? null : DELETE_KEYS}
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          selectionKeyCode="Shift"
          onlyRenderVisibleElements={big}
          fitView={fitOnInit}
          fitViewOptions={fitViewOptions}
          minZoom={0.05}
          maxZoom={2}
          proOptions={proOptions}
          data-testid="canvas"
          aria-label="Workflow canvas"
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
          <Controls showInteractive={false} position="bottom-left" aria-label="Zoom controls" />
          <MiniMap
            pannable
            zoomable
            position="bottom-right"
            nodeColor={minimapColor}
            nodeStrokeWidth={2}
            style={minimapStyle}
            maskColor="rgba(241, 245, 249, 0.7)"
            ariaLabel="Mini map"
          />
        </ReactFlow>
      </div>
    </CanvasActionsContext.Provider>
  );
}

/** The canvas with its own React Flow provider (React Flow is loaded as a separate chunk). */
export default function WorkflowCanvas(props: WorkflowCanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}
