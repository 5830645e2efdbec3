import {
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  type NodeChange,
  type NodeMouseHandler,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Graph } from "../../../engine/browser.js";
import type { NodeRunState } from "../run-state.js";
import { edgeTypes } from "./edges.js";
import { toFlowEdges, toFlowNodes, withRunState } from "./graph-to-flow.js";
import { nodeTypes, type FlowNode } from "./nodes.js";

const MINIMAP_COLORS: Record<string, string> = {
  pending: "#cbd5e1",
  queued: "#94a3b8",
  running: "#3b82f6",
  succeeded: "#10b981",
  failed: "#ef4444",
  skipped: "#e2e8f0",
  cancelled: "#f59e0b",
};

const fitViewOptions = { padding: 0.12, maxZoom: 1.1 };
const minimapStyle = { width: 168, height: 108 };
const proOptions = { hideAttribution: true };

export interface WorkflowCanvasProps {
  graph: Graph;
  runNodes: Record<string, NodeRunState>;
  selectedNodeId: string | null;
  onSelectNode: (id: string | null) => void;
}

function Canvas({ graph, runNodes, selectedNodeId, onSelectNode }: WorkflowCanvasProps) {
  // Nodes live in state so they can be dragged around (positions are not saved yet).
  const [nodes, setNodes] = useState<FlowNode[]>(() => toFlowNodes(graph, runNodes));
  useEffect(() => setNodes(toFlowNodes(graph, {})), [graph]);
  useEffect(() => setNodes((nds) => withRunState(nds, runNodes)), [runNodes, graph]);
  useEffect(
    () =>
      setNodes((nds) =>
        nds.some((n) => Boolean(n.selected) !== (n.id === selectedNodeId))
          ? nds.map((n) => (Boolean(n.selected) === (n.id === selectedNodeId) ? n : { ...n, selected: n.id === selectedNodeId }))
          : nds,
      ),
    [selectedNodeId, nodes.length],
  );

  const edges = useMemo(() => toFlowEdges(graph, runNodes), [graph, runNodes]);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    setNodes((nds) => applyNodeChanges(changes, nds));
  }, []);
  const onNodeClick: NodeMouseHandler<FlowNode> = useCallback((_, node) => onSelectNode(node.id), [onSelectNode]);
  const onPaneClick = useCallback(() => onSelectNode(null), [onSelectNode]);

  return (
    <ReactFlow<FlowNode>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onNodesChange={onNodesChange}
      onNodeClick={onNodeClick}
      onPaneClick={onPaneClick}
      nodesConnectable={false}
      fitView
      fitViewOptions={fitViewOptions}
      minZoom={0.2}
      maxZoom={2}
      proOptions={proOptions}
      data-testid="canvas"
    >
      <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
      <Controls showInteractive={false} position="bottom-left" />
      <MiniMap
        pannable
        zoomable
        position="bottom-right"
        nodeColor={(n) => MINIMAP_COLORS[(n as FlowNode).data.run?.status ?? "pending"]}
        nodeStrokeWidth={2}
        style={minimapStyle}
        maskColor="rgba(241, 245, 249, 0.7)"
      />
    </ReactFlow>
  );
}

/** Draws one workflow. Remount it (key) per workflow so the view fits the new graph. */
export default function WorkflowCanvas(props: WorkflowCanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}
