/** Whether the platform uses ⌘ as the shortcut modifier. */
export const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** The shortcut modifier as shown in tooltips and the shortcut sheet. */
export const MOD = isMac ? "⌘" : "Ctrl+";
