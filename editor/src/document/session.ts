/**
 * One editing session: a document store plus what was last saved of it. The save state is
 * derived: the document is clean when its graph is the very object last saved (undoing back to
 * the saved graph makes it clean again).
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Graph } from "../../../engine/browser.js";
import { layoutGraph } from "../canvas/layout.js";
import { useTRPC, useTRPCClient, type WorkflowRecord } from "../trpc.js";
import { isLeaving, setLeaving } from "../shell/unload.js";
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

/** Autosave waits this long after the last change (one save per pause, not one per edit). */
export const AUTOSAVE_MS = 1500;

/**
 * Saving of the session's document. A new workflow is created on the server as soon as it is
 * valid (no debounce: it exists from the first edit); later changes are saved AUTOSAVE_MS after
 * the last one. Saves run one at a time, each sending the newest document. Pending changes are
 * flushed when the page is hidden or goes away (as keepalive requests) and by `flush()` (the
 * shell calls it before closing the workflow).
 */
export function useSaving(session: Session | null, setSession: (update: (s: Session | null) => Session | null) => void, readOnly: boolean) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const store = session?.store;
  const subscribe = useCallback((l: () => void) => (store ? store.subscribe(l) : () => {}), [store]);
  const graph = useSyncExternalStore(subscribe, () => (store ? selectGraph(store.getState()) : null));
  const validation = store && graph ? store.validation() : null;
  const dirty = Boolean(session && graph !== session.savedGraph);
  const [error, setError] = useState<string | null>(null);

  // The newest session, also between a save's completion and the next render.
  const current = useRef(session);
  if (!session || current.current?.key !== session.key || (session.savedVersion ?? 0) >= (current.current.savedVersion ?? 0)) current.current = session;

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
  const client = useTRPCClient();

  // The last session a save updated (a save queued for a workflow that was closed meanwhile).
  const lastSaved = useRef<Session | null>(null);

  /** Sends the newest document of session `target` (as saved last) if it changed and is valid. */
  const saveNow = useCallback(async (target: Session | null) => {
    const s = target && current.current?.key === target.key ? current.current : target && lastSaved.current?.key === target.key ? lastSaved.current : target;
    if (!s || readOnly || s.ephemeral) return;
    const g = selectGraph(s.store.getState());
    if (g === s.savedGraph) return;
    const v = s.store.validation();
    if (!v.savable) {
      setError(`Fix ${v.issues.length} issue(s) before saving`);
      return;
    }
    try {
      // The page is going away: send the request now, as a keepalive request (no batching timer).
      const now = { context: { unbatched: true } };
      const res = isLeaving()
        ? s.savedId
          ? await client.workflows.update.mutate({ id: s.savedId, graph: g }, now)
          : await client.workflows.create.mutate({ graph: g, note: "created in the editor" }, now)
        : s.savedId
          ? await update.mutateAsync({ id: s.savedId, graph: g })
          : await create.mutateAsync({ graph: g, note: "created in the editor" });
      const record = res.workflow as WorkflowRecord;
      // The next save (maybe already queued) updates what this one created.
      lastSaved.current = { ...s, savedId: record.id, savedVersion: record.version, savedGraph: g };
      if (current.current?.key === s.key) current.current = lastSaved.current;
      onSaved(g, record, s.key);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [client, create, onSaved, readOnly, update]);

  // One save at a time: each waits for the previous one, then sends the session's newest document.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const save = useCallback(() => {
    const target = current.current;
    const next = queue.current.then(() => saveNow(target));
    queue.current = next;
    return next;
  }, [saveNow]);

  const valid = validation?.savable ?? false;
  const isNew = Boolean(session && !session.savedId && !session.ephemeral);
  // A new workflow: create it now. Else autosave AUTOSAVE_MS after the last change (a change re-arms the timer).
  useEffect(() => {
    if (!dirty || !valid || readOnly || session?.ephemeral) return;
    if (isNew) {
      void save();
      return;
    }
    const t = setTimeout(() => void save(), AUTOSAVE_MS);
    return () => clearTimeout(t);
  }, [dirty, valid, readOnly, session?.ephemeral, isNew, graph, save]);

  // The page is hidden or goes away: save what is pending now, as keepalive requests.
  const pending = dirty && valid && !readOnly && !session?.ephemeral;
  useEffect(() => {
    const onHide = () => {
      setLeaving(true);
      if (pending) void save();
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") onHide();
      else setLeaving(false);
    };
    const onShow = () => setLeaving(false);
    window.addEventListener("pagehide", onHide);
    window.addEventListener("pageshow", onShow);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      window.removeEventListener("pagehide", onHide);
      window.removeEventListener("pageshow", onShow);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [pending, save]);

  /** Saves pending changes now (when valid) and waits for every save to finish. */
  const flush = useCallback(() => save(), [save]);

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
  return { graph, validation, dirty, state, error, save, flush, issueCount: validation?.issues.length ?? 0 };
}
