/**
 * Keeps the URL and the editor's view in step (routes: see route.ts). What the editor shows is
 * written to the URL as a new history entry (so back/forward work); opening a URL (first load,
 * back/forward, a pasted link) restores the view: the workflow, then the run shown, the
 * optimization open in its node's Optimize tab, or the version previewed.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Graph } from "../../../engine/browser.js";
import { useTRPC } from "../trpc.js";
import { formatRoute, parseRoute, type Route } from "./route.js";

export interface RoutingHost {
  /** The view as the editor shows it now. */
  current: Route;
  /** Whether the workflow list has loaded (a first URL is applied after it). */
  ready: boolean;
  /** The id of the workflow to open when the URL names none (the first of the list). */
  fallbackWorkflowId: string | null;
  /** The open workflow's saved id. */
  openId: string | null;
  /** The session key of the open workflow (changes on every open). */
  sessionKey: number | null;
  showDatasets(dataset: string | null): void;
  /** Shows the Providers page. */
  showProviders(): void;
  showWorkflows(): void;
  /** Opens a workflow (saving the open one's pending changes first); false when it did not open. */
  openWorkflow(id: string): Promise<boolean>;
  showRun(runId: string | null): void;
  showVersion(version: number, graph: Graph): void;
  hideVersion(): void;
  showOptimization(optimizationId: string, nodeId: string): void;
  hideOptimization(): void;
  onError(message: string): void;
}

/** The part of a route that needs the workflow open first. */
type Detail = { workflowId: string; runId?: string; optimizationId?: string; version?: number };

export function useRouting(host: RoutingHost) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hostRef = useRef(host);
  hostRef.current = host;
  // A route being applied: the URL is not written meanwhile (the view is half-way there).
  const [pending, setPending] = useState<Detail | null>(null);
  const applying = useRef(0);
  // The session opened without a URL (the first workflow of the list): not written to the URL.
  const autoOpened = useRef<number | null>(null);

  const apply = useCallback(async (route: Route, first: boolean) => {
    const h = hostRef.current;
    applying.current += 1;
    try {
      if (route.view === "datasets") {
        h.showDatasets(route.dataset ?? null);
        return;
      }
      if (route.view === "providers") {
        h.showProviders();
        return;
      }
      h.showWorkflows();
      const id = route.workflowId ?? (first ? h.fallbackWorkflowId : null);
      if (!id) return;
      if (!(await h.openWorkflow(id))) return;
      if (!route.workflowId) autoOpened.current = -1;
      setPending({ workflowId: id, runId: route.runId, optimizationId: route.optimizationId, version: route.version });
    } finally {
      applying.current -= 1;
    }
  }, []);

  // First load, once the list is known.
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !host.ready) return;
    started.current = true;
    void apply(parseRoute(window.location.hash), true);
  }, [apply, host.ready]);

  // Back / forward, and a link typed or pasted into the address bar.
  useEffect(() => {
    const onPop = () => void apply(parseRoute(window.location.hash), false);
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, [apply]);

  // The workflow is open (and useRun has reset for it): show the run, version or optimization.
  const detailSeq = useRef(0);
  useEffect(() => {
    if (!pending || host.openId !== pending.workflowId) return;
    const h = hostRef.current;
    if (autoOpened.current === -1) autoOpened.current = host.sessionKey;
    const mine = ++detailSeq.current;
    void (async () => {
      try {
        h.showRun(pending.runId ?? null);
        if (pending.version !== undefined) {
          const rec = await queryClient.fetchQuery(trpc.workflows.versions.get.queryOptions({ id: pending.workflowId, version: pending.version }));
          if (mine === detailSeq.current) h.showVersion(pending.version, rec.graph as Graph);
        } else h.hideVersion();
        if (pending.optimizationId) {
          const opt = await queryClient.fetchQuery(trpc.optimizations.get.queryOptions({ runId: pending.optimizationId }));
          const nodeId = opt.targetNodeIds[0];
          if (opt.workflowId !== pending.workflowId || !nodeId) throw new Error(`optimization ${pending.optimizationId} is not one of workflow "${pending.workflowId}"`);
          if (mine === detailSeq.current) h.showOptimization(pending.optimizationId, nodeId);
        } else h.hideOptimization();
      } catch (err) {
        if (mine === detailSeq.current) h.onError(err instanceof Error ? err.message : String(err));
      } finally {
        if (mine === detailSeq.current) setPending(null);
      }
    })();
  }, [host.openId, host.sessionKey, pending, queryClient, trpc]);

  // What the editor shows goes to the URL, as a new history entry.
  const hash = formatRoute(host.current);
  const bare = host.current.view === "workflows" && !host.current.runId && !host.current.optimizationId && host.current.version === undefined;
  useEffect(() => {
    if (!started.current || pending || applying.current > 0) return;
    if (hash === window.location.hash || (hash === "" && window.location.hash === "")) return;
    // The first workflow opened for a bare URL stays out of it (a reload opens the newest again).
    if (bare && window.location.hash === "" && autoOpened.current !== null && autoOpened.current === host.sessionKey) return;
    window.history.pushState(null, "", hash || `${window.location.pathname}${window.location.search}`);
  }, [bare, hash, host.sessionKey, pending]);

  return { applyRoute: apply };
}
