/**
 * The editor shell: top-level navigation (Workflows | Datasets), the workflow list, the canvas
 * with its palette and toolbar, the right sidebar (inspector with Configure / Parameters /
 * Optimize tabs for AI nodes, the run form and the run history), saving, import/export, the
 * version history drawer, the command palette and the keyboard shortcuts.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent } from "react";
import type { Graph, NodeKind } from "../../engine/browser.js";
import { canRun, useAuth } from "./auth/context.js";
import { UserBadge } from "./auth/UserBadge.js";
import type { CanvasApi, Selection } from "./canvas/WorkflowCanvas.js";
import { KindIcon } from "./canvas/icons.js";
import { CommandPalette, type Command } from "./commands/CommandPalette.js";
import { NewWorkflowDialog } from "./commands/NewWorkflowDialog.js";
import { copyNodes, parseClip, serializeClip, type Clip } from "./document/clipboard.js";
import { emptyGraph, KIND_INFO } from "./document/defaults.js";
import { HistoryDrawer } from "./document/HistoryDrawer.js";
import { newSession, sessionFromRecord, useSaving, withPositions, type Session } from "./document/session.js";
import { DocStoreContext } from "./document/store.js";
import { stressGraph } from "./document/stress.js";
import { validateDoc } from "./document/validation.js";
import { DatasetsPanel } from "./datasets/DatasetsPanel.js";
import { EdgeInspector } from "./inspector/EdgeInspector.js";
import { GraphSettings } from "./inspector/GraphSettings.js";
import { NodeConfigForm } from "./inspector/NodeConfigForm.js";
import { OptimizePanel } from "./optimize/OptimizePanel.js";
import { WorkflowList } from "./panels/WorkflowList.js";
import { Palette } from "./palette/Palette.js";
import { ParameterPanel } from "./parameters/ParameterPanel.js";
import { NodeRunDetails, RunHistory, RunPanel, useRun } from "./runs/index.js";
import { useTRPC, type WorkflowRecord } from "./trpc.js";
import { CanvasToolbar } from "./shell/CanvasToolbar.js";
import { isMac, MOD } from "./shell/keys.js";
import { Legend } from "./shell/Legend.js";
import { SaveIndicator } from "./shell/SaveIndicator.js";
import { BrandLogo, KIND_LABEL } from "./ui.js";

// React Flow is the bulk of the bundle: load it as its own chunk, in parallel with the data.
const WorkflowCanvas = lazy(() => import("./canvas/WorkflowCanvas.js"));

type View = "workflows" | "datasets";
type Tab = "configure" | "parameters" | "optimize";

const NO_SELECTION: Selection = { nodes: [], edges: [] };

function workflowFromHash(): string | null {
  const h = decodeURIComponent(window.location.hash.replace(/^#\/?/, ""));
  return h && h !== "datasets" ? h : null;
}

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function App() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user } = useAuth();
  const readOnly = !canRun(user.role);
  const workflows = useQuery(trpc.workflows.list.queryOptions());

  const [view, setView] = useState<View>(() => (window.location.hash === "#datasets" ? "datasets" : "workflows"));
  const [session, setSession] = useState<Session | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [tab, setTab] = useState<Tab>("configure");
  const [optimizeSignal, setOptimizeSignal] = useState(0);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [nodesOpen, setNodesOpen] = useState(true);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [preview, setPreview] = useState<{ version: number; graph: Graph } | null>(null);
  const [notice, setNotice] = useState<{ kind: "info" | "error"; text: string } | null>(null);
  const canvasApi = useRef<CanvasApi | null>(null);
  const clip = useRef<{ clip: Clip; pastes: number } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const saving = useSaving(session, setSession, readOnly);
  const graph = saving.graph;
  const runs = useRun(session?.savedId ?? null);

  const resetEditorState = useCallback(() => {
    setSelection(NO_SELECTION);
    setTab("configure");
    setPreview(null);
    setHistoryOpen(false);
    setNotice(null);
  }, []);

  // Every open bumps this; a workflow load that finishes after a later open is dropped.
  const loadSeq = useRef(0);
  const openSession = useCallback(
    (s: Session, updateUrl = true) => {
      loadSeq.current += 1;
      setSession(s);
      resetEditorState();
      setLoadError(null);
      if (updateUrl) window.history.replaceState(null, "", s.savedId ? `#${encodeURIComponent(s.savedId)}` : window.location.pathname);
    },
    [resetEditorState],
  );

  // A workflow created in the editor: put it in the URL once it is saved (a reload reopens it).
  const newSavedId = session?.isNew ? session.savedId : null;
  useEffect(() => {
    if (newSavedId) window.history.replaceState(null, "", `#${encodeURIComponent(newSavedId)}`);
  }, [newSavedId]);

  const openWorkflow = useCallback(
    async (id: string, updateUrl = true) => {
      if (session?.savedId === id && !session.ephemeral) return;
      if (session && saving.dirty && saving.state !== "ephemeral" && !window.confirm("Discard the unsaved changes of this workflow?")) return;
      setView("workflows");
      setLoading(true);
      const mine = ++loadSeq.current;
      try {
        const record = await queryClient.fetchQuery({ ...trpc.workflows.get.queryOptions({ id }), staleTime: 0 });
        if (mine !== loadSeq.current) return;
        openSession(sessionFromRecord(record as WorkflowRecord), updateUrl);
      } catch (err) {
        if (mine !== loadSeq.current) return;
        setLoadError(err instanceof Error ? err.message : String(err));
      } finally {
        setLoading(false);
      }
    },
    [openSession, queryClient, saving.dirty, saving.state, session, trpc],
  );

  // Open the workflow named in the URL, else the first one, once the list is known.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || !workflows.data) return;
    opened.current = true;
    const wanted = workflowFromHash();
    const id = wanted && workflows.data.some((w) => w.id === wanted) ? wanted : workflows.data[0]?.id;
    // The URL changes only when the user picks a workflow.
    if (id) void openWorkflow(id, false);
  }, [workflows.data, openWorkflow]);

  // "New workflow" asks for the name (and id) in a dialog; focus goes back to its trigger.
  const [newDialog, setNewDialog] = useState<{ returnFocusTo: HTMLElement | null } | null>(null);
  const newWorkflow = useCallback(() => {
    if (readOnly) return;
    if (session && saving.dirty && saving.state !== "ephemeral" && !window.confirm("Discard the unsaved changes of this workflow?")) return;
    // From the command palette, the focus is nowhere (the palette is gone): return it to the toolbar.
    const active = document.activeElement;
    const returnFocusTo =
      active instanceof HTMLElement && active !== document.body
        ? active
        : document.querySelector<HTMLElement>('[data-testid="command-button"]') ?? document.querySelector<HTMLElement>('[data-testid="new-workflow"]');
    setNewDialog({ returnFocusTo });
  }, [readOnly, saving.dirty, saving.state, session]);
  const createWorkflow = useCallback(
    (title: string, id: string) => {
      setNewDialog(null);
      setView("workflows");
      openSession(newSession(emptyGraph(id, title)));
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
  const importMutation = useMutation(trpc.workflows.import.mutationOptions());
  const onImportFile = useCallback(
    async (e: ChangeEvent<HTMLInputElement>) => {
      const file = e.target.files?.[0];
      e.target.value = "";
      if (!file || readOnly) return;
      const text = await file.text();
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        setNotice({ kind: "error", text: `${file.name} is not JSON: ${(err as Error).message}` });
        return;
      }
      const v = validateDoc(doc as Graph);
      if (!v.ok) {
        // Load it into the document so that it can be fixed; saving creates it.
        const g = withPositions({ ...(doc as Graph), nodes: (doc as Graph).nodes ?? [], edges: (doc as Graph).edges ?? [] });
        openSession(newSession(g));
        setNotice({ kind: "error", text: `Imported ${file.name} with ${v.issues.length} issue(s): fix them, then save` });
        return;
      }
      try {
        const res = await importMutation.mutateAsync({ json: text, note: `imported ${file.name}` });
        void queryClient.invalidateQueries(trpc.workflows.pathFilter());
        openSession(sessionFromRecord(res.workflow as WorkflowRecord));
        setNotice({ kind: "info", text: `Imported ${file.name} as ${res.workflow.id} v${res.workflow.version}` });
      } catch (err) {
        setNotice({ kind: "error", text: err instanceof Error ? err.message : String(err) });
      }
    },
    [importMutation, openSession, queryClient, readOnly, trpc],
  );
  const exportGraph = useCallback(async () => {
    if (!session || !graph) return;
    try {
      const text =
        session.savedId && !saving.dirty
          ? await queryClient.fetchQuery({ ...trpc.workflows.export.queryOptions({ id: session.savedId }), staleTime: 0 })
          : `${JSON.stringify({ $schema: "../docs/graph.schema.json", ...graph }, null, 2)}\n`;
      download(`${graph.id}.flow.json`, text);
    } catch (err) {
      setNotice({ kind: "error", text: err instanceof Error ? err.message : String(err) });
    }
  }, [graph, queryClient, saving.dirty, session, trpc]);

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
  const onReady = useCallback((api: CanvasApi) => {
    canvasApi.current = api;
  }, []);

  // ----- commands and shortcuts -----
  const editing = view === "workflows" && Boolean(session) && !readOnly && !preview;
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
      { id: "workflows", group: "Go to", title: "Workflows", run: () => setView("workflows") },
    ],
    [addNode, autoLayout, deleteSelection, duplicate, editing, exportGraph, fitView, loadStress, newWorkflow, readOnly, redo, runWorkflow, save, session, undo],
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
  const selectView = (v: View) => {
    setView(v);
    if (v === "datasets") window.history.replaceState(null, "", "#datasets");
    else window.history.replaceState(null, "", session?.savedId ? `#${encodeURIComponent(session.savedId)}` : window.location.pathname);
  };

  return (
    <div className={`app${view === "datasets" ? " app--wide" : ""}`}>
      <aside className="sidebar">
        <div className="brand">
          <BrandLogo />
          <span className="brand__name">Flowtune</span>
        </div>
        <nav className="topnav" aria-label="Sections">
          <button type="button" className={`topnav__item${view === "workflows" ? " active" : ""}`} aria-current={view === "workflows" ? "page" : undefined} data-testid="nav-workflows" onClick={() => selectView("workflows")}>
            Workflows
          </button>
          <button type="button" className={`topnav__item${view === "datasets" ? " active" : ""}`} aria-current={view === "datasets" ? "page" : undefined} data-testid="nav-datasets" onClick={() => selectView("datasets")}>
            Datasets
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
          <DatasetsPanel />
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
                  <Suspense fallback={<div className="muted pad">Loading canvas…</div>}>
                    <WorkflowCanvas
                      key={session.key}
                      runNodes={runs.run.nodes}
                      readOnly={readOnly}
                      preview={preview?.graph ?? null}
                      onSelectionChange={setSelection}
                      onOptimize={onOptimize}
                      onReady={onReady}
                      leftInset={editing && nodesOpen ? 184 : 0}
                    />
                  </Suspense>
                  {editing && nodesOpen ? <Palette onAdd={addNode} onHide={() => setNodesOpen(false)} /> : null}
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
                  <section className="panel-section inspector" data-testid="node-inspector" data-node-id={selectedNode.id}>
                    <div className="inspector__head">
                      <span className={`inspector__icon kind-${selectedNode.kind}`}>
                        <KindIcon kind={selectedNode.kind} size={18} />
                      </span>
                      <div className="inspector__titles">
                        <div className="inspector__title">{selectedNode.label ?? selectedNode.id}</div>
                        <div className="muted">
                          {KIND_LABEL[selectedNode.kind]} · <span className="mono">{selectedNode.id}</span>
                        </div>
                      </div>
                      <button type="button" className="icon-btn" aria-label="Close inspector" onClick={() => canvasApi.current?.select([])}>
                        ×
                      </button>
                    </div>
                    {selectedNode.kind === "ai" ? (
                      <div className="tabs" role="tablist" aria-label="AI node">
                        {(["configure", "parameters", "optimize"] as const).map((t) => (
                          <button
                            key={t}
                            type="button"
                            role="tab"
                            aria-selected={tab === t}
                            className={`tab${tab === t ? " active" : ""}`}
                            data-testid={`inspector-tab-${t}`}
                            onClick={() => setTab(t)}
                          >
                            {t === "configure" ? "Configure" : t === "parameters" ? "Parameters" : "Optimize"}
                          </button>
                        ))}
                      </div>
                    ) : null}
                    {selectedNode.kind !== "ai" || tab === "configure" ? (
                      <>
                        {preview ? (
                          <pre className="code">{JSON.stringify(selectedNode.config, null, 2)}</pre>
                        ) : (
                          <NodeConfigForm nodeId={selectedNode.id} readOnly={readOnly} onRenamed={(id) => setTimeout(() => canvasApi.current?.select([id]), 0)} />
                        )}
                        <NodeRunDetails graph={graph} nodeId={selectedNode.id} run={runs.run} onRunFromHere={runs.runFrom} rerunPending={runs.rerunPending} rerunError={runs.rerunError} />
                      </>
                    ) : !session.savedId ? (
                      <div className="muted small pad">Save the workflow first.</div>
                    ) : tab === "parameters" ? (
                      <ParameterPanel workflowId={session.savedId} nodeId={selectedNode.id} />
                    ) : (
                      <OptimizePanel workflowId={session.savedId} nodeId={selectedNode.id} graph={graph} openDialogSignal={optimizeSignal} />
                    )}
                  </section>
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
                    {saving.dirty && !readOnly ? (
                      <div className="panel-section hint muted small" data-testid="run-uses-saved">
                        Runs use the saved version (v{session.savedVersion}); unsaved changes are not included.
                      </div>
                    ) : null}
                    <RunPanel key={session.savedId} graph={graph} run={runs.run} streamStatus={runs.streamStatus} streamError={runs.streamError} onStarted={runs.showRun} />
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
      {paletteOpen && view === "datasets" ? <CommandPalette commands={commands} onClose={() => setPaletteOpen(false)} /> : null}
      {newDialog ? <NewWorkflowDialog existingIds={existingIds} returnFocusTo={newDialog.returnFocusTo} onCreate={createWorkflow} onClose={() => setNewDialog(null)} /> : null}
    </div>
  );
}
