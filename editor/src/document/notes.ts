/**
 * Sticky notes of the document: pure graph transformations used by the document reducer. On the
 * canvas a note is a React Flow node whose id is `note:<note id>` (`:` never appears in a node
 * id), so a drag or a delete of a mixed selection is one reducer step like any other.
 */
import type { Graph, GraphNote, NoteColor } from "../../../engine/browser.js";
import { NOTE_TEXT_MAX } from "../../../engine/browser.js";
import { freshId } from "./defaults.js";

export interface XY {
  x: number;
  y: number;
}

/** Prefix of a note's React Flow node id. */
export const NOTE_PREFIX = "note:";
/** Size of a new note (px, flow coordinates). */
export const NOTE_DEFAULT_SIZE = { width: 220, height: 140 };

export type NotePatch = { text?: string; color?: NoteColor; size?: { width: number; height: number }; position?: XY };

/** The React Flow node id of note `id`. */
export const noteFlowId = (id: string) => `${NOTE_PREFIX}${id}`;
/** The note id of a React Flow node id, or null when it is not a note's. */
export const noteIdOf = (flowId: string) => (flowId.startsWith(NOTE_PREFIX) ? flowId.slice(NOTE_PREFIX.length) : null);

const round = (p: XY): XY => ({ x: Math.round(p.x), y: Math.round(p.y) });

function withNotes(graph: Graph, notes: GraphNote[]): Graph {
  if (notes.length) return { ...graph, notes };
  // The last note removed: drop the key, so a graph that never had notes saves unchanged.
  const { notes: _gone, ...rest } = graph;
  return rest as Graph;
}

/** Adds a note at `position`; returns the graph and the new note's id. */
export function addNote(graph: Graph, position: XY, opts: { id?: string; text?: string; color?: NoteColor } = {}): { graph: Graph; id: string } {
  const notes = graph.notes ?? [];
  const taken = new Set(notes.map((n) => n.id));
  const id = opts.id && !taken.has(opts.id) ? opts.id : freshId("note", taken);
  const note: GraphNote = { id, text: (opts.text ?? "").slice(0, NOTE_TEXT_MAX), position: round(position), size: { ...NOTE_DEFAULT_SIZE }, color: opts.color ?? "yellow" };
  return { graph: withNotes(graph, [...notes, note]), id };
}

/** Patches note `id` (text clipped to the format's limit); the same graph when nothing changes. */
export function updateNote(graph: Graph, id: string, patch: NotePatch): Graph {
  const notes = graph.notes ?? [];
  const note = notes.find((n) => n.id === id);
  if (!note) return graph;
  const next: GraphNote = { ...note };
  if (patch.text !== undefined) next.text = patch.text.slice(0, NOTE_TEXT_MAX);
  if (patch.color !== undefined) next.color = patch.color;
  if (patch.position) next.position = round(patch.position);
  if (patch.size) next.size = { width: Math.round(Math.max(60, patch.size.width)), height: Math.round(Math.max(40, patch.size.height)) };
  if (JSON.stringify(next) === JSON.stringify(note)) return graph;
  return withNotes(graph, notes.map((n) => (n === note ? next : n)));
}

/** Moves notes named by their React Flow ids in `positions` (other ids are ignored). */
export function moveNotes(graph: Graph, positions: Record<string, XY>): Graph {
  const notes = graph.notes;
  if (!notes?.length) return graph;
  let changed = false;
  const next = notes.map((n) => {
    const p = positions[noteFlowId(n.id)];
    if (!p) return n;
    const pos = round(p);
    if (pos.x === n.position.x && pos.y === n.position.y) return n;
    changed = true;
    return { ...n, position: pos };
  });
  return changed ? withNotes(graph, next) : graph;
}

/** Removes the notes named by their React Flow ids in `flowIds` (other ids are ignored). */
export function removeNotes(graph: Graph, flowIds: readonly string[]): Graph {
  const notes = graph.notes;
  if (!notes?.length) return graph;
  const gone = new Set(flowIds.map(noteIdOf).filter((id): id is string => id !== null));
  if (!gone.size) return graph;
  const kept = notes.filter((n) => !gone.has(n.id));
  return kept.length === notes.length ? graph : withNotes(graph, kept);
}
