/**
 * The editor shell: top-level navigation (Workflows | Datasets), the workflow list, the canvas
 * with its palette and toolbar, the right sidebar (inspector with Configure / Parameters /
 * Optimize tabs for AI nodes, the run form and the run history), saving, import/export, the
 * version history drawer, the command palette and the keyboard shortcuts.
 */
import { lazy, Suspense, useCallback, useRef, useState } from "react";
import type { Graph } from "../../engine/browser.js";
import { canRun, useAuth } from "./auth/context.js";
import type { CanvasApi, Selection } from "./canvas/WorkflowCanvas.js";
import { CommandPalette } from "./commands/CommandPalette.js";
import { NewWorkflowDialog } from "./commands/NewWorkflowDialog.js";
import { HistoryDrawer } from "./document/HistoryDrawer.js";
import { sessionFromRecord, useSaving, withPositions, type Session } from "./document/session.js";
import { DocStoreContext } from "./document/store.js";
import { DatasetsPanel } from "./datasets/DatasetsPanel.js";
import { ProvidersPanel } from "./providers/ProvidersPanel.js";
import { useProviderCatalogSync } from "./providers/useProviders.js";
import { EdgeInspector } from "./inspector/EdgeInspector.js";
import { GraphSettings } from "./inspector/GraphSettings.js";
import { readPaletteOpen, writePaletteOpen } from "./palette/filter.js";
import { Palette, PALETTE_INSET } from "./palette/Palette.js";
import { useEffectiveParamsSync } from "./parameters/effective-store.js";
import { RunHistory, RunPanel, useRun } from "./runs/index.js";
import { CanvasToolbar } from "./shell/CanvasToolbar.js";
import { Legend } from "./shell/Legend.js";
import { parseRoute } from "./shell/route.js";
import { useRouting } from "./shell/useRouting.js";
import { useImportExport } from "./shell/useImportExport.js";
import { NodeInspector, type InspectorTab } from "./shell/NodeInspector.js";
import { CanvasMenuContext } from "./canvas/menu-context.js";
import { ShortcutSheetHost } from "./shell/ShortcutSheet.js";
import { useCommands, type View } from "./shell/useCommands.js";
import { useWorkflowSession } from "./shell/useWorkflowSession.js";
import { Sidebar } from "./shell/Sidebar.js";
import { Topbar } from "./shell/Topbar.js";

// React Flow is the bulk of the bundle: load it as its own chunk, in parallel with the data.
const WorkflowCanvas = lazy(() => import("./canvas/WorkflowCanvas.js"));

type Tab = InspectorTab;

const NO_SELECTION: Selection = { nodes: [], edges: [] };

export function App() {
  const { user } = useAuth();
  const readOnly = !canRun(user.role);
  // The providers a graph may name: the document's validation checks AI nodes against them.
  useProviderCatalogSync();

  const [view, setView] = useState<View>(() => parseRoute(window.location.hash).view);
  // The optimization shown in the Optimize tab, and the one a URL asks it to show.
  const [optimizationId, setOptimizationId] = useState<string | null>(null);
  const [requestedOptimization, setRequestedOptimization] = useState<string | null>(null);
  const [datasetName, setDatasetName] = useState<string | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [tab, setTab] = useState<Tab>("configure");
  const [optimizeSignal, setOptimizeSignal] = useState(0);
  const [paletteOpen, setPaletteOpen] = useState(false);
  // The palette: open, or collapsed to a rail (remembered across reloads).
  const [nodesOpen, setNodesOpenState] = useState(readPaletteOpen);
  const setNodesOpen = useCallback((update: boolean | ((o: boolean) => boolean)) => {
    setNodesOpenState((o) => {
      const next = typeof update === "function" ? update(o) : update;
      writePaletteOpen(next);
      return next;
    });
  }, []);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [preview, setPreview] = useState<{ version: number; graph: Graph } | null>(null);
  const [notice, setNotice] = useState<{ kind: "info" | "error"; text: string } | null>(null);
  const canvasApi = useRef<CanvasApi | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const saving = useSaving(session, setSession, readOnly);
  const graph = saving.graph;
  const runs = useRun(session?.savedId ?? null);
  useEffectiveParamsSync(session?.ephemeral ? null : (session?.savedId ?? null), session?.savedVersion ?? null, runs.showRun, runs.run.inputs);

  const resetEditorState = useCallback(() => {
    setSelection(NO_SELECTION);
    setTab("configure");
    setPreview(null);
    setHistoryOpen(false);
    setNotice(null);
  }, []);

  const { workflows, loading, loadError, openSession, openWorkflow, newWorkflow, newDialog, closeNewDialog, createWorkflow, existingIds, loadStress } = useWorkflowSession({ session, setSession, saving, readOnly, setView, canvasApi, resetEditorState });

  // ----- import / export -----
  const { onImportFile, exportGraph } = useImportExport({ session, graph, dirty: saving.dirty, readOnly, openSession, setNotice });

  // ----- commands and shortcuts (shell/useCommands.ts) -----
  const { editing, addNode, undo, redo, duplicate, deleteSelection, autoLayout, fitView, save, commands, menuActions } = useCommands({
    view,
    setView,
    session,
    readOnly,
    previewing: Boolean(preview),
    selection,
    canvasApi,
    saving,
    runs,
    fileInput,
    newWorkflow,
    newDialogOpen: Boolean(newDialog),
    exportGraph,
    loadStress,
    setHistoryOpen,
    paletteOpen,
    setPaletteOpen,
    setNotice,
  });

  const onOptimize = useCallback((nodeId: string) => {
    canvasApi.current?.select([nodeId]);
    setSelection({ nodes: [nodeId], edges: [] });
    setTab("optimize");
    setOptimizeSignal((n) => n + 1);
  }, []);
  const selectWhenReady = useRef<string[] | null>(null);
  const onReady = useCallback((api: CanvasApi) => {
    canvasApi.current = api;
    if (selectWhenReady.current) api.select(selectWhenReady.current);
    selectWhenReady.current = null;
  }, []);

  // ----- the URL: what is shown, down to a run, an optimization or a version -----
  const optimizeShown = tab === "optimize" && selection.nodes.length === 1 && selection.edges.length === 0;
  useRouting({
    current:
      view === "datasets"
        ? { view: "datasets", dataset: datasetName ?? undefined }
        : view === "providers"
          ? { view: "providers" }
          : { view: "workflows", workflowId: session?.savedId ?? null, runId: runs.run.runId ?? undefined, optimizationId: optimizeShown ? (optimizationId ?? undefined) : undefined, version: preview?.version },
    ready: Boolean(workflows.data),
    fallbackWorkflowId: workflows.data?.[0]?.id ?? null,
    openId: session?.savedId ?? null,
    sessionKey: session?.key ?? null,
    showDatasets: (name) => {
      setView("datasets");
      if (name) setDatasetName(name);
    },
    showProviders: () => setView("providers"),
    showWorkflows: () => setView("workflows"),
    openWorkflow,
    showRun: (runId) => (runId ? runs.showRun(runId) : runs.reset()),
    showVersion: (version, g) => {
      setPreview({ version, graph: withPositions(g) });
      setHistoryOpen(true);
    },
    hideVersion: () => setPreview(null),
    showOptimization: (id, nodeId) => {
      // The canvas of a workflow just opened may not be there yet: it selects the node when ready.
      if (canvasApi.current) canvasApi.current.select([nodeId]);
      else selectWhenReady.current = [nodeId];
      setSelection({ nodes: [nodeId], edges: [] });
      setTab("optimize");
      setOptimizationId(id);
      setRequestedOptimization(id);
    },
    hideOptimization: () => setTab((t) => (t === "optimize" ? "configure" : t)),
    onError: (text) => setNotice({ kind: "error", text }),
  });
  const onShownOptimization = useCallback((id: string | null) => setOptimizationId(id), []);

  // ----- rendering -----
  const selectedNodeId = selection.nodes.length === 1 && selection.edges.length === 0 ? selection.nodes[0] : null;
  const selectedEdgeId = selection.edges.length === 1 && selection.nodes.length === 0 ? selection.edges[0] : null;
  const shownGraph = preview?.graph ?? graph;
  const selectedNode = selectedNodeId ? shownGraph?.nodes.find((n) => n.id === selectedNodeId) : undefined;

  return (
    <div className={`app${view === "datasets" || view === "providers" ? " app--wide" : ""}`}>
      <Sidebar
        view={view}
        onView={setView}
        readOnly={readOnly}
        onNew={newWorkflow}
        onImport={() => fileInput.current?.click()}
        openWorkflowId={session?.savedId ?? null}
        onOpenWorkflow={(id) => void openWorkflow(id)}
      >
        <input ref={fileInput} type="file" accept=".json,application/json" hidden data-testid="import-file" onChange={(e) => void onImportFile(e)} />
      </Sidebar>

      {view === "datasets" ? (
        <main className="main main--wide" data-testid="datasets-view">
          <DatasetsPanel dataset={datasetName} onSelect={setDatasetName} />
        </main>
      ) : view === "providers" ? (
        <main className="main main--wide" data-testid="providers-view">
          <ProvidersPanel />
        </main>
      ) : (
        <DocStoreContext.Provider value={session?.store ?? null}>
          <main className="main">
            <Topbar
              graph={graph}
              loading={loading}
              session={session}
              saving={saving}
              readOnly={readOnly}
              historyOpen={historyOpen}
              onSave={save}
              onToggleHistory={() => setHistoryOpen((o) => !o)}
              onExport={() => void exportGraph()}
              onCommands={() => setPaletteOpen(true)}
            />
            <div className="canvas-wrap">
              {loadError ? <div className="error-box floating">{loadError}</div> : null}
              {notice ? (
                <div className={`toast toast-${notice.kind}`} role="status" data-testid="editor-notice">
                  {notice.text}
                  <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => setNotice(null)}>
                    ×
                  </button>
                </div>
              ) : null}
              {session ? (
                <>
                  <CanvasMenuContext.Provider value={menuActions}>
                    <Suspense fallback={<div className="muted pad">Loading canvas…</div>}>
                      <WorkflowCanvas
                        key={session.key}
                        runNodes={runs.run.nodes}
                        readOnly={readOnly}
                        preview={preview?.graph ?? null}
                        onSelectionChange={setSelection}
                        onOptimize={onOptimize}
                        onReady={onReady}
                        leftInset={editing ? PALETTE_INSET[nodesOpen ? "open" : "collapsed"] : 0}
                      />
                    </Suspense>
                  </CanvasMenuContext.Provider>
                  {editing ? <Palette open={nodesOpen} onAdd={addNode} onOpenChange={setNodesOpen} /> : null}
                  <CanvasToolbar
                    editing={editing}
                    onUndo={undo}
                    onRedo={redo}
                    onLayout={autoLayout}
                    onFit={fitView}
                    nodesOpen={nodesOpen}
                    onToggleNodes={() => setNodesOpen((o) => !o)}
                  />
                  {readOnly ? (
                    <div className="canvas-note" data-testid="readonly-editor-note">
                      Read-only: your role is viewer. Editing workflows needs the editor role.
                    </div>
                  ) : null}
                  {preview ? (
                    <div className="canvas-note canvas-note--preview" data-testid="version-preview">
                      Viewing version {preview.version} (read-only)
                      <button type="button" className="btn btn-sm" data-testid="preview-close" onClick={() => setPreview(null)}>
                        Back to editing
                      </button>
                    </div>
                  ) : null}
                  {session.ephemeral ? <div className="canvas-note">Stress graph: not saved</div> : null}
                  <Legend />
                </>
              ) : null}
              {historyOpen && session?.savedId && session.savedVersion ? (
                <HistoryDrawer
                  workflowId={session.savedId}
                  currentVersion={session.savedVersion}
                  readOnly={readOnly}
                  previewVersion={preview?.version ?? null}
                  onPreview={(version, g) => setPreview({ version, graph: withPositions(g) })}
                  onRestored={(record) => {
                    openSession(sessionFromRecord(record));
                    setNotice({ kind: "info", text: `Restored as version ${record.version}` });
                  }}
                  onClose={() => setHistoryOpen(false)}
                />
              ) : null}
            </div>
          </main>

          <aside className="rightbar" aria-label="Inspector and runs">
            {session && graph ? (
              <>
                {selectedNode ? (
                  <NodeInspector
                    node={selectedNode}
                    graph={graph}
                    savedId={session.savedId}
                    tab={tab}
                    onTab={setTab}
                    previewing={Boolean(preview)}
                    readOnly={readOnly}
                    runs={runs}
                    optimizeSignal={optimizeSignal}
                    requestedOptimization={requestedOptimization}
                    onShownOptimization={onShownOptimization}
                    onSelect={(ids) => canvasApi.current?.select(ids)}
                  />
                ) : selectedEdgeId && !preview ? (
                  <EdgeInspector edgeId={selectedEdgeId} readOnly={readOnly} />
                ) : selection.nodes.length > 1 ? (
                  <section className="panel-section" data-testid="multi-selection">
                    <div className="section-title">{selection.nodes.length} nodes selected</div>
                    <div className="button-row">
                      <button type="button" className="btn btn-sm" disabled={!editing} onClick={duplicate}>
                        Duplicate
                      </button>
                      <button type="button" className="btn btn-sm" disabled={!editing} onClick={deleteSelection}>
                        Delete
                      </button>
                    </div>
                  </section>
                ) : (
                  <GraphSettings readOnly={readOnly || Boolean(preview)} idEditable={!session.savedId} />
                )}
                {session.savedId ? (
                  <>
                    <RunPanel
                      key={session.savedId}
                      graph={graph}
                      run={runs.run}
                      streamStatus={runs.streamStatus}
                      streamError={runs.streamError}
                      onStarted={runs.showRun}
                      draft={{ dirty: saving.dirty, issues: saving.issueCount, baseVersion: session.savedVersion }}
                    />
                    <RunHistory workflowId={session.savedId} currentRunId={runs.run.runId} onSelect={runs.showRun} />
                  </>
                ) : (
                  <div className="panel-section hint muted small">{session.ephemeral ? "The stress graph cannot be run." : "Save the workflow to run it."}</div>
                )}
              </>
            ) : null}
          </aside>
          {paletteOpen ? <CommandPalette commands={commands} onClose={() => setPaletteOpen(false)} /> : null}
        </DocStoreContext.Provider>
      )}
      {paletteOpen && (view === "datasets" || view === "providers") ? <CommandPalette commands={commands} onClose={() => setPaletteOpen(false)} /> : null}
      <ShortcutSheetHost commands={commands} />
      {newDialog ? <NewWorkflowDialog existingIds={existingIds} returnFocusTo={newDialog.returnFocusTo} onCreate={createWorkflow} onClose={closeNewDialog} /> : null}
    </div>
  );
}
