/**
 * One editing session: a document store plus what was last saved of it. The save state is
 * derived: the document is clean when its graph is the very object last saved (undoing back to
 * the saved graph makes it clean again).
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Graph } from "../../../engine/browser.js";
import { layoutGraph } from "../canvas/layout.js";
import { useTRPC, type WorkflowRecord } from "../trpc.js";
import { createDocStore, selectGraph, type DocStore } from "./store.js";
import { useSyncExternalStore } from "react";

export interface Session {
  key: number;
  store: DocStore;
  /** The stored workflow's id; null for a new workflow not created yet. */
  savedId: string | null;
  savedVersion: number | null;
  /** The graph object last saved (or loaded). */
  savedGraph: Graph | null;
  /** Never saved (the stress graph). */
  ephemeral: boolean;
  /** Started in the editor (New workflow, an invalid import) rather than loaded. */
  isNew?: boolean;
}

let keys = 0;

/** Fills missing positions (a graph written by hand) so that the layout can be saved. */
export function withPositions(graph: Graph): Graph {
  if (graph.nodes.every((n) => n.position)) return graph;
  const pos = layoutGraph(graph);
  return { ...graph, nodes: graph.nodes.map((n) => (n.position ? n : { ...n, position: pos.get(n.id) ?? { x: 0, y: 0 } })) };
}

export function sessionFromRecord(record: WorkflowRecord): Session {
  const graph = withPositions(record.graph as Graph);
  return { key: ++keys, store: createDocStore(graph), savedId: record.id, savedVersion: record.currentVersion ?? record.version, savedGraph: graph, ephemeral: false };
}

export function newSession(graph: Graph, ephemeral = false): Session {
  return { key: ++keys, store: createDocStore(graph), savedId: null, savedVersion: null, savedGraph: null, ephemeral, isNew: !ephemeral };
}

export type SaveState = "saved" | "saving" | "dirty" | "invalid" | "error" | "ephemeral" | "readonly";

export const AUTOSAVE_MS = 1500;

export function useSaving(session: Session | null, setSession: (update: (s: Session | null) => Session | null) => void, readOnly: boolean) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const store = session?.store;
  const subscribe = useCallback((l: () => void) => (store ? store.subscribe(l) : () => {}), [store]);
  const graph = useSyncExternalStore(subscribe, () => (store ? selectGraph(store.getState()) : null));
  const validation = store && graph ? store.validation() : null;
  const dirty = Boolean(session && graph !== session.savedGraph);
  const [error, setError] = useState<string | null>(null);

  const onSaved = useCallback(
    (sent: Graph, record: WorkflowRecord, key: number) => {
      setError(null);
      setSession((s) => (s && s.key === key ? { ...s, savedId: record.id, savedVersion: record.version, savedGraph: sent } : s));
      queryClient.setQueryData(trpc.workflows.get.queryKey({ id: record.id }), record);
      void queryClient.invalidateQueries(trpc.workflows.list.queryFilter());
      void queryClient.invalidateQueries(trpc.workflows.versions.pathFilter());
    },
    [queryClient, setSession, trpc],
  );
  const create = useMutation(trpc.workflows.create.mutationOptions());
  const update = useMutation(trpc.workflows.update.mutationOptions());
  const inFlight = useRef(false);

  const save = useCallback(async () => {
    if (!session || !graph || readOnly || session.ephemeral || inFlight.current) return;
    if (!session.store.validation().ok) {
      setError(`Fix ${session.store.validation().issues.length} issue(s) before saving`);
      return;
    }
    if (graph === session.savedGraph) return;
    inFlight.current = true;
    const key = session.key;
    try {
      const res = session.savedId
        ? await update.mutateAsync({ id: session.savedId, graph })
        : await create.mutateAsync({ graph, note: "created in the editor" });
      onSaved(graph, res.workflow as WorkflowRecord, key);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      inFlight.current = false;
    }
  }, [create, graph, onSaved, readOnly, session, update]);

  // Autosave: 1.5 s after the last change, only when the document is valid.
  const valid = validation?.ok ?? false;
  useEffect(() => {
    if (!dirty || !valid || readOnly || session?.ephemeral) return;
    const t = setTimeout(() => void save(), AUTOSAVE_MS);
    return () => clearTimeout(t);
  }, [dirty, valid, readOnly, session?.ephemeral, save]);

  const saving = create.isPending || update.isPending;
  const state: SaveState = readOnly
    ? "readonly"
    : session?.ephemeral
      ? "ephemeral"
      : saving
        ? "saving"
        : !dirty
          ? "saved"
          : !valid
            ? "invalid"
            : error
              ? "error"
              : "dirty";
  return { graph, validation, dirty, state, error, save, issueCount: validation?.issues.length ?? 0 };
}
