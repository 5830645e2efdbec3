/**
 * `?`: every keyboard shortcut, generated from the command list the command palette uses (each
 * command with a `shortcut`), grouped as the palette groups them. Escape or a click outside closes it.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import type { Command } from "../commands/CommandPalette.js";
import { useEscape, useRestoreFocus } from "./useEscape.js";

const OPEN_EVENT = "flowtune:shortcut-sheet";

/** Opens the shortcut sheet (from a command). */
export function openShortcutSheet(): void {
  window.dispatchEvent(new Event(OPEN_EVENT));
}

function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName)));
}

/** Listens for `?` (outside text fields) and shows the sheet of `commands`. */
export function ShortcutSheetHost({ commands }: { commands: readonly Command[] }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "?" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || typingIn(e.target)) return;
      e.preventDefault();
      setOpen(true);
    };
    const onOpen = () => setOpen(true);
    window.addEventListener("keydown", onKey);
    window.addEventListener(OPEN_EVENT, onOpen);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener(OPEN_EVENT, onOpen);
    };
  }, []);
  return open ? <ShortcutSheet commands={commands} onClose={() => setOpen(false)} /> : null;
}

/** The commands that have a shortcut, by group, in the order the list gives them. */
export function shortcutGroups(commands: readonly Command[]): Array<{ group: string; commands: Command[] }> {
  const groups = new Map<string, Command[]>();
  for (const c of commands) {
    if (!c.shortcut) continue;
    const list = groups.get(c.group) ?? [];
    list.push(c);
    groups.set(c.group, list);
  }
  return [...groups].map(([group, list]) => ({ group, commands: list }));
}

/** The shortcut sheet dialog. */
export function ShortcutSheet({ commands, onClose }: { commands: readonly Command[]; onClose: () => void }) {
  const groups = useMemo(() => shortcutGroups(commands), [commands]);
  const closeBtn = useRef<HTMLButtonElement>(null);
  useEscape(onClose);
  useRestoreFocus();
  useEffect(() => {
    closeBtn.current?.focus();
  }, []);
  return (
    <div className="sheet-backdrop" onMouseDown={onClose}>
      <div className="sheet" role="dialog" aria-modal="true" aria-labelledby="shortcut-sheet-title" data-testid="shortcut-sheet" onMouseDown={(e) => e.stopPropagation()}>
        <div className="sheet__head">
          <h2 id="shortcut-sheet-title">Keyboard shortcuts</h2>
          <button ref={closeBtn} type="button" className="icon-btn" aria-label="Close keyboard shortcuts" data-testid="shortcut-sheet-close" onClick={onClose}>
            ×
          </button>
        </div>
        <div className="sheet__groups">
          {groups.map((g) => (
            <section key={g.group} className="sheet__group" aria-label={g.group}>
              <h3>{g.group}</h3>
              <dl>
                {g.commands.map((c) => (
                  <div key={c.id} className="sheet__row" data-testid={`shortcut-${c.id}`}>
                    <dt>{c.title}</dt>
                    <dd>
                      <kbd>{c.shortcut}</kbd>
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <p className="sheet__foot muted small">
          <kbd>Esc</kbd> closes any dialog, drawer or menu · right-click (or <kbd>Shift+F10</kbd> on a focused node) opens its menu
        </p>
      </div>
    </div>
  );
}
