/**
 * Sticky notes as React Flow nodes, merged into the canvas's node list beside the graph's nodes.
 * Notes come first so that they render beneath the nodes; an unchanged note keeps its flow object.
 */
import type { Node } from "@xyflow/react";
import type { Graph, GraphNote } from "../../../engine/browser.js";
import { NOTE_DEFAULT_SIZE, noteFlowId, noteIdOf } from "../document/notes.js";
import type { FlowNode } from "./nodes.js";

export type NoteNodeData = { note: GraphNote; readOnly: boolean };
export type NoteFlowNode = Node<NoteNodeData, "note">;

/** The React Flow node type of notes. */
export const NOTE_NODE_TYPE = "note";

const isNote = (n: { id: string }) => noteIdOf(n.id) !== null;

/**
 * `synced` (the graph's nodes, as syncFlowNodes made them from `prev`) with the graph's notes
 * before them; previous note objects are reused when their note and read-only flag are unchanged.
 */
export function withNoteNodes(prev: readonly FlowNode[], synced: FlowNode[], graph: Graph, readOnly: boolean): FlowNode[] {
  const notes = graph.notes ?? [];
  if (!notes.length && !prev.some(isNote)) return synced;
  const old = new Map<string, NoteFlowNode>();
  for (const n of prev) if (isNote(n)) old.set(n.id, n as unknown as NoteFlowNode);
  const noteNodes = notes.map((note): NoteFlowNode => {
    const id = noteFlowId(note.id);
    const o = old.get(id);
    if (o && o.data.note === note && o.data.readOnly === readOnly) return o;
    const size = note.size ?? NOTE_DEFAULT_SIZE;
    return {
      id,
      type: NOTE_NODE_TYPE,
      position: note.position,
      data: { note, readOnly },
      width: size.width,
      height: size.height,
      selected: o?.selected ?? false,
      draggable: !readOnly,
      deletable: !readOnly,
      connectable: false,
      ariaLabel: `note ${note.text.split("\n")[0].slice(0, 60) || "(empty)"}`,
    };
  });
  // A flow node list holds one node type; notes ride along (the canvas only reads their id and position).
  return [...(noteNodes as unknown as FlowNode[]), ...synced.filter((n) => !isNote(n))];
}
