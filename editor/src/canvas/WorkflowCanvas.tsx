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
  useStoreApi,
  type Connection,
  type FitViewOptions,
  type EdgeChange,
  type NodeChange,
  type OnSelectionChangeParams,
} from "@xyflow/react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent } from "react";
import type { Graph, GraphIssue, NodeKind } from "../../../engine/browser.js";
import { KIND_MIME } from "../document/defaults.js";
import { selectGraph, useDoc, useDocStore, useValidation } from "../document/store.js";
import type { NodeRunState } from "../run-state.js";
import { autoLayout } from "./auto-layout.js";
import "./canvas.css";
import { edgeTypes, type FlowEdge } from "./edges.js";
import { syncFlowEdges, syncFlowNodes } from "./graph-to-flow.js";
import { CanvasActionsContext, nodeTypes, type FlowNode } from "./nodes.js";
import { boundsOf, COMPACT_ZOOM, FAR_ZOOM, ESTIMATED_HEIGHT, initialViewport, MAX_FIT_ZOOM, MAX_ZOOM, MIN_ZOOM, NODE_WIDTH, type Insets, type Viewport } from "./viewport.js";
import { useCanvasContextMenu } from "./ContextMenu.js";
import { NOTE_NODE_TYPE, withNoteNodes } from "./note-flow.js";
import { NoteNode } from "./NoteNode.js";
import { useTheme } from "../shell/theme.js";

// The graph's node types plus sticky notes (a module constant: React Flow re-mounts on a new object).
const allNodeTypes = { ...nodeTypes, [NOTE_NODE_TYPE]: NoteNode };

const MINIMAP_COLORS: Record<string, string> = {
  pending: "#cbd5e1",
  queued: "#94a3b8",
  running: "#3b82f6",
  succeeded: "#10b981",
  failed: "#ef4444",
  skipped: "#e2e8f0",
  cancelled: "#f59e0b",
};

function insetsOf(leftInset: number): Insets {
  return { top: 64, left: leftInset + 24, right: 24, bottom: 24 };
}
function fitOptions(leftInset: number): FitViewOptions<FlowNode> {
  const i = insetsOf(leftInset);
  return { padding: { top: `${i.top}px`, left: `${i.left}px`, right: `${i.right}px`, bottom: `${i.bottom}px` }, maxZoom: MAX_FIT_ZOOM, minZoom: MIN_ZOOM };
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
  /** Lays the document out (dagre up to 100 nodes, the layered layout above; one undoable step) and fits the view; resolves once applied. */
  autoLayout(): Promise<void>;
  /** Selects exactly these nodes. */
  select(nodeIds: string[]): void;
  /** Every node's box in flow coordinates (measured size, or the default before measuring). */
  nodeBoxes(): NodeBox[];
  /** The current viewport (flow → screen: x + zoom·flowX). */
  viewport(): { x: number; y: number; zoom: number };
  /** The edges shown, as source/target pairs. */
  edges(): { id: string; source: string; target: string }[];
}

export interface NodeBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
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

  const [nodes, setNodes] = useState<FlowNode[]>(() => withNoteNodes([], syncFlowNodes([], graph, runNodes, byNode, ro), graph, ro));
  const [edges, setEdges] = useState<FlowEdge[]>(() => syncFlowEdges([], graph, runNodes, byEdge, ro));
  useEffect(() => {
    setNodes((prev) => withNoteNodes(prev, syncFlowNodes(prev, graph, runNodes, byNode, ro), graph, ro));
  }, [graph, runNodes, byNode, ro]);
  useEffect(() => {
    setEdges((prev) => syncFlowEdges(prev, graph, runNodes, byEdge, ro));
  }, [graph, runNodes, byEdge, ro]);

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
        const graph = store.getState().graph;
        // Measured sizes, never below the estimate: nodes measured as compact cards (or never
        // rendered) must not overlap once shown in full.
        const measured = new Map(flow.getNodes().map((n) => [n.id, n.measured]));
        const sizes = Object.fromEntries(
          graph.nodes.map((n) => {
            const m = measured.get(n.id);
            return [n.id, { width: Math.max(m?.width ?? 0, NODE_WIDTH), height: Math.max(m?.height ?? 0, ESTIMATED_HEIGHT[n.kind]) }];
          }),
        );
        fitAfterLayout.current = true;
        store.dispatch({ type: "applyLayout", positions: autoLayout(graph, sizes) });
        return Promise.resolve();
      },
      select: selectNodes,
      nodeBoxes: () =>
        flow.getNodes().map((n) => ({ id: n.id, x: n.position.x, y: n.position.y, width: n.measured?.width ?? 192, height: n.measured?.height ?? 110 })),
      viewport: () => flow.getViewport(),
      edges: () => flow.getEdges().map((e) => ({ id: e.id, source: e.source, target: e.target })),
    }),
    [fitViewOptions, flow, selectNodes, store],
  );
  useEffect(() => {
    onReady?.(api);
  }, [api, onReady]);

  // The opening view is computed from the stored positions before React Flow renders (so that a
  // big graph renders once, already as compact cards); an empty workflow opens at zoom 1 and
  // does not jump to its first dropped node.
  const [initialView, setInitialView] = useState<Viewport | null>(null);
  useLayoutEffect(() => {
    const r = wrapper.current?.getBoundingClientRect();
    const area = { width: r?.width || window.innerWidth, height: r?.height || window.innerHeight };
    const view = initialViewport(boundsOf(graph.nodes), area, insetsOf(leftInset), graph.nodes.length);
    setInitialView(view);
    setCompact(view.zoom < COMPACT_ZOOM);
    setFar(view.zoom < FAR_ZOOM);
    // Once, on mount: later changes of the graph keep the user's view.
  }, []);

  // Zoomed out past readable text, nodes render as compact cards; they re-render only on crossing.
  const [compact, setCompact] = useState(false);
  const rfStore = useStoreApi<FlowNode, FlowEdge>();
  // "Far" only hides titles with CSS: a class toggled on the wrapper (kept in a ref so that a
  // re-render writes the same class), never a React re-render of 1,000 nodes.
  const far = useRef(false);
  const setFar = useCallback((on: boolean) => {
    far.current = on;
    wrapper.current?.classList.toggle("is-far", on);
  }, []);
  // Until React Flow has its pan-zoom (and the opening viewport), its transform is the default one.
  useEffect(() => {
    return rfStore.subscribe((s) => {
      if (!s.panZoom) return;
      setCompact(s.transform[2] < COMPACT_ZOOM);
      // Painting 1,000 unreadable titles dominated pan frames (npm run bench:editor): a class, not a re-render.
      setFar(s.transform[2] < FAR_ZOOM);
    });
  }, [rfStore]);

  const actions = useMemo(() => ({ readOnly: ro, onOptimize, compact }), [ro, onOptimize, compact]);
  const { theme } = useTheme();
  const contextMenu = useCanvasContextMenu(ro);
  const big = nodes.length > 150;

  return (
    <CanvasActionsContext.Provider value={actions}>
      <div className={`canvas-inner${big ? " is-big" : ""}${compact ? " is-compact" : ""}${far.current ? " is-far" : ""}`} ref={wrapper} onDragOver={onDragOver} onDrop={onDrop}>
        {initialView ? (
        <ReactFlow<FlowNode, FlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={allNodeTypes}
          colorMode={theme}
          {...contextMenu.handlers}
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
          // Measured (npm run bench:editor): culling costs an O(n) pass and list re-render per pan
          // and drag frame; compact cards keep all 1,000 nodes cheaper than that.
          onlyRenderVisibleElements={false}
          defaultViewport={initialView}
          fitViewOptions={fitViewOptions}
          minZoom={MIN_ZOOM}
          maxZoom={MAX_ZOOM}
          proOptions={proOptions}
          data-testid="canvas"
          aria-label="Workflow canvas"
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="var(--canvas-dots)" />
          <Controls showInteractive={false} position="bottom-left" aria-label="Zoom controls" />
          <MiniMap
            pannable
            zoomable
            position="bottom-right"
            nodeColor={minimapColor}
            nodeStrokeWidth={2}
            style={minimapStyle}
            maskColor="var(--minimap-mask)"
            ariaLabel="Mini map"
          />
        </ReactFlow>
        ) : null}
        {contextMenu.element}
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
