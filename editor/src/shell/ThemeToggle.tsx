/** The header's theme switch: System / Light / Dark, as a radio group (arrow keys move, remembered). */
import type { KeyboardEvent } from "react";
import { setThemePref, THEME_PREFS, useTheme, type ThemePref } from "./theme.js";

const LABEL: Record<ThemePref, string> = { system: "System", light: "Light", dark: "Dark" };

function Icon({ pref }: { pref: ThemePref }) {
  const common = { width: 14, height: 14, viewBox: "0 0 16 16", fill: "none", stroke: "currentColor", strokeWidth: 1.6, "aria-hidden": true } as const;
  if (pref === "light")
    return (
      <svg {...common}>
        <circle cx="8" cy="8" r="3" />
        <path d="M8 1.5v1.6M8 12.9v1.6M1.5 8h1.6M12.9 8h1.6M3.4 3.4l1.1 1.1M11.5 11.5l1.1 1.1M3.4 12.6l1.1-1.1M11.5 4.5l1.1-1.1" strokeLinecap="round" />
      </svg>
    );
  if (pref === "dark")
    return (
      <svg {...common}>
        <path d="M13.5 9.6A5.8 5.8 0 0 1 6.4 2.5a5.8 5.8 0 1 0 7.1 7.1Z" strokeLinejoin="round" />
      </svg>
    );
  return (
    <svg {...common}>
      <rect x="1.8" y="2.5" width="12.4" height="8.6" rx="1.4" />
      <path d="M5.5 13.8h5M8 11.1v2.7" strokeLinecap="round" />
    </svg>
  );
}

/** A three-way theme switch; the current preference is checked. */
export function ThemeToggle() {
  const { pref, theme } = useTheme();
  const onKeyDown = (e: KeyboardEvent) => {
    const d = e.key === "ArrowRight" || e.key === "ArrowDown" ? 1 : e.key === "ArrowLeft" || e.key === "ArrowUp" ? -1 : 0;
    if (!d) return;
    e.preventDefault();
    const next = THEME_PREFS[(THEME_PREFS.indexOf(pref) + d + THEME_PREFS.length) % THEME_PREFS.length];
    setThemePref(next);
    (e.currentTarget.querySelector(`[data-pref="${next}"]`) as HTMLElement | null)?.focus();
  };
  return (
    <div className="theme-toggle" role="radiogroup" aria-label="Theme" data-testid="theme-toggle" data-theme={theme} onKeyDown={onKeyDown}>
      {THEME_PREFS.map((p) => (
        <button
          key={p}
          type="button"
          role="radio"
          aria-checked={pref === p}
          tabIndex={pref === p ? 0 : -1}
          className={`theme-toggle__opt${pref === p ? " active" : ""}`}
          data-pref={p}
          data-testid={`theme-${p}`}
          title={`${LABEL[p]} theme`}
          aria-label={`${LABEL[p]} theme`}
          onClick={() => setThemePref(p)}
        >
          <Icon pref={p} />
        </button>
      ))}
    </div>
  );
}
