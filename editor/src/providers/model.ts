/** Pure helpers of the Providers screen: the rows it lists, the key field's three modes, the test result's words. */
import type { RouterOutputs } from "../trpc.js";
import type { ProviderEntry } from "./catalog.js";

export type StoredProvider = RouterOutputs["providers"]["list"][number];
export type TestResult = RouterOutputs["providers"]["test"];
export type TestFailureKind = Extract<TestResult, { ok: false }>["kind"];

/** One row of the list: what a graph may name, with the stored details when there are some. */
export interface ProviderRow {
  id: string;
  origin: ProviderEntry["origin"];
  type: ProviderEntry["type"];
  usable: boolean;
  problem?: string;
  stored?: StoredProvider;
}

/** Built-in and environment providers first (as the server lists them), then the stored ones by id. */
export function providerRows(available: readonly ProviderEntry[] | undefined, stored: readonly StoredProvider[] | undefined): ProviderRow[] {
  const byId = new Map((stored ?? []).map((s) => [s.id, s]));
  const rows: ProviderRow[] = (available ?? []).map((a) => ({ ...a, stored: a.origin === "stored" ? byId.get(a.id) : undefined }));
  // A stored row the availability list does not have yet (just saved): shown, marked by its origin.
  for (const s of stored ?? []) {
    if (!rows.some((r) => r.id === s.id)) rows.push({ id: s.id, origin: "stored", type: "openai-compatible", usable: true, stored: s });
  }
  return rows;
}

/** What the API key field does on save: keep the stored key, replace it with the typed one, or remove it. */
export type KeyMode = "keep" | "replace" | "remove";

/** The `apiKey` to send for a mode: undefined keeps, null removes, the text replaces (an empty text keeps). */
export function apiKeyParam(mode: KeyMode, typed: string): string | null | undefined {
  if (mode === "remove") return null;
  if (mode === "replace") return typed.trim() === "" ? undefined : typed.trim();
  return undefined;
}

/** A form problem to show before anything is sent, or null. */
export function formProblem(form: { id: string; baseUrl: string; keyMode: KeyMode; apiKey: string }, isNew: boolean, takenIds: readonly string[]): string | null {
  if (isNew) {
    if (!form.id.trim()) return "Give the provider an id (what graphs name, e.g. local or openai).";
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(form.id.trim()) || form.id.trim().length > 64) return "The id starts with a letter or _ and has only letters, digits, _ and - (at most 64).";
    if (takenIds.includes(form.id.trim())) return `"${form.id.trim()}" is already taken; choose another id.`;
  }
  if (!form.baseUrl.trim()) return "Enter the base URL, e.g. http://localhost:11434/v1.";
  if (!/^https?:\/\//i.test(form.baseUrl.trim())) return "The base URL starts with http:// or https://.";
  if (form.keyMode === "replace" && !isNew && form.apiKey.trim() === "") return "Type the new API key, or choose Keep.";
  return null;
}

const KIND_LABEL: Record<TestFailureKind, string> = {
  invalid_url: "Invalid URL",
  blocked: "Blocked address",
  unreachable: "Unreachable",
  timeout: "Timed out",
  unauthorized: "Key refused",
  not_compatible: "Not OpenAI-compatible",
  too_large: "Answer too large",
  http_error: "HTTP error",
};

/** The headline of a test result: "Connected · 2 models · 14 ms" or the failure's kind. */
export function testHeadline(r: TestResult): string {
  if (r.ok) return `Connected · ${r.modelCount} model${r.modelCount === 1 ? "" : "s"} · ${r.latencyMs} ms`;
  return KIND_LABEL[r.kind] ?? "Failed";
}
