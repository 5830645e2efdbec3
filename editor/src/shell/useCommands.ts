/**
 * The editor's commands in one place: the document operations (add, copy, paste, duplicate,
 * delete, undo / redo, layout, save, run), the command palette's list (which the shortcut sheet
 * shows too), the actions lent to the canvas's right-click menu, and the keyboard shortcuts.
 */
import { useCallback, useEffect, useMemo, useRef, type Dispatch, type RefObject, type SetStateAction } from "react";
import type { NodeKind } from "../../../engine/browser.js";
import type { CanvasApi, Selection } from "../canvas/WorkflowCanvas.js";
import type { CanvasMenuActions } from "../canvas/menu-context.js";
import type { Command } from "../commands/CommandPalette.js";
import { copyNodes, parseClip, serializeClip, type Clip } from "../document/clipboard.js";
import { KIND_INFO } from "../document/defaults.js";
import type { Session, useSaving } from "../document/session.js";
import { isFinished } from "../run-state.js";
import type { useRun } from "../runs/index.js";
import { isMac, MOD } from "./keys.js";
import { openShortcutSheet } from "./ShortcutSheet.js";
import { setThemePref } from "./theme.js";
import type { Notice } from "./useImportExport.js";

/** The sections of the editor (the top navigation). */
export type View = "workflows" | "datasets" | "providers";

/** What the commands act on and the shell state they open or change. */
export interface CommandDeps {
  view: View;
  setView: (v: View) => void;
  session: Session | null;
  readOnly: boolean;
  /** A version shown read-only: the document cannot be edited meanwhile. */
  previewing: boolean;
  selection: Selection;
  canvasApi: RefObject<CanvasApi | null>;
  saving: ReturnType<typeof useSaving>;
  runs: ReturnType<typeof useRun>;
  fileInput: RefObject<HTMLInputElement | null>;
  newWorkflow: () => void;
  /** Open while the new-workflow dialog is: the shortcuts stay off. */
  newDialogOpen: boolean;
  exportGraph: () => Promise<void>;
  loadStress: () => void;
  setHistoryOpen: (open: boolean) => void;
  paletteOpen: boolean;
  setPaletteOpen: Dispatch<SetStateAction<boolean>>;
  setNotice: (n: Notice | null) => void;
}

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

/** The shell's commands and shortcuts; installs the keyboard shortcuts while mounted. */
export function useCommands(d: CommandDeps) {
  const { view, setView, session, readOnly, previewing: preview, selection, canvasApi, saving, runs, fileInput, newWorkflow, exportGraph, loadStress, setHistoryOpen, paletteOpen, setPaletteOpen, setNotice } = d;
  const clip = useRef<{ clip: Clip; pastes: number } | null>(null);

  // ----- document operations -----
  const store = session?.store;
  const addNode = useCallback(
    (kind: NodeKind) => {
      if (!store || readOnly || preview) return;
      const c = canvasApi.current?.center() ?? { x: 0, y: 0 };
      const n = store.getState().graph.nodes.length;
      store.dispatch({ type: "addNode", kind, position: { x: c.x - 96 + (n % 5) * 16, y: c.y - 40 + (n % 5) * 16 } });
    },
    [canvasApi, preview, readOnly, store],
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
  const autoLayout = useCallback(() => !readOnly && !preview && canvasApi.current?.autoLayout(), [canvasApi, preview, readOnly]);
  const fitView = useCallback(() => canvasApi.current?.fitView(), [canvasApi]);
  const save = useCallback(() => {
    if (saving.state === "invalid") setNotice({ kind: "error", text: `Not saved: fix ${saving.issueCount} validation issue${saving.issueCount === 1 ? "" : "s"} first` });
    void saving.save();
  }, [saving, setNotice]);
  const runWorkflow = useCallback(() => {
    const btn = document.querySelector<HTMLButtonElement>('[data-testid="run-button"]');
    if (btn && !btn.disabled) btn.click();
    else setNotice({ kind: "info", text: session?.savedId ? "The run cannot start now" : "Save the workflow before running it" });
  }, [session?.savedId, setNotice]);

  // ----- commands -----
  const editing = view === "workflows" && Boolean(session) && !readOnly && !preview;
  const addNoteAtCenter = useCallback(() => {
    if (!store || readOnly || preview) return;
    const c = canvasApi.current?.center() ?? { x: 0, y: 0 };
    store.dispatch({ type: "addNote", position: { x: c.x - 110, y: c.y - 70 } });
  }, [canvasApi, preview, readOnly, store]);
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
    [addNode, addNoteAtCenter, autoLayout, copySelection, deleteSelection, duplicate, editing, exportGraph, fileInput, fitView, loadStress, newWorkflow, paste, readOnly, redo, runWorkflow, save, session, setHistoryOpen, setPaletteOpen, setView, undo, view],
  );

  // ----- keyboard shortcuts -----
  const newDialogOpen = d.newDialogOpen;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.metaKey || e.ctrlKey;
      if (!mod || newDialogOpen) return;
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
  }, [copySelection, duplicate, newDialogOpen, paletteOpen, paste, redo, save, session, setPaletteOpen, undo, view]);

  return { editing, addNode, undo, redo, duplicate, deleteSelection, autoLayout, fitView, save, commands, menuActions };
}
