/**
 * The node palette's search and its remembered open/collapsed state. Pure helpers, unit-tested.
 */
import type { KindInfo } from "../document/defaults.js";

/**
 * The kinds matching `query`: every word of it must appear in the kind's name, kind or
 * description (case-insensitive). Kinds whose name starts with the query come first; otherwise
 * the palette order is kept. An empty query matches all.
 */
export function filterKinds(kinds: readonly KindInfo[], query: string): KindInfo[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...kinds];
  const q = words.join(" ");
  const hits = kinds.filter((k) => {
    const text = `${k.label} ${k.kind} ${k.description}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  const starts = (k: KindInfo) => k.label.toLowerCase().startsWith(q) || k.kind.startsWith(q);
  return [...hits.filter(starts), ...hits.filter((k) => !starts(k))];
}

export const PALETTE_STATE_KEY = "flowtune.palette";

/** Whether the palette was left open (default: open). Storage errors (private mode) count as open. */
export function readPaletteOpen(storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage): boolean {
  try {
    return storage?.getItem(PALETTE_STATE_KEY) !== "collapsed";
  } catch {
    return true;
  }
}

/** Remembers whether the palette is open. */
export function writePaletteOpen(open: boolean, storage: Pick<Storage, "setItem"> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(PALETTE_STATE_KEY, open ? "open" : "collapsed");
  } catch {
    // Not remembered: the palette still works.
  }
}
