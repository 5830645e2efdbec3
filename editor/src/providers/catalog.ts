/**
 * The providers a graph may name, as the server last said (`providers.available`), held outside
 * React so the document's validation can read it: every doc store re-validates when it changes.
 * Null until loaded (or when it cannot be loaded): then no provider is flagged, since flagging
 * every AI node while the list is on its way would be noise.
 */
import { providerNotConfigured } from "../../../engine/browser.js";

/** One provider id a graph may name (the server's ProviderAvailability). */
export interface ProviderEntry {
  id: string;
  origin: "builtin" | "environment" | "stored";
  type: "sim" | "openai-compatible";
  usable: boolean;
  problem?: string;
}

/** An immutable snapshot: a new object on every change, so memoized validations can compare it. */
export interface ProviderCatalog {
  entries: readonly ProviderEntry[];
  byId: ReadonlyMap<string, ProviderEntry>;
}

let current: ProviderCatalog | null = null;
const listeners = new Set<() => void>();

/** The catalog now, or null when it is not known. */
export function providerCatalog(): ProviderCatalog | null {
  return current;
}

/** Replaces the catalog (null: unknown) and tells every subscriber; an equal list changes nothing. */
export function setProviderCatalog(entries: readonly ProviderEntry[] | null): void {
  if (entries === null ? current === null : current !== null && sameEntries(current.entries, entries)) return;
  current = entries === null ? null : { entries: [...entries], byId: new Map(entries.map((e) => [e.id, e])) };
  for (const l of [...listeners]) l();
}

/** Calls `listener` whenever the catalog changes; returns the unsubscribe. */
export function subscribeProviderCatalog(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Why `id` cannot be named by a graph under `catalog`, or undefined when it can (or the catalog is unknown). */
export function providerProblem(catalog: ProviderCatalog | null, id: string): string | undefined {
  if (!catalog) return undefined;
  const entry = catalog.byId.get(id);
  if (!entry) return providerNotConfigured(id);
  if (!entry.usable) return `provider "${id}" cannot be used: ${entry.problem ?? "it is not usable"} — fix it under Providers`;
  return undefined;
}

function sameEntries(a: readonly ProviderEntry[], b: readonly ProviderEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e.id === b[i].id && e.origin === b[i].origin && e.type === b[i].type && e.usable === b[i].usable && e.problem === b[i].problem);
}
