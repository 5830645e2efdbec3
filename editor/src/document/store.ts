/**
 * A tiny external store around the document reducer, read with narrow selectors through
 * useSyncExternalStore (so a component re-renders only when the slice it reads changes).
 * Validation is derived lazily per graph object.
 */
import { createContext, useCallback, useContext, useSyncExternalStore } from "react";
import type { Graph } from "../../../engine/browser.js";
import { docReducer, initialDoc, type DocAction, type DocState } from "./reducer.js";
import { validateDoc, type Validation } from "./validation.js";
import { providerCatalog, subscribeProviderCatalog, type ProviderCatalog } from "../providers/catalog.js";

export interface DocStore {
  getState(): DocState;
  dispatch(action: DocAction): void;
  subscribe(listener: () => void): () => void;
  /** Validation of the current graph (memoized per graph object). */
  validation(): Validation;
}

export function createDocStore(graph: Graph): DocStore {
  let state = initialDoc(graph);
  let validated: { graph: Graph; providers: ProviderCatalog | null; result: Validation } | null = null;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = docReducer(state, action);
      if (next === state) return;
      state = next;
      for (const l of [...listeners]) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      // The configured providers are part of validation: a change re-validates (see providers/catalog.ts).
      const off = subscribeProviderCatalog(listener);
      return () => {
        listeners.delete(listener);
        off();
      };
    },
    validation() {
      const providers = providerCatalog();
      if (validated?.graph !== state.graph || validated.providers !== providers) validated = { graph: state.graph, providers, result: validateDoc(state.graph, providers) };
      return validated.result;
    },
  };
}

export const DocStoreContext = createContext<DocStore | null>(null);

export function useDocStore(): DocStore {
  const store = useContext(DocStoreContext);
  if (!store) throw new Error("useDocStore() outside a DocStoreContext");
  return store;
}

/** A slice of the document state; re-renders when the selected value changes (Object.is). */
export function useDoc<T>(selector: (s: DocState) => T): T {
  const store = useDocStore();
  const get = useCallback(() => selector(store.getState()), [store, selector]);
  return useSyncExternalStore(store.subscribe, get, get);
}

export function useValidation(): Validation {
  const store = useDocStore();
  const get = useCallback(() => store.validation(), [store]);
  return useSyncExternalStore(store.subscribe, get, get);
}

export const selectGraph = (s: DocState) => s.graph;
export const selectCanUndo = (s: DocState) => s.past.length > 0;
export const selectCanRedo = (s: DocState) => s.future.length > 0;
