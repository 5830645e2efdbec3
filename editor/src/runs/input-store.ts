/**
 * The run form's last values per workflow in localStorage, so a reload keeps what was typed.
 * Best effort: private mode, a full quota or a corrupt entry just means starting from defaults.
 */
import type { FormValues } from "./input-form.js";

const PREFIX = "flowtune.runInputs.";
/** Larger forms are not remembered (localStorage holds about 5 MB for the whole editor). */
export const MAX_REMEMBERED_CHARS = 200_000;

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

/** The values last typed for the workflow, or null. Only string and boolean values are kept. */
export function loadRememberedInputs(workflowId: string): FormValues | null {
  try {
    const text = storage()?.getItem(PREFIX + workflowId);
    if (!text) return null;
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
    const out: FormValues = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === "string" || typeof v === "boolean") out[k] = v;
    return out;
  } catch {
    return null;
  }
}

/** Remembers the values for the workflow (forgets them when too large to keep). */
export function rememberInputs(workflowId: string, values: FormValues): void {
  const s = storage();
  if (!s) return;
  try {
    const text = JSON.stringify(values);
    if (text.length > MAX_REMEMBERED_CHARS) s.removeItem(PREFIX + workflowId);
    else s.setItem(PREFIX + workflowId, text);
  } catch {
    // Quota exceeded or storage disabled: the form still works, it is just not remembered.
  }
}
