/**
 * One Escape for every drawer, dialog and menu: each open layer registers itself on a stack, and
 * Escape closes only the topmost (the last opened), so a menu over a drawer closes first. A key
 * handled by a field of its own (a note being edited, a combobox) stops propagation and never
 * reaches the stack. Closing can return focus to where it was when the layer opened.
 */
import { useEffect, useRef, useState } from "react";

type Layer = { close: () => void };

const stack: Layer[] = [];
let listening = false;

function onKeyDown(e: KeyboardEvent) {
  if (e.key !== "Escape" || e.defaultPrevented || e.isComposing) return;
  const top = stack.at(-1);
  if (!top) return;
  e.preventDefault();
  e.stopPropagation();
  top.close();
}

function push(layer: Layer): () => void {
  stack.push(layer);
  if (!listening) {
    window.addEventListener("keydown", onKeyDown);
    listening = true;
  }
  return () => {
    const i = stack.lastIndexOf(layer);
    if (i >= 0) stack.splice(i, 1);
    if (!stack.length && listening) {
      window.removeEventListener("keydown", onKeyDown);
      listening = false;
    }
  };
}

/** How many layers are open (for tests and for shortcuts that must not fire under a dialog). */
export function openLayers(): number {
  return stack.length;
}

/**
 * Registers an open layer: while mounted (and `active`), Escape calls `onEscape` when this layer
 * is the topmost. The latest `onEscape` is always used (no need to memoize it).
 */
export function useEscape(onEscape: () => void, active = true): void {
  const latest = useRef(onEscape);
  latest.current = onEscape;
  useEffect(() => {
    if (!active) return;
    return push({ close: () => latest.current() });
  }, [active]);
}

/**
 * Remembers the focused element when the component mounts and gives focus back to it when the
 * component unmounts, when focus was lost with the closed layer (it is on the body); `fallback`
 * names where focus goes when that element is gone.
 */
export function useRestoreFocus(fallback?: () => HTMLElement | null | undefined): void {
  // Read while rendering, before the commit focuses anything inside the layer (autoFocus, effects).
  const [before] = useState(() => (typeof document === "undefined" ? null : document.activeElement));
  const fallbackRef = useRef(fallback);
  fallbackRef.current = fallback;
  useEffect(
    () => () => {
      const target = before instanceof HTMLElement && before.isConnected && before !== document.body ? before : fallbackRef.current?.();
      // Restore after React has removed the layer (focus inside removed DOM falls to the body).
      queueMicrotask(() => {
        const now = document.activeElement;
        if ((!now || now === document.body || !now.isConnected) && target?.isConnected) target.focus();
      });
    },
    [before],
  );
}
