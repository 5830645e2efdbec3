import type { SaveState } from "../document/session.js";

const SAVE_LABEL: Record<SaveState, string> = {
  saved: "Saved",
  saving: "Saving…",
  dirty: "Unsaved changes",
  invalid: "Invalid",
  error: "Save failed",
  ephemeral: "Not saved",
  readonly: "Read-only",
};

/** The header's save state: saved version, saving, unsaved, invalid (with the issue count), failed. */
export function SaveIndicator({ state, version, issues, error }: { state: SaveState; version: number | null; issues: number; error: string | null }) {
  const text =
    state === "saved"
      ? version
        ? `Saved v${version}`
        : "Not saved yet"
      : state === "invalid"
        ? `Invalid: ${issues} issue${issues === 1 ? "" : "s"}`
        : state === "readonly" && version
          ? `v${version} · read-only`
          : SAVE_LABEL[state];
  return (
    <span className={`save-status save-${state}`} data-testid="save-status" data-state={state} data-version={version ?? undefined} role="status" aria-live="polite" title={error ?? undefined}>
      <span className="save-status__dot" aria-hidden="true" />
      {text}
    </span>
  );
}
