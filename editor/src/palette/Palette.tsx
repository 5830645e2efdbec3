/**
 * The node palette: every node kind with its icon and a short description, and a search box
 * (type to filter by name, kind or description; Enter adds the first match; ↓ moves into the
 * list). Drag a kind onto the canvas (HTML5 drag and drop), or press Enter / click to add it at
 * the centre of the view. Collapsed, it is a slim rail of icons that leaves the canvas free.
 */
import { useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from "react";
import type { NodeKind } from "../../../engine/browser.js";
import { KindIcon } from "../canvas/icons.js";
import { KIND_INFO, KIND_MIME } from "../document/defaults.js";
import { filterKinds } from "./filter.js";
import "./palette.css";

/** Width the canvas leaves free on its left for the palette, open and collapsed. */
export const PALETTE_INSET = { open: 184, collapsed: 44 } as const;

function onDragStart(e: DragEvent, kind: NodeKind) {
  e.dataTransfer.setData(KIND_MIME, kind);
  e.dataTransfer.setData("text/plain", kind);
  e.dataTransfer.effectAllowed = "copy";
}

export function Palette({ open, onAdd, onOpenChange }: { open: boolean; onAdd: (kind: NodeKind) => void; onOpenChange: (open: boolean) => void }) {
  const [query, setQuery] = useState("");
  const list = useRef<HTMLUListElement>(null);
  const shown = useMemo(() => filterKinds(KIND_INFO, query), [query]);

  if (!open) {
    return (
      <nav className="palette palette--rail" aria-label="Node palette (collapsed)" data-testid="palette-rail">
        <button type="button" className="icon-btn palette__expand" aria-label="Show the node palette" title="Show the node palette" data-testid="palette-expand" onClick={() => onOpenChange(true)}>
          »
        </button>
        {KIND_INFO.map((k) => (
          <button
            key={k.kind}
            type="button"
            className={`palette__railitem kind-${k.kind}`}
            draggable
            data-testid={`palette-rail-${k.kind}`}
            title={`${k.label}: ${k.description} — drag onto the canvas, or click to add`}
            aria-label={`Add ${k.label} node`}
            onDragStart={(e) => onDragStart(e, k.kind)}
            onClick={() => onAdd(k.kind)}
          >
            <KindIcon kind={k.kind} size={15} />
          </button>
        ))}
      </nav>
    );
  }

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter" && shown[0]) {
      e.preventDefault();
      onAdd(shown[0].kind);
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      list.current?.querySelector<HTMLButtonElement>("button")?.focus();
    } else if (e.key === "Escape" && query) {
      e.preventDefault();
      e.stopPropagation();
      setQuery("");
    }
  };
  // ↑/↓ move between the entries; ↑ from the first goes back to the search box.
  const onListKey = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const buttons = [...(list.current?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    e.preventDefault();
    const next = e.key === "ArrowDown" ? buttons[i + 1] : i <= 0 ? null : buttons[i - 1];
    if (next) next.focus();
    else if (e.key === "ArrowUp") (e.currentTarget.parentElement?.querySelector("input") as HTMLInputElement | null)?.focus();
  };

  return (
    <nav className="palette" aria-label="Node palette" data-testid="palette">
      <div className="palette__head">
        <span className="palette__title">Nodes</span>
        <button type="button" className="icon-btn palette__hide" aria-label="Collapse the node palette" title="Collapse the node palette" data-testid="palette-hide" onClick={() => onOpenChange(false)}>
          «
        </button>
      </div>
      <input
        type="search"
        className="palette__search"
        placeholder="Search nodes…"
        aria-label="Search node kinds"
        data-testid="palette-search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKey}
      />
      <ul ref={list} onKeyDown={onListKey}>
        {shown.map((k) => (
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
      {shown.length === 0 ? (
        <div className="palette__empty muted small" data-testid="palette-empty">
          No node kind matches “{query}”.
        </div>
      ) : null}
    </nav>
  );
}
