/** Benchmark page: the editor's own canvas (document store + WorkflowCanvas) importing a graph. */
import "@xyflow/react/dist/style.css";
import "../../editor/src/styles.css";
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { flushSync } from "react-dom";
import type { Graph } from "../../engine/browser.js";
import WorkflowCanvas, { type CanvasApi } from "../../editor/src/canvas/WorkflowCanvas.js";
import { withPositions } from "../../editor/src/document/session.js";
import { createDocStore, DocStoreContext, type DocStore } from "../../editor/src/document/store.js";
import { validateDoc } from "../../editor/src/document/validation.js";
import { allInView, countBackEdges, countOverlaps, grabPoint, graphText, painted, panePoint, settle, startFrames, stopFrames } from "./harness.js";

const NO_RUN = {};
const noop = () => {};
let api: CanvasApi | null = null;
const setApi = (a: CanvasApi) => {
  api = a;
};
let setDoc: (d: { store: DocStore; key: number }) => void = noop;

function flowState() {
  const el = document.querySelector<HTMLElement>(".react-flow")!;
  return { boxes: api!.nodeBoxes(), viewport: api!.viewport(), el };
}

window.bench = {
  async importGraph(n) {
    const text = graphText(n);
    const t0 = performance.now();
    // What the editor does with an imported file: parse, validate, fill positions, open a document.
    const graph = JSON.parse(text) as Graph;
    if (!validateDoc(graph).ok) throw new Error("bench graph is invalid");
    const store = createDocStore(withPositions(graph));
    flushSync(() => setDoc({ store, key: n }));
    await painted();
    return performance.now() - t0;
  },
  async fitView() {
    api!.fitView();
    await settle(350);
    const { boxes, viewport, el } = flowState();
    return { fits: allInView(boxes, viewport, el), zoom: viewport.zoom };
  },
  async autoLayout() {
    const t0 = performance.now();
    await api!.autoLayout();
    await settle();
    const ms = performance.now() - t0;
    // The canvas fits the view after a layout with a 200 ms animation: let it end.
    await settle(800);
    const { boxes, viewport, el } = flowState();
    const edges = [...document.querySelectorAll(".react-flow__edge")].length ? api!.edges() : [];
    return { ms, overlaps: countOverlaps(boxes), backEdges: countBackEdges(boxes, edges), fits: allInView(boxes, viewport, el) };
  },
  startFrames,
  stopFrames,
  grabPoint,
  panePoint,
  position: (id) => api!.nodeBoxes().find((b) => b.id === id) ?? null,
  viewport: () => api!.viewport(),
};

function App() {
  const [doc, set] = useState<{ store: DocStore; key: number } | null>(null);
  setDoc = set;
  if (!doc) return null;
  return (
    <DocStoreContext.Provider value={doc.store}>
      <div className="bench-canvas">
        <WorkflowCanvas key={doc.key} runNodes={NO_RUN} readOnly={false} onSelectionChange={noop} onOptimize={noop} onReady={setApi} />
      </div>
    </DocStoreContext.Provider>
  );
}

createRoot(document.getElementById("root")!).render(<App />);
