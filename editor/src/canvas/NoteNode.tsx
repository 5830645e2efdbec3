/**
 * A sticky note on the canvas: text for people, kept in the graph file and never run. Double-click
 * (or Enter when focused) edits it; typing is one undo step per editing session. Selected, it can
 * be resized from its corners and recoloured.
 */
import { NodeResizer, type NodeProps } from "@xyflow/react";
import { memo, useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { NOTE_COLORS, NOTE_TEXT_MAX, type NoteColor } from "../../../engine/browser.js";
import { noteFlowId } from "../document/notes.js";
import { useDoc, useDocStore } from "../document/store.js";
import type { NoteFlowNode } from "./note-flow.js";

let editSessions = 0;

function NoteNodeImpl({ data, selected }: NodeProps<NoteFlowNode>) {
  const { note, readOnly } = data;
  const store = useDocStore();
  const justAdded = useDoc(useCallback((s) => s.inserted.length === 1 && s.inserted[0] === noteFlowId(note.id), [note.id]));
  const [editing, setEditing] = useState(false);
  const session = useRef(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const box = useRef<HTMLDivElement>(null);

  const startEditing = useCallback(() => {
    if (readOnly) return;
    session.current = ++editSessions;
    setEditing(true);
  }, [readOnly]);
  // A note just added from a menu opens for typing.
  useEffect(() => {
    if (justAdded && !note.text) startEditing();
  }, [justAdded, note.text, startEditing]);
  useEffect(() => {
    if (editing) area.current?.focus();
  }, [editing]);

  const stopEditing = () => {
    setEditing(false);
    // Back to the note itself (React Flow's focusable wrapper), so the keyboard user stays here.
    (box.current?.closest(".react-flow__node") as HTMLElement | null)?.focus();
  };
  const onAreaKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      // Ends editing only: the Escape stack (drawers, dialogs) must not see it.
      e.stopPropagation();
      stopEditing();
    }
  };
  const onBoxKey = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !editing && e.target === e.currentTarget.closest(".react-flow__node")) startEditing();
  };
  const setColor = (color: NoteColor) => store.dispatch({ type: "updateNote", id: note.id, patch: { color } });

  return (
    <div
      ref={box}
      className={`ft-note note-${note.color ?? "yellow"}${selected ? " selected" : ""}${editing ? " editing" : ""}`}
      data-testid={`note-${note.id}`}
      onDoubleClick={startEditing}
      onKeyDown={onBoxKey}
    >
      <NodeResizer
        isVisible={selected && !readOnly && !editing}
        minWidth={60}
        minHeight={40}
        lineClassName="ft-note__resize-line"
        handleClassName="ft-note__resize-handle"
        onResizeEnd={(_, p) => store.dispatch({ type: "updateNote", id: note.id, patch: { size: { width: p.width, height: p.height }, position: { x: p.x, y: p.y } } })}
      />
      {editing ? (
        <textarea
          ref={area}
          className="ft-note__edit nodrag nowheel nopan"
          data-testid={`note-${note.id}-text`}
          aria-label="Note text"
          value={note.text}
          maxLength={NOTE_TEXT_MAX}
          placeholder="Write a note…"
          onChange={(e) => store.dispatch({ type: "updateNote", id: note.id, patch: { text: e.target.value }, coalesce: `note-text-${session.current}` })}
          onBlur={() => setEditing(false)}
          onKeyDown={onAreaKey}
        />
      ) : (
        <div className="ft-note__text" data-testid={`note-${note.id}-body`} title={readOnly ? undefined : "Double-click to edit"}>
          {note.text || <span className="ft-note__placeholder">{readOnly ? "" : "Double-click to write"}</span>}
        </div>
      )}
      {selected && !readOnly && !editing ? (
        <div className="ft-note__colors nodrag" role="group" aria-label="Note colour">
          {NOTE_COLORS.map((c) => (
            <button
              key={c}
              type="button"
              className={`ft-note__swatch note-${c}${(note.color ?? "yellow") === c ? " active" : ""}`}
              aria-label={`${c} note`}
              aria-pressed={(note.color ?? "yellow") === c}
              data-testid={`note-color-${c}`}
              onClick={() => setColor(c)}
            />
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** The note node component (memoized: re-renders only when its note or selection changes). */
export const NoteNode = memo(NoteNodeImpl);
