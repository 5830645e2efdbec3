/**
 * The open workflow's effective parameters, fetched once (`parameters.effective`) and shared with
 * every AI node on the canvas and the inspector through a tiny external store: a node component
 * subscribes to its own entry only, so a 1,000-node canvas does not pay a query per node.
 * Refetched after each save that added a version and after promote/rollback (they invalidate
 * every `parameters.*` query).
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import { useTRPC } from "../trpc.js";
import type { EffectiveNode } from "./effective.js";

/** What the inspector's "run with this draft" needs from the shell. */
export interface ManagedRunContext {
  workflowId: string;
  /** Shows a run just started (the run panel follows it). */
  showRun(runId: string): void;
  /** Inputs of the run shown, if any (used when the run form has none to offer). */
  runInputs?: Record<string, unknown>;
}

interface State {
  workflowId: string | null;
  nodes: ReadonlyMap<string, EffectiveNode>;
  run: ManagedRunContext | null;
}

const EMPTY: ReadonlyMap<string, EffectiveNode> = new Map();
let state: State = { workflowId: null, nodes: EMPTY, run: null };
const listeners = new Set<() => void>();

function set(next: Partial<State>): void {
  state = { ...state, ...next };
  for (const l of [...listeners]) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Replaces the store's nodes (tests and the sync hook). */
export function setEffectiveNodes(workflowId: string | null, nodes: readonly EffectiveNode[]): void {
  const prev = state.nodes;
  const map = new Map<string, EffectiveNode>();
  // Unchanged entries keep their identity, so only the nodes whose data changed re-render.
  for (const n of nodes) {
    const old = prev.get(n.nodeId);
    map.set(n.nodeId, old && JSON.stringify(old) === JSON.stringify(n) ? old : n);
  }
  set({ workflowId, nodes: map });
}

/** The effective parameters of one AI node of the open workflow (undefined: not known or not AI). */
export function useEffectiveNode(nodeId: string): EffectiveNode | undefined {
  const get = useCallback(() => state.nodes.get(nodeId), [nodeId]);
  return useSyncExternalStore(subscribe, get, get);
}

/** The shell's run context (null before a saved workflow is open). */
export function useManagedRunContext(): ManagedRunContext | null {
  return useSyncExternalStore(subscribe, () => state.run, () => state.run);
}

/**
 * Keeps the store in step with the open (saved) workflow: call once in the shell. `savedVersion`
 * changing (a save added a version) refetches, since a save may have created a draft.
 */
export function useEffectiveParamsSync(workflowId: string | null, savedVersion: number | null, showRun: (runId: string) => void, runInputs?: Record<string, unknown>): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery({ ...trpc.parameters.effective.queryOptions({ workflowId: workflowId ?? "" }), enabled: Boolean(workflowId), retry: false });
  const data = query.data;
  useEffect(() => {
    if (!workflowId) setEffectiveNodes(null, []);
    else if (data && data.workflowId === workflowId) setEffectiveNodes(workflowId, data.nodes);
    else if (state.workflowId !== workflowId) setEffectiveNodes(workflowId, []);
  }, [workflowId, data]);
  // Only a version added while the workflow is open refetches (opening it fetches anyway).
  const seen = useRef<{ workflowId: string | null; savedVersion: number | null } | null>(null);
  useEffect(() => {
    const prev = seen.current;
    seen.current = { workflowId, savedVersion };
    if (workflowId && prev?.workflowId === workflowId && prev.savedVersion !== savedVersion) {
      void queryClient.invalidateQueries(trpc.parameters.effective.queryFilter({ workflowId }));
    }
  }, [queryClient, trpc, workflowId, savedVersion]);
  useEffect(() => {
    set({ run: workflowId ? { workflowId, showRun, runInputs } : null });
  }, [workflowId, showRun, runInputs]);
}
