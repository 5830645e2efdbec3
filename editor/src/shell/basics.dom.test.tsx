// @vitest-environment jsdom
/**
 * The Escape stack (topmost layer first, focus given back), the shortcut sheet built from the
 * command list, and the theme preference (system / light / dark, remembered).
 */
import { act, useState } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Command } from "../commands/CommandPalette.js";
import { ShortcutSheet, shortcutGroups } from "./ShortcutSheet.js";
import { initTheme, resolveTheme, setThemePref, THEME_STORAGE_KEY } from "./theme.js";
import { openLayers, useEscape, useRestoreFocus } from "./useEscape.js";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let host: HTMLDivElement;
beforeEach(() => {
  host = document.createElement("div");
  document.body.appendChild(host);
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

const escape = () => act(() => void window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true })));

function Layer({ name, onClose }: { name: string; onClose: (name: string) => void }) {
  useEscape(() => onClose(name));
  useRestoreFocus();
  return (
    <div data-name={name}>
      <input aria-label={name} autoFocus />
    </div>
  );
}

function Stack({ closed }: { closed: string[] }) {
  const [open, setOpen] = useState(["drawer", "palette"]);
  const close = (n: string) => {
    closed.push(n);
    setOpen((o) => o.filter((x) => x !== n));
  };
  return (
    <>
      <button type="button" id="opener">
        open
      </button>
      {open.map((n) => (
        <Layer key={n} name={n} onClose={close} />
      ))}
    </>
  );
}

describe("useEscape", () => {
  it("closes the topmost layer first, one per Escape, and stops listening when none is open", async () => {
    const closed: string[] = [];
    act(() => root.render(<Stack closed={closed} />));
    expect(openLayers()).toBe(2);
    escape();
    expect(closed).toEqual(["palette"]);
    escape();
    expect(closed).toEqual(["palette", "drawer"]);
    expect(openLayers()).toBe(0);
    escape();
    expect(closed).toEqual(["palette", "drawer"]);
  });

  it("a field that handles Escape itself keeps it from the stack", () => {
    const onClose = vi.fn();
    function Field() {
      useEscape(onClose);
      return <textarea aria-label="note" onKeyDown={(e) => e.key === "Escape" && e.stopPropagation()} />;
    }
    act(() => root.render(<Field />));
    const area = host.querySelector("textarea")!;
    act(() => void area.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true })));
    expect(onClose).not.toHaveBeenCalled();
    escape();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("gives focus back to what had it when the layer opened", async () => {
    function Toggle() {
      const [open, setOpen] = useState(false);
      return (
        <>
          <button type="button" id="trigger" onClick={() => setOpen(true)}>
            open
          </button>
          {open ? <Layer name="dialog" onClose={() => setOpen(false)} /> : null}
        </>
      );
    }
    act(() => root.render(<Toggle />));
    const trigger = host.querySelector<HTMLButtonElement>("#trigger")!;
    trigger.focus();
    act(() => trigger.click());
    expect(document.activeElement?.getAttribute("aria-label")).toBe("dialog");
    escape();
    await act(async () => await Promise.resolve());
    expect(document.activeElement).toBe(trigger);
  });
});

describe("shortcut sheet", () => {
  const commands: Command[] = [
    { id: "undo", group: "Edit", title: "Undo", shortcut: "Ctrl+Z", run: () => {} },
    { id: "layout", group: "Canvas", title: "Auto-layout", run: () => {} },
    { id: "save", group: "Workflow", title: "Save", shortcut: "Ctrl+S", run: () => {} },
    { id: "redo", group: "Edit", title: "Redo", shortcut: "Ctrl+Y", disabled: true, run: () => {} },
  ];

  it("lists every command with a shortcut (disabled ones too), grouped, and nothing else", () => {
    expect(shortcutGroups(commands).map((g) => [g.group, g.commands.map((c) => c.id)])).toEqual([
      ["Edit", ["undo", "redo"]],
      ["Workflow", ["save"]],
    ]);
    const onClose = vi.fn();
    act(() => root.render(<ShortcutSheet commands={commands} onClose={onClose} />));
    const rows = [...document.querySelectorAll("[data-testid^='shortcut-']")].map((r) => r.getAttribute("data-testid"));
    expect(rows).toEqual(["shortcut-sheet", "shortcut-sheet-close", "shortcut-undo", "shortcut-redo", "shortcut-save"]);
    expect(document.querySelector("[data-testid='shortcut-undo']")?.textContent).toBe("UndoCtrl+Z");
    escape();
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe("theme", () => {
  it("resolves system to the system's preference and remembers an explicit choice", () => {
    let dark = true;
    const listeners: Array<() => void> = [];
    window.matchMedia = ((q: string) => ({ matches: q.includes("dark") && dark, addEventListener: (_: string, l: () => void) => listeners.push(l) })) as never;
    expect(resolveTheme("system", "dark")).toBe("dark");
    expect(resolveTheme("light", "dark")).toBe("light");
    initTheme();
    expect(document.documentElement.dataset.theme).toBe("dark");
    dark = false;
    listeners.forEach((l) => l());
    expect(document.documentElement.dataset.theme).toBe("light");
    setThemePref("dark");
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    setThemePref("system");
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
    expect(document.documentElement.dataset.theme).toBe("light");
  });
});
