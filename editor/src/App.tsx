/**
 * The editor shell: top-level navigation (Workflows | Datasets), the workflow list, the canvas
 * with its palette and toolbar, the right sidebar (inspector with Configure / Parameters /
 * Optimize tabs for AI nodes, the run form and the run history), saving, import/export, the
 * version history drawer, the command palette and the keyboard shortcuts.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Graph, NodeKind } from "../../engine/browser.js";
import { canRun, useAuth } from "./auth/context.js";
import { UserBadge } from "./auth/UserBadge.js";
import type { CanvasApi, Selection } from "./canvas/WorkflowCanvas.js";
import { CommandPalette, type Command } from "./commands/CommandPalette.js";
import { NewWorkflowDialog } from "./commands/NewWorkflowDialog.js";
import { copyNodes, parseClip, serializeClip, type Clip } from "./document/clipboard.js";
import { KIND_INFO } from "./document/defaults.js";
import { HistoryDrawer } from "./document/HistoryDrawer.js";
import { newSession, sessionFromRecord, useSaving, withPositions, type Session } from "./document/session.js";
import { DocStoreContext } from "./document/store.js";
import { stressGraph } from "./document/stress.js";
import { graphFromTemplate, type TemplateId } from "./document/templates.js";
import { DatasetsPanel } from "./datasets/DatasetsPanel.js";
import { ProvidersPanel } from "./providers/ProvidersPanel.js";
import { useProviderCatalogSync } from "./providers/useProviders.js";
import { EdgeInspector } from "./inspector/EdgeInspector.js";
import { GraphSettings } from "./inspector/GraphSettings.js";
import { WorkflowList } from "./panels/WorkflowList.js";
import { readPaletteOpen, writePaletteOpen } from "./palette/filter.js";
import { Palette, PALETTE_INSET } from "./palette/Palette.js";
import { useEffectiveParamsSync } from "./parameters/effective-store.js";
import { RunHistory, RunPanel, useRun } from "./runs/index.js";
import { useTRPC, type WorkflowRecord } from "./trpc.js";
import { CanvasToolbar } from "./shell/CanvasToolbar.js";
import { isMac, MOD } from "./shell/keys.js";
import { Legend } from "./shell/Legend.js";
import { parseRoute } from "./shell/route.js";
import { useRouting } from "./shell/useRouting.js";
import { useImportExport } from "./shell/useImportExport.js";
import { NodeInspector, type InspectorTab } from "./shell/NodeInspector.js";
import { SaveIndicator } from "./shell/SaveIndicator.js";
import { CanvasMenuContext, type CanvasMenuActions } from "./canvas/menu-context.js";
import { isFinished } from "./run-state.js";
import { openShortcutSheet, ShortcutSheetHost } from "./shell/ShortcutSheet.js";
import { setThemePref } from "./shell/theme.js";
import { ThemeToggle } from "./shell/ThemeToggle.js";
import { BrandLogo } from "./ui.js";

// React Flow is the bulk of the bundle: load it as its own chunk, in parallel with the data.
const WorkflowCanvas = lazy(() => import("./canvas/WorkflowCanvas.js"));

type View = "workflows" | "datasets" | "providers";
type Tab = InspectorTab;

const NO_SELECTION: Selection = { nodes: [], edges: [] };

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

export function App() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user } = useAuth();
  const readOnly = !canRun(user.role);
  const workflows = useQuery(trpc.workflows.list.queryOptions());
  // The providers a graph may name: the document's validation checks AI nodes against them.
  useProviderCatalogSync();

  const [view, setView] = useState<View>(() => parseRoute(window.location.hash).view);
  // The optimization shown in the Optimize tab, and the one a URL asks it to show.
  const [optimizationId, setOptimizationId] = useState<string | null>(null);
  const [requestedOptimization, setRequestedOptimization] = useState<string | null>(null);
  const [datasetName, setDatasetName] = useState<string | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
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
  const clip = useRef<{ clip: Clip; pastes: number } | null>(null);
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

  // Every open bumps this; a workflow load that finishes after a later open is dropped.
  const loadSeq = useRef(0);
  // (The URL follows the view: see shell/useRouting.ts.)
  const openSession = useCallback(
    (s: Session) => {
      loadSeq.current += 1;
      // The new session's canvas reports itself when ready (onReady).
      canvasApi.current = null;
      setSession(s);
      resetEditorState();
      setLoadError(null);
    },
    [resetEditorState],
  );

  // Closing a workflow saves its pending changes first; only invalid ones need a "discard?".
  const leaveWorkflow = useCallback(async () => {
    if (!session || !saving.dirty || saving.state === "ephemeral" || readOnly) return true;
    if (saving.validation?.savable) {
      await saving.flush();
      return true;
    }
    return window.confirm("Discard the unsaved changes of this workflow?");
  }, [readOnly, saving, session]);

  const openWorkflow = useCallback(
    async (id: string): Promise<boolean> => {
      if (session?.savedId === id && !session.ephemeral) return true;
      if (!(await leaveWorkflow())) return false;
      setView("workflows");
      setLoading(true);
      const mine = ++loadSeq.current;
      try {
        const record = await queryClient.fetchQuery({ ...trpc.workflows.get.queryOptions({ id }), staleTime: 0 });
        if (mine !== loadSeq.current) return false;
        openSession(sessionFromRecord(record as WorkflowRecord));
        return true;
      } catch (err) {
        if (mine !== loadSeq.current) return false;
        setLoadError(err instanceof Error ? err.message : String(err));
        return false;
      } finally {
        setLoading(false);
      }
    },
    [leaveWorkflow, openSession, queryClient, session, trpc],
  );


  // "New workflow" asks for the name (and id) in a dialog; focus goes back to its trigger.
  const [newDialog, setNewDialog] = useState<{ returnFocusTo: HTMLElement | null } | null>(null);
  const newWorkflow = useCallback(() => {
    if (readOnly) return;
    // Saves what is pending (queued before the new session starts); invalid changes need a "discard?".
    if (session && saving.dirty && saving.state !== "ephemeral") {
      if (saving.validation?.savable) void saving.flush();
      else if (!window.confirm("Discard the unsaved changes of this workflow?")) return;
    }
    // From the command palette, the focus is nowhere (the palette is gone): return it to the toolbar.
    const active = document.activeElement;
    const returnFocusTo =
      active instanceof HTMLElement && active !== document.body
        ? active
        : document.querySelector<HTMLElement>('[data-testid="command-button"]') ?? document.querySelector<HTMLElement>('[data-testid="new-workflow"]');
    setNewDialog({ returnFocusTo });
  }, [readOnly, saving, session]);
  const createWorkflow = useCallback(
    (title: string, id: string, template: TemplateId) => {
      setNewDialog(null);
      setView("workflows");
      // A template is a valid graph: the session creates the workflow on the server at once.
      openSession(newSession(graphFromTemplate(template, id, title)));
    },
    [openSession],
  );
  const existingIds = useMemo(() => (workflows.data ?? []).map((w) => w.id), [workflows.data]);

  const loadStress = useCallback(() => {
    openSession(newSession(stressGraph(500), true));
    setView("workflows");
  }, [openSession]);

  // ----- document operations -----
  const store = session?.store;
  const addNode = useCallback(
    (kind: NodeKind) => {
      if (!store || readOnly || preview) return;
      const c = canvasApi.current?.center() ?? { x: 0, y: 0 };
      const n = store.getState().graph.nodes.length;
      store.dispatch({ type: "addNode", kind, position: { x: c.x - 96 + (n % 5) * 16, y: c.y - 40 + (n % 5) * 16 } });
    },
    [preview, readOnly, store],
  );
  const copySelection = useCallback(() => {
    if (!store || !selection.nodes.length) return;
    const c = copyNodes(store.getState().graph, selection.nodes);
    clip.current = { clip: c, pastes: 0 };
    void navigator.clipboard?.writeText(serializeClip(c)).catch(() => {});
  }, [selection.nodes, store]);
  const paste = useCallback(async () => {
    if (!store || readOnly || preview) return;
    let c = clip.current;
    if (!c) {
      const text = await navigator.clipboard?.readText().catch(() => "");
      const parsed = text ? parseClip(text) : null;
      if (parsed) c = clip.current = { clip: parsed, pastes: 0 };
    }
    if (!c) return;
    c.pastes += 1;
    store.dispatch({ type: "paste", clip: c.clip, offset: { x: 40 * c.pastes, y: 40 * c.pastes } });
  }, [preview, readOnly, store]);
  const duplicate = useCallback(() => {
    if (!store || readOnly || preview || !selection.nodes.length) return;
    store.dispatch({ type: "duplicate", nodeIds: selection.nodes });
  }, [preview, readOnly, selection.nodes, store]);
  const undo = useCallback(() => !readOnly && !preview && store?.dispatch({ type: "undo" }), [preview, readOnly, store]);
  const redo = useCallback(() => !readOnly && !preview && store?.dispatch({ type: "redo" }), [preview, readOnly, store]);
  const deleteSelection = useCallback(() => {
    if (!store || readOnly || preview) return;
    store.dispatch({ type: "removeElements", nodeIds: selection.nodes, edgeIds: selection.edges });
  }, [preview, readOnly, selection, store]);
  const autoLayout = useCallback(() => !readOnly && !preview && canvasApi.current?.autoLayout(), [preview, readOnly]);
  const fitView = useCallback(() => canvasApi.current?.fitView(), []);
  const save = useCallback(() => {
    if (saving.state === "invalid") setNotice({ kind: "error", text: `Not saved: fix ${saving.issueCount} validation issue${saving.issueCount === 1 ? "" : "s"} first` });
    void saving.save();
  }, [saving]);

  // ----- import / export -----
  const { onImportFile, exportGraph } = useImportExport({ session, graph, dirty: saving.dirty, readOnly, openSession, setNotice });

  const runWorkflow = useCallback(() => {
    const btn = document.querySelector<HTMLButtonElement>('[data-testid="run-button"]');
    if (btn && !btn.disabled) btn.click();
    else setNotice({ kind: "info", text: session?.savedId ? "The run cannot start now" : "Save the workflow before running it" });
  }, [session?.savedId]);

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

  // ----- commands and shortcuts -----
  const editing = view === "workflows" && Boolean(session) && !readOnly && !preview;
  const addNoteAtCenter = useCallback(() => {
    if (!store || readOnly || preview) return;
    const c = canvasApi.current?.center() ?? { x: 0, y: 0 };
    store.dispatch({ type: "addNote", position: { x: c.x - 110, y: c.y - 70 } });
  }, [preview, readOnly, store]);
  // The canvas's right-click menu borrows these.
  const runFinished = runs.run.runId !== null && (isFinished(runs.run.status) || runs.run.settled === true);
  const menuActions = useMemo<CanvasMenuActions>(
    () => ({ runFrom: runFinished && !readOnly ? runs.runFrom : null, paste: editing ? () => void paste() : null, autoLayout: editing ? autoLayout : null, fitView }),
    [autoLayout, editing, fitView, paste, readOnly, runFinished, runs.runFrom],
  );
  const commands = useMemo<Command[]>(
    () => [
      ...KIND_INFO.map((k) => ({ id: `add-${k.kind}`, group: "Add", title: `Add ${k.label} node`, disabled: !editing, run: () => addNode(k.kind) })),
      { id: "auto-layout", group: "Canvas", title: "Auto-layout", disabled: !editing, run: autoLayout },
      { id: "fit-view", group: "Canvas", title: "Fit view", run: fitView },
      { id: "undo", group: "Edit", title: "Undo", shortcut: `${MOD}Z`, disabled: !editing, run: undo },
      { id: "redo", group: "Edit", title: "Redo", shortcut: isMac ? "⇧⌘Z" : "Ctrl+Y", disabled: !editing, run: redo },
      { id: "duplicate", group: "Edit", title: "Duplicate selection", shortcut: `${MOD}D`, disabled: !editing, run: duplicate },
      { id: "delete", group: "Edit", title: "Delete selection", shortcut: "Del", disabled: !editing, run: deleteSelection },
      { id: "save", group: "Workflow", title: "Save", shortcut: `${MOD}S`, disabled: readOnly || !session, run: save },
      { id: "new", group: "Workflow", title: "New workflow", disabled: readOnly, run: newWorkflow },
      { id: "export", group: "Workflow", title: "Export graph JSON", disabled: !session, run: () => void exportGraph() },
      { id: "import", group: "Workflow", title: "Import graph JSON…", disabled: readOnly, run: () => fileInput.current?.click() },
      { id: "history", group: "Workflow", title: "Version history", disabled: !session?.savedId, run: () => setHistoryOpen(true) },
      { id: "run", group: "Run", title: "Run workflow", disabled: readOnly || !session?.savedId, run: runWorkflow },
      { id: "stress", group: "Dev", title: "Load 500-node stress graph (not saved)", run: loadStress },
      { id: "datasets", group: "Go to", title: "Datasets", run: () => setView("datasets") },
      { id: "providers", group: "Go to", title: "Providers", run: () => setView("providers") },
      { id: "workflows", group: "Go to", title: "Workflows", run: () => setView("workflows") },
      { id: "add-note", group: "Add", title: "Add note", disabled: !editing, run: addNoteAtCenter },
      { id: "copy", group: "Edit", title: "Copy selection", shortcut: `${MOD}C`, disabled: view !== "workflows" || !session, run: copySelection },
      { id: "paste", group: "Edit", title: "Paste", shortcut: `${MOD}V`, disabled: !editing, run: () => void paste() },
      { id: "theme-system", group: "View", title: "Theme: follow the system", run: () => setThemePref("system") },
      { id: "theme-light", group: "View", title: "Theme: light", run: () => setThemePref("light") },
      { id: "theme-dark", group: "View", title: "Theme: dark", run: () => setThemePref("dark") },
      { id: "commands", group: "Help", title: "Command palette", shortcut: `${MOD}K`, run: () => setPaletteOpen(true) },
      { id: "shortcuts", group: "Help", title: "Keyboard shortcuts", shortcut: "?", run: openShortcutSheet },
    ],
    [addNode, addNoteAtCenter, autoLayout, copySelection, deleteSelection, duplicate, editing, exportGraph, fitView, loadStress, newWorkflow, paste, readOnly, redo, runWorkflow, save, session, undo, view],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.metaKey || e.ctrlKey;
      if (!mod || newDialog) return;
      const key = e.key.toLowerCase();
      if (key === "k") {
        e.preventDefault();
        setPaletteOpen((o) => !o);
        return;
      }
      if (view !== "workflows" || !session) return;
      if (key === "s") {
        e.preventDefault();
        save();
        return;
      }
      if (isEditable(e.target) || paletteOpen) return;
      if (key === "z" && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if ((key === "z" && e.shiftKey) || key === "y") {
        e.preventDefault();
        redo();
      } else if (key === "c") {
        copySelection();
      } else if (key === "v") {
        e.preventDefault();
        void paste();
      } else if (key === "d") {
        e.preventDefault();
        duplicate();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [copySelection, duplicate, newDialog, paletteOpen, paste, redo, save, session, undo, view]);

  // ----- rendering -----
  const selectedNodeId = selection.nodes.length === 1 && selection.edges.length === 0 ? selection.nodes[0] : null;
  const selectedEdgeId = selection.edges.length === 1 && selection.nodes.length === 0 ? selection.edges[0] : null;
  const shownGraph = preview?.graph ?? graph;
  const selectedNode = selectedNodeId ? shownGraph?.nodes.find((n) => n.id === selectedNodeId) : undefined;
  const selectView = (v: View) => setView(v);

  return (
    <div className={`app${view === "datasets" || view === "providers" ? " app--wide" : ""}`}>
      <aside className="sidebar">
        <div className="brand">
          <BrandLogo />
          <span className="brand__name">Flowtune</span>
          <ThemeToggle />
        </div>
        <nav className="topnav" aria-label="Sections">
          <button type="button" className={`topnav__item${view === "workflows" ? " active" : ""}`} aria-current={view === "workflows" ? "page" : undefined} data-testid="nav-workflows" onClick={() => selectView("workflows")}>
            Workflows
          </button>
          <button type="button" className={`topnav__item${view === "datasets" ? " active" : ""}`} aria-current={view === "datasets" ? "page" : undefined} data-testid="nav-datasets" onClick={() => selectView("datasets")}>
            Datasets
          </button>
          <button type="button" className={`topnav__item${view === "providers" ? " active" : ""}`} aria-current={view === "providers" ? "page" : undefined} data-testid="nav-providers" onClick={() => selectView("providers")}>
            Providers
          </button>
        </nav>
        {!readOnly ? (
          <div className="sidebar__actions">
            <button type="button" className="btn btn-sm btn-dark" data-testid="new-workflow" onClick={newWorkflow}>
              + New workflow
            </button>
            <button type="button" className="btn btn-sm btn-dark" data-testid="import-workflow" onClick={() => fileInput.current?.click()}>
              Import…
            </button>
          </div>
        ) : null}
        <WorkflowList selectedId={view === "workflows" ? (session?.savedId ?? null) : null} onSelect={(id) => void openWorkflow(id)} />
        <div className="sidebar__foot muted small">
          <kbd>{MOD}K</kbd> commands
        </div>
        <input ref={fileInput} type="file" accept=".json,application/json" hidden data-testid="import-file" onChange={(e) => void onImportFile(e)} />
      </aside>

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
            <header className="topbar">
              <div className="topbar__titles">
                <h1 data-testid="workflow-title">{graph ? graph.name : loading ? "Loading…" : "Select a workflow"}</h1>
                {graph ? (
                  <p>
                    <span className="mono">{graph.id}</span>
                    {graph.description ? ` · ${graph.description}` : ""}
                  </p>
                ) : null}
              </div>
              {graph && session ? (
                <div className="topbar__right">
                  <SaveIndicator state={saving.state} version={session.savedVersion} issues={saving.issueCount} error={saving.error} />
                  <div className="toolbar" role="toolbar" aria-label="Workflow">
                    <button type="button" className="btn btn-sm btn-primary-solid" data-testid="save-button" disabled={readOnly || session.ephemeral || saving.state === "saving"} onClick={save} title={`Save (${MOD}S)`}>
                      Save
                    </button>
                    <button type="button" className="btn btn-sm" data-testid="history-button" disabled={!session.savedId} onClick={() => setHistoryOpen((o) => !o)} aria-expanded={historyOpen}>
                      History
                    </button>
                    <button type="button" className="btn btn-sm" data-testid="export-button" onClick={() => void exportGraph()}>
                      Export
                    </button>
                    <button type="button" className="btn btn-sm command-btn" data-testid="command-button" onClick={() => setPaletteOpen(true)} aria-label="Open the command palette" title={`Commands (${MOD}K)`}>
                      {MOD}K
                    </button>
                  </div>
                  <UserBadge />
                </div>
              ) : (
                <div className="topbar__right">
                  <UserBadge />
                </div>
              )}
            </header>
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
      {newDialog ? <NewWorkflowDialog existingIds={existingIds} returnFocusTo={newDialog.returnFocusTo} onCreate={createWorkflow} onClose={() => setNewDialog(null)} /> : null}
    </div>
  );
}
