/**
 * Benchmark page: plain React Flow with default nodes and edges rendering the same graph (the
 * reference the editor's canvas is compared with). Auto-layout is plain dagre on measured sizes.
 */
import "@xyflow/react/dist/style.css";
import { Graph as DagreGraph, layout } from "@dagrejs/dagre";
import { ReactFlow, ReactFlowProvider, useEdgesState, useNodesState, useReactFlow, type Edge, type Node } from "@xyflow/react";
import { useEffect } from "react";
import { createRoot } from "react-dom/client";
import { flushSync } from "react-dom";
import type { Graph } from "../../engine/browser.js";
import { allInView, countBackEdges, countOverlaps, grabPoint, graphText, painted, panePoint, settle, startFrames, stopFrames, type Box } from "./harness.js";

let setAll: (nodes: Node[], edges: Edge[]) => void = () => {};
let rf: ReturnType<typeof useReactFlow> | null = null;

function boxes(): Box[] {
  return rf!.getNodes().map((n) => ({ id: n.id, x: n.position.x, y: n.position.y, width: n.measured?.width ?? 150, height: n.measured?.height ?? 40 }));
}
function flowState() {
  return { boxes: boxes(), viewport: rf!.getViewport(), el: document.querySelector<HTMLElement>(".react-flow")! };
}

window.bench = {
  async importGraph(n) {
    const text = graphText(n);
    const t0 = performance.now();
    const g = JSON.parse(text) as Graph;
    const nodes: Node[] = g.nodes.map((x) => ({ id: x.id, position: x.position ?? { x: 0, y: 0 }, data: { label: x.label ?? x.id } }));
    const edges: Edge[] = g.edges.map((e) => ({ id: e.id, source: e.source, target: e.target }));
    flushSync(() => setAll(nodes, edges));
    await painted();
    return performance.now() - t0;
  },
  async fitView() {
    await rf!.fitView();
    await settle(350);
    const { boxes: b, viewport, el } = flowState();
    return { fits: allInView(b, viewport, el), zoom: viewport.zoom };
  },
  async autoLayout() {
    const t0 = performance.now();
    const g = new DagreGraph();
    g.setGraph({ rankdir: "LR" });
    g.setDefaultEdgeLabel(() => ({}));
    for (const b of boxes()) g.setNode(b.id, { width: b.width, height: b.height });
    for (const e of rf!.getEdges()) g.setEdge(e.source, e.target);
    layout(g);
    rf!.setNodes((nds) => nds.map((n) => {
      const p = g.node(n.id);
      return { ...n, position: { x: p.x - p.width / 2, y: p.y - p.height / 2 } };
    }));
    await settle();
    const ms = performance.now() - t0;
    await rf!.fitView();
    await settle(350);
    const { boxes: b, viewport, el } = flowState();
    return { ms, overlaps: countOverlaps(b), backEdges: countBackEdges(b, rf!.getEdges()), fits: allInView(b, viewport, el) };
  },
  startFrames,
  stopFrames,
  grabPoint,
  panePoint,
  position: (id) => rf!.getNode(id)?.position ?? null,
  viewport: () => rf!.getViewport(),
};

function Flow() {
  const [nodes, setNodes, onNodesChange] = useNodesState<Node>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);
  rf = useReactFlow();
  useEffect(() => {
    setAll = (n, e) => {
      setNodes(n);
      setEdges(e);
    };
  }, [setNodes, setEdges]);
  return (
    <div className="bench-canvas">
      <ReactFlow nodes={nodes} edges={edges} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} fitView minZoom={0.02} />
    </div>
  );
}

createRoot(document.getElementById("root")!).render(
  <ReactFlowProvider>
    <Flow />
  </ReactFlowProvider>,
);
