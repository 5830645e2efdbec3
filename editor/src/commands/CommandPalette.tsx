/** Ctrl/⌘ K: a filterable list of editor actions, driven from the keyboard. */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useEscape, useRestoreFocus } from "../shell/useEscape.js";
import { fuzzyFilter } from "./fuzzy.js";

export interface Command {
  id: string;
  title: string;
  group: string;
  shortcut?: string;
  disabled?: boolean;
  run(): void;
}

export function CommandPalette({ commands, onClose }: { commands: Command[]; onClose: () => void }) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const listId = useId();
  const shown = useMemo(() => fuzzyFilter(commands.filter((c) => !c.disabled), query, (c) => `${c.title} ${c.group}`), [commands, query]);
  const current = shown[Math.min(active, shown.length - 1)];

  useEscape(onClose);
  useRestoreFocus();
  useEffect(() => {
    input.current?.focus();
  }, []);
  useEffect(() => {
    setActive(0);
  }, [query]);
  useEffect(() => {
    list.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const runCommand = (c: Command | undefined) => {
    if (!c) return;
    onClose();
    // After the dialog is gone (focus returns to the editor first).
    setTimeout(() => c.run(), 0);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => (shown.length ? (a + 1) % shown.length : 0));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => (shown.length ? (a - 1 + shown.length) % shown.length : 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      runCommand(current);
    }
  };

  return (
    <div className="cmdk-backdrop" onMouseDown={onClose}>
      <div className="cmdk" role="dialog" aria-modal="true" aria-label="Command palette" data-testid="command-palette" onMouseDown={(e) => e.stopPropagation()} onKeyDown={onKeyDown}>
        <input
          ref={input}
          className="cmdk__input"
          data-testid="command-input"
          placeholder="Type a command…"
          value={query}
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={current ? `${listId}-${current.id}` : undefined}
          onChange={(e) => setQuery(e.target.value)}
        />
        <ul className="cmdk__list" role="listbox" id={listId} ref={list}>
          {shown.length === 0 ? <li className="cmdk__empty muted">No matching command</li> : null}
          {shown.map((c) => (
            <li
              key={c.id}
              id={`${listId}-${c.id}`}
              role="option"
              aria-selected={c === current}
              className={`cmdk__item${c === current ? " active" : ""}`}
              data-testid={`command-${c.id}`}
              onMouseEnter={() => setActive(shown.indexOf(c))}
              onClick={() => runCommand(c)}
            >
              <span className="cmdk__group">{c.group}</span>
              <span className="cmdk__title">{c.title}</span>
              {c.shortcut ? <kbd>{c.shortcut}</kbd> : null}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
