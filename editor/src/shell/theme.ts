/**
 * Light / dark theme: the user's choice (system, light or dark) is remembered in localStorage;
 * "system" follows prefers-color-scheme live. The resolved theme is set as `data-theme` (and
 * `color-scheme`) on <html>, where the CSS custom properties of styles.css switch with it.
 */
import { useSyncExternalStore } from "react";

export type ThemePref = "system" | "light" | "dark";
export type Theme = "light" | "dark";

export const THEME_PREFS: readonly ThemePref[] = ["system", "light", "dark"];
export const THEME_STORAGE_KEY = "flowtune.theme";
const QUERY = "(prefers-color-scheme: dark)";

const listeners = new Set<() => void>();
let current: { pref: ThemePref; theme: Theme } | null = null;

function readPref(): ThemePref {
  try {
    const v = window.localStorage.getItem(THEME_STORAGE_KEY);
    return v === "light" || v === "dark" || v === "system" ? v : "system";
  } catch {
    // Storage blocked (privacy mode): follow the system.
    return "system";
  }
}

function systemTheme(): Theme {
  return typeof window.matchMedia === "function" && window.matchMedia(QUERY).matches ? "dark" : "light";
}

/** The theme shown for a preference, given what the system prefers. */
export function resolveTheme(pref: ThemePref, system: Theme): Theme {
  return pref === "system" ? system : pref;
}

function apply(pref: ThemePref) {
  const theme = resolveTheme(pref, systemTheme());
  if (current?.pref === pref && current.theme === theme) return;
  current = { pref, theme };
  const root = document.documentElement;
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
  for (const l of [...listeners]) l();
}

let started = false;
/** Applies the remembered theme and starts following the system and other tabs; call once before rendering. */
export function initTheme(): void {
  if (started) return;
  started = true;
  apply(readPref());
  window.matchMedia?.(QUERY).addEventListener?.("change", () => apply(current?.pref ?? readPref()));
  // Another tab changed the choice.
  window.addEventListener("storage", (e) => {
    if (e.key === THEME_STORAGE_KEY) apply(readPref());
  });
}

/** Chooses and remembers a theme preference. */
export function setThemePref(pref: ThemePref): void {
  try {
    if (pref === "system") window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, pref);
  } catch {
    // Not remembered; still applied for this page.
  }
  apply(pref);
}

function subscribe(l: () => void) {
  initTheme();
  listeners.add(l);
  return () => listeners.delete(l);
}
const LIGHT = { pref: "system" as ThemePref, theme: "light" as Theme };
function snapshot() {
  return current ?? LIGHT;
}

/** The current preference and resolved theme; re-renders when either changes. */
export function useTheme(): { pref: ThemePref; theme: Theme } {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
