/**
 * The canvas's right-click menu: on a node (duplicate, delete, rename, run from here, optimize,
 * copy id), on a note (edit, delete), on an edge (change kind, delete) and on the empty pane (add a
 * node or a note there, paste, auto-layout, fit view). It opens from the mouse or from the keyboard
 * (the context-menu key or Shift+F10 on a focused node or edge), moves with the arrow keys, and
 * closes on Escape, a click elsewhere, a scroll or a choice; focus then goes back where it was.
 */
import { useReactFlow, type Edge, type Node as RfNode } from "@xyflow/react";
import { useCallback, useContext, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent as ReactMouseEvent } from "react";
import { createPortal } from "react-dom";
import { EDGE_KINDS, type EdgeKind, type NodeKind } from "../../../engine/browser.js";
import { KIND_INFO } from "../document/defaults.js";
import { noteFlowId, noteIdOf } from "../document/notes.js";
import { useDocStore } from "../document/store.js";
import { useEscape, useRestoreFocus } from "../shell/useEscape.js";
import { CanvasMenuContext } from "./menu-context.js";
import { CanvasActionsContext } from "./nodes.js";


type Target = { kind: "node"; id: string } | { kind: "note"; id: string } | { kind: "edge"; id: string } | { kind: "pane" };
type MenuState = { target: Target; x: number; y: number; flow: { x: number; y: number } };
type Item = { id: string; label: string; run: () => void; disabled?: boolean; keepOpen?: boolean; danger?: boolean; checked?: boolean };

const EDGE_KIND_LABEL: Record<EdgeKind, string> = { pipeline: "Pipeline", broadcast: "Broadcast", conditional: "Conditional", parallel: "Parallel" };

/** The point a menu opened from the keyboard points at: the element's centre (no mouse position). */
function eventPoint(e: ReactMouseEvent | MouseEvent): { x: number; y: number } {
  if (e.clientX || e.clientY) return { x: e.clientX, y: e.clientY };
  const r = (e.target as HTMLElement | null)?.getBoundingClientRect?.();
  return r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: 0, y: 0 };
}

/**
 * The menu's state and React Flow handlers; spread `handlers` on <ReactFlow> and render `element`.
 * Must be called inside the canvas's ReactFlowProvider and DocStoreContext.
 */
export function useCanvasContextMenu(readOnly: boolean) {
  const flow = useReactFlow();
  const [menu, setMenu] = useState<MenuState | null>(null);

  const open = useCallback(
    (e: ReactMouseEvent | MouseEvent, target: Target) => {
      e.preventDefault();
      const p = eventPoint(e);
      setMenu({ target, ...p, flow: flow.screenToFlowPosition(p) });
    },
    [flow],
  );
  const handlers = {
    onNodeContextMenu: useCallback(
      (e: ReactMouseEvent, node: RfNode) => {
        const note = noteIdOf(node.id);
        open(e, note !== null ? { kind: "note", id: note } : { kind: "node", id: node.id });
      },
      [open],
    ),
    onEdgeContextMenu: useCallback((e: ReactMouseEvent, edge: Edge) => open(e, { kind: "edge", id: edge.id }), [open]),
    onPaneContextMenu: useCallback((e: ReactMouseEvent | MouseEvent) => open(e, { kind: "pane" }), [open]),
  };
  const close = useCallback(() => setMenu(null), []);
  const element = menu ? <ContextMenu key={`${menu.x},${menu.y},${menu.target.kind}`} menu={menu} readOnly={readOnly} onClose={close} /> : null;
  return { handlers, element, close };
}

function ContextMenu({ menu, readOnly, onClose }: { menu: MenuState; readOnly: boolean; onClose: () => void }) {
  const store = useDocStore();
  const flow = useReactFlow();
  const shell = useContext(CanvasMenuContext);
  const { onOptimize } = useContext(CanvasActionsContext);
  const [page, setPage] = useState<"main" | "add" | "kind" | "rename">("main");
  const [name, setName] = useState("");
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: menu.x, top: menu.y });
  useEscape(() => (page === "main" ? onClose() : setPage("main")));
  useRestoreFocus();

  // Click-away and scrolling close it (the menu would point at a moved spot).
  useEffect(() => {
    const away = (e: Event) => {
      if (!ref.current?.contains(e.target as Node | null)) onClose();
    };
    window.addEventListener("pointerdown", away, true);
    window.addEventListener("wheel", away, true);
    window.addEventListener("resize", onClose);
    return () => {
      window.removeEventListener("pointerdown", away, true);
      window.removeEventListener("wheel", away, true);
      window.removeEventListener("resize", onClose);
    };
  }, [onClose]);

  // Keep it inside the window; focus the first item of each page.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({ left: Math.max(4, Math.min(menu.x, window.innerWidth - r.width - 4)), top: Math.max(4, Math.min(menu.y, window.innerHeight - r.height - 4)) });
    el.querySelector<HTMLElement>("input, [role^='menuitem']:not([aria-disabled='true'])")?.focus();
  }, [menu.x, menu.y, page]);

  const graph = store.getState().graph;
  const t = menu.target;
  const done = (fn: () => void) => () => {
    onClose();
    fn();
  };
  let title = "";
  let items: Item[] = [];

  if (page === "add") {
    title = "Add node here";
    items = KIND_INFO.map((k) => ({
      id: `add-${k.kind}`,
      label: k.label,
      run: done(() => store.dispatch({ type: "addNode", kind: k.kind as NodeKind, position: { x: menu.flow.x - 96, y: menu.flow.y - 24 } })),
    }));
  } else if (page === "kind" && t.kind === "edge") {
    const edge = graph.edges.find((e) => e.id === t.id);
    title = "Edge kind";
    items = EDGE_KINDS.map((k) => ({
      id: `kind-${k}`,
      label: EDGE_KIND_LABEL[k],
      checked: edge?.kind === k,
      run: done(() => edge && edge.kind !== k && store.dispatch({ type: "setEdgeKind", edgeId: t.id, kind: k })),
    }));
  } else if (t.kind === "node") {
    const node = graph.nodes.find((n) => n.id === t.id);
    title = node?.label ?? t.id;
    items = [
      { id: "duplicate", label: "Duplicate", disabled: readOnly, run: done(() => store.dispatch({ type: "duplicate", nodeIds: [t.id] })) },
      {
        id: "rename",
        label: "Rename…",
        disabled: readOnly,
        keepOpen: true,
        run: () => {
          setName(node?.label ?? t.id);
          setPage("rename");
        },
      },
      { id: "run-from", label: "Run from here", disabled: readOnly || !shell?.runFrom, run: done(() => shell?.runFrom?.(t.id)) },
      ...(node?.kind === "ai" ? [{ id: "optimize", label: "Optimize…", disabled: readOnly, run: done(() => onOptimize(t.id)) }] : []),
      { id: "copy-id", label: "Copy id", run: done(() => void navigator.clipboard?.writeText(t.id).catch(() => {})) },
      { id: "delete", label: "Delete", danger: true, disabled: readOnly, run: done(() => store.dispatch({ type: "removeElements", nodeIds: [t.id], edgeIds: [] })) },
    ];
  } else if (t.kind === "note") {
    title = "Note";
    items = [
      {
        id: "edit-note",
        label: "Edit text",
        disabled: readOnly,
        run: done(() => {
          const el = document.querySelector<HTMLElement>(`[data-testid="note-${CSS.escape(t.id)}"]`);
          el?.dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
        }),
      },
      { id: "delete", label: "Delete note", danger: true, disabled: readOnly, run: done(() => store.dispatch({ type: "removeElements", nodeIds: [noteFlowId(t.id)], edgeIds: [] })) },
    ];
  } else if (t.kind === "edge") {
    const edge = graph.edges.find((e) => e.id === t.id);
    title = edge ? `${edge.source} → ${edge.target}` : t.id;
    items = [
      { id: "change-kind", label: "Change kind…", disabled: readOnly, keepOpen: true, run: () => setPage("kind") },
      { id: "delete", label: "Delete edge", danger: true, disabled: readOnly, run: done(() => store.dispatch({ type: "removeElements", nodeIds: [], edgeIds: [t.id] })) },
    ];
  } else {
    title = "Canvas";
    items = [
      { id: "add-node", label: "Add node here…", disabled: readOnly, keepOpen: true, run: () => setPage("add") },
      { id: "add-note", label: "Add note here", disabled: readOnly, run: done(() => store.dispatch({ type: "addNote", position: { x: menu.flow.x, y: menu.flow.y } })) },
      { id: "paste", label: "Paste", disabled: readOnly || !shell?.paste, run: done(() => shell?.paste?.()) },
      { id: "auto-layout", label: "Auto-layout", disabled: readOnly || !shell?.autoLayout, run: done(() => shell?.autoLayout?.()) },
      { id: "fit-view", label: "Fit view", run: done(() => (shell ? shell.fitView() : void flow.fitView())) },
    ];
  }

  const onKeyDown = (e: KeyboardEvent) => {
    const all = [...(ref.current?.querySelectorAll<HTMLElement>("[role^='menuitem']:not([aria-disabled='true'])") ?? [])];
    const i = all.indexOf(document.activeElement as HTMLElement);
    const go = (j: number) => all[(j + all.length) % all.length]?.focus();
    if (e.key === "ArrowDown") go(i + 1);
    else if (e.key === "ArrowUp") go(i < 0 ? -1 : i - 1);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(-1);
    else if (e.key === "ArrowLeft" && page !== "main" && page !== "rename") setPage("main");
    else if (e.key === "Tab") onClose();
    else return;
    e.preventDefault();
  };

  const submitRename = () => {
    const label = name.trim();
    if (t.kind === "node" && label) store.dispatch({ type: "updateNode", id: t.id, patch: { label } });
    onClose();
  };

  return createPortal(
    <div
      ref={ref}
      className="ctx-menu"
      role="menu"
      aria-label={`${title} menu`}
      data-testid="context-menu"
      data-target={t.kind}
      style={{ left: pos.left, top: pos.top }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
    >
      <div className="ctx-menu__title" aria-hidden="true">
        {title}
      </div>
      {page === "rename" ? (
        <form
          className="ctx-menu__rename"
          onSubmit={(e) => {
            e.preventDefault();
            submitRename();
          }}
        >
          <input aria-label="Node label" data-testid="ctx-rename-input" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="btn btn-sm btn-primary-solid" data-testid="ctx-rename-save">
            Rename
          </button>
        </form>
      ) : (
        items.map((it) => (
          <button
            key={it.id}
            type="button"
            role={it.checked !== undefined ? "menuitemradio" : "menuitem"}
            aria-checked={it.checked}
            aria-disabled={it.disabled || undefined}
            tabIndex={-1}
            className={`ctx-menu__item${it.danger ? " danger" : ""}`}
            data-testid={`ctx-${it.id}`}
            onClick={() => !it.disabled && it.run()}
          >
            <span className="ctx-menu__check" aria-hidden="true">
              {it.checked ? "✓" : ""}
            </span>
            {it.label}
            {it.keepOpen ? (
              <span className="ctx-menu__more" aria-hidden="true">
                ›
              </span>
            ) : null}
          </button>
        ))
      )}
    </div>,
    document.body,
  );
}
