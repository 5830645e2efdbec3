/**
 * The Optimize tab of an AI node: the "Optimize" button (editors), the node's past optimizations,
 * and the selected one's live view. `openDialogSignal` (incremented by the shell, e.g. from a
 * command bar) opens the dialog.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type JSX } from "react";
import type { Graph } from "../../../engine/browser.js";
import { canRun, useAuth } from "../auth/context.js";
import { formatRelative, shortId } from "../format.js";
import { useTRPC } from "../trpc.js";
import { STRATEGY_INFO } from "./config-form.js";
import { OptimizationStatusPill, OptimizationView } from "./OptimizationView.js";
import { OptimizeDialog } from "./OptimizeDialog.js";
import "./optimize.css";

export interface OptimizePanelProps {
  workflowId: string;
  nodeId: string;
  graph: Graph;
  /** Incremented by the shell to open the Optimize dialog. */
  openDialogSignal?: number;
  /** An optimization to show (a URL names it); a new value selects it. */
  requestedRunId?: string | null;
  /** Told which optimization is shown (the shell puts it in the URL). */
  onShownRunChange?: (runId: string | null) => void;
}

/** The last `openDialogSignal` value acted on (module-wide: the shell has one counter, the panel remounts). */
const consumedSignal: { value: number | undefined } = { value: undefined };

export const OPTIMIZE_ROLE_NEEDED = "Read-only: your role is viewer. Optimizing a node needs the editor role.";

export function OptimizePanel(props: OptimizePanelProps): JSX.Element {
  const { workflowId, nodeId, graph, openDialogSignal, requestedRunId, onShownRunChange } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user } = useAuth();
  const editor = canRun(user.role);
  const node = graph.nodes.find((n) => n.id === nodeId);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [selectedRun, setSelectedRun] = useState<string | null>(null);
  const [chosen, setChosen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);


  const list = useQuery(trpc.optimizations.list.queryOptions({ workflowId, limit: 100 }));
  const runs = (list.data?.runs ?? []).filter((r) => r.targetNodeIds.includes(nodeId));
  const anyRunning = runs.some((r) => r.status === "running");

  // Poll the list while one runs (statuses change in the background).
  useEffect(() => {
    if (!anyRunning) return;
    const t = setInterval(() => void queryClient.invalidateQueries(trpc.optimizations.list.queryFilter()), 4000);
    return () => clearInterval(t);
  }, [anyRunning, queryClient, trpc]);

  // A new signal value opens the dialog, also when the panel mounts with it (the shell switches
  // to this tab and increments the signal at once). Each value opens it once, so coming back to
  // the tab later does not reopen it.
  useEffect(() => {
    if (openDialogSignal === undefined || openDialogSignal === consumedSignal.value) return;
    const fresh = consumedSignal.value !== undefined || openDialogSignal > 0;
    consumedSignal.value = openDialogSignal;
    if (fresh && editor && node?.kind === "ai") setDialogOpen(true);
  }, [openDialogSignal, editor, node?.kind]);

  // Another node: forget the selection.
  useEffect(() => {
    setSelectedRun(null);
    setChosen(false);
  }, [nodeId, workflowId]);

  // After "another node" above: a requested optimization wins.
  useEffect(() => {
    if (!requestedRunId) return;
    setChosen(true);
    setSelectedRun(requestedRunId);
  }, [requestedRunId]);

  // Show the newest optimization of the node until the user picks one.
  const shownRun = selectedRun ?? (chosen ? null : (runs[0]?.id ?? null));
  useEffect(() => {
    onShownRunChange?.(shownRun);
  }, [onShownRunChange, shownRun]);

  if (node && node.kind !== "ai") {
    return (
      <section className="opt-panel" data-testid="optimize-panel">
        <div className="muted small">Only AI nodes can be optimized. Select an AI node to tune its prompt and parameters.</div>
      </section>
    );
  }

  return (
    <section className="opt-panel" data-testid="optimize-panel" data-node-id={nodeId}>
      <div className="opt-panel__head">
        <div>
          <p className="muted small">Tune {node?.label ?? nodeId}'s prompt and parameters against the graph's evaluation nodes.</p>
        </div>
        <span title={editor ? "Start an optimization of this node" : OPTIMIZE_ROLE_NEEDED} className="opt-panel__btnwrap">
          <button
            ref={buttonRef}
            type="button"
            className="btn btn-primary btn-sm"
            data-testid="optimize-button"
            disabled={!editor}
            aria-describedby={editor ? undefined : "optimize-role-hint"}
            onClick={() => setDialogOpen(true)}
          >
            Optimize…
          </button>
        </span>
      </div>
      {!editor ? (
        <div id="optimize-role-hint" className="muted small">
          {OPTIMIZE_ROLE_NEEDED}
        </div>
      ) : null}

      <div className="subtle-title">Past optimizations</div>
      {list.error ? <div className="error-box">{list.error.message}</div> : null}
      {list.isPending ? <div className="muted small">Loading…</div> : null}
      {!list.isPending && runs.length === 0 ? <div className="muted small">No optimizations of this node yet.</div> : null}
      {runs.length ? (
        <ul className="opt-runs" data-testid="optimization-list">
          {runs.map((r) => {
            const config = r.config as { strategy?: keyof typeof STRATEGY_INFO; limits?: { maxCandidates?: number } };
            const active = r.id === shownRun;
            return (
              <li key={r.id}>
                <button
                  type="button"
                  className={`opt-run${active ? " is-active" : ""}`}
                  aria-current={active ? "true" : undefined}
                  data-testid={`optimization-item-${r.id}`}
                  onClick={() => {
                    setChosen(true);
                    setSelectedRun(active ? null : r.id);
                  }}
                >
                  <OptimizationStatusPill status={r.status} />
                  <span className="opt-run__name">{STRATEGY_INFO[config.strategy ?? "random"]?.label ?? config.strategy}</span>
                  <span className="muted small mono" title={r.id} data-testid="optimization-short-id">{shortId(r.id)}</span>
                  <span className="muted small opt-run__when">{formatRelative(r.startedAt as unknown as string)}</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}

      {shownRun ? <OptimizationView key={shownRun} runId={shownRun} workflowId={workflowId} /> : null}

      {dialogOpen ? (
        <OptimizeDialog
          workflowId={workflowId}
          nodeId={nodeId}
          graph={graph}
          onClose={() => {
            setDialogOpen(false);
            buttonRef.current?.focus();
          }}
          onStarted={(runId) => {
            setDialogOpen(false);
            setChosen(true);
            setSelectedRun(runId);
            void queryClient.invalidateQueries(trpc.optimizations.list.queryFilter());
          }}
        />
      ) : null}
    </section>
  );
}
