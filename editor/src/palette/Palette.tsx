/**
 * The node palette: every node kind with its icon and a short description. Drag one onto the
 * canvas (HTML5 drag and drop), or press Enter / click to add it at the centre of the view.
 */
import type { DragEvent } from "react";
import type { NodeKind } from "../../../engine/browser.js";
import { KindIcon } from "../canvas/icons.js";
import { KIND_INFO, KIND_MIME } from "../document/defaults.js";

export function Palette({ onAdd, onHide }: { onAdd: (kind: NodeKind) => void; onHide: () => void }) {
  const onDragStart = (e: DragEvent, kind: NodeKind) => {
    e.dataTransfer.setData(KIND_MIME, kind);
    e.dataTransfer.setData("text/plain", kind);
    e.dataTransfer.effectAllowed = "copy";
  };
  return (
    <nav className="palette" aria-label="Node palette" data-testid="palette">
      <div className="palette__head">
        <span className="palette__title">Nodes</span>
        <button type="button" className="icon-btn palette__hide" aria-label="Hide the node palette" data-testid="palette-hide" onClick={onHide}>
          ×
        </button>
      </div>
      <ul>
        {KIND_INFO.map((k) => (
          <li key={k.kind}>
            <button
              type="button"
              className={`palette__item kind-${k.kind}`}
              draggable
              data-testid={`palette-${k.kind}`}
              title={`${k.description} — drag onto the canvas, or press Enter to add`}
              aria-label={`Add ${k.label} node: ${k.description}`}
              onDragStart={(e) => onDragStart(e, k.kind)}
              onClick={() => onAdd(k.kind)}
            >
              <span className="palette__icon">
                <KindIcon kind={k.kind} size={15} />
              </span>
              <span className="palette__text">
                <span className="palette__name">{k.label}</span>
                <span className="palette__desc">{k.description}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
