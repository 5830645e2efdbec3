import { selectCanRedo, selectCanUndo, useDoc } from "../document/store.js";
import { isMac } from "./keys.js";

/** The canvas's floating toolbar: undo, redo, auto-layout, fit, palette toggle. */
export function CanvasToolbar(p: {
  editing: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onLayout: () => void;
  onFit: () => void;
  nodesOpen: boolean;
  onToggleNodes: () => void;
}) {
  const { editing, onUndo, onRedo, onLayout, onFit } = p;
  const canUndo = useDoc(selectCanUndo);
  const canRedo = useDoc(selectCanRedo);
  return (
    <div className="canvas-toolbar" role="toolbar" aria-label="Canvas">
      <button type="button" className="tool-btn" data-testid="undo-button" disabled={!editing || !canUndo} onClick={onUndo} aria-label="Undo" title={`Undo (${isMac ? "⌘" : "Ctrl+"}Z)`}>
        <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true">
          <path d="M9 14L4 9l5-5" />
          <path d="M4 9h10a6 6 0 0 1 0 12h-3" />
        </svg>
      </button>
      <button type="button" className="tool-btn" data-testid="redo-button" disabled={!editing || !canRedo} onClick={onRedo} aria-label="Redo" title={isMac ? "Redo (⇧⌘Z)" : "Redo (Ctrl+Y)"}>
        <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true">
          <path d="M15 14l5-5-5-5" />
          <path d="M20 9H10a6 6 0 0 0 0 12h3" />
        </svg>
      </button>
      <span className="toolbar-sep" aria-hidden="true" />
      <button type="button" className="tool-btn tool-btn--text" data-testid="layout-button" disabled={!editing} onClick={onLayout} title="Auto-layout (dagre)">
        Auto-layout
      </button>
      <button type="button" className="tool-btn tool-btn--text" data-testid="fit-button" onClick={onFit} title="Fit view">
        Fit
      </button>
      {editing ? (
        <button type="button" className="tool-btn tool-btn--text" data-testid="palette-toggle" aria-pressed={p.nodesOpen} onClick={p.onToggleNodes} title="Show or hide the node palette">
          Nodes
        </button>
      ) : null}
    </div>
  );
}
