/**
 * The workflow's runs, newest first: `runs.list` page by page ("Load more"), filtered by status;
 * each with status, start time, duration, tokens, cost, "draft" for a run of unsaved edits and,
 * for a re-run, its parent. Selecting
 * one shows it (events and per-node state) on the canvas.
 */
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { RunStatus } from "../../../engine/browser.js";
import { formatCost, formatCostExact, formatDuration, formatRelative, formatTokens, shortId } from "../format.js";
import { useTRPC, type RunSummary } from "../trpc.js";
import { StatusPill } from "../ui.js";
import "./runs.css";

export interface RunHistoryProps {
  workflowId: string;
  currentRunId: string | null;
  onSelect(runId: string): void;
}

export const PAGE_SIZE = 15;

export const STATUS_FILTERS: Array<{ value: RunStatus | null; label: string }> = [
  { value: null, label: "All" },
  { value: "running", label: "Running" },
  { value: "succeeded", label: "Succeeded" },
  { value: "failed", label: "Failed" },
  { value: "cancelled", label: "Cancelled" },
];

/** Whether a listed run may still change (its row is then polled). */
function isLive(status: RunStatus): boolean {
  return status === "pending" || status === "running" || status === "paused";
}

export function RunHistory({ workflowId, currentRunId, onSelect }: RunHistoryProps) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<RunStatus | null>(null);
  const runs = useInfiniteQuery(
    trpc.runs.list.infiniteQueryOptions(
      { workflowId, limit: PAGE_SIZE, ...(status ? { status } : {}) },
      {
        getNextPageParam: (last) => last.nextCursor,
        // Runs started elsewhere (CLI, API, another tab) show up; faster while one is running.
        refetchInterval: (q) => (q.state.data?.pages.some((p) => p.runs.some((r) => isLive(r.status))) ? 3_000 : 20_000),
      },
    ),
  );
  const list: RunSummary[] = runs.data?.pages.flatMap((p) => p.runs) ?? [];
  const byId = new Set(list.map((r) => r.id));

  return (
    <section className="panel-section runs-history" data-testid="run-history">
      <div className="runs-titlebar">
        <div className="section-title">Run history</div>
        {runs.isFetching && !runs.isFetchingNextPage ? <span className="spinner runs-spinner" aria-label="Refreshing" /> : null}
      </div>
      {/* "recent-runs": the testid of the list this one replaces (it holds the items). */}
      <div data-testid="recent-runs">
        <div className="runs-filters" role="group" aria-label="Filter runs by status">
          {STATUS_FILTERS.map((f) => (
            <button
              key={f.label}
              type="button"
              className={`runs-chip${status === f.value ? " active" : ""}`}
              aria-pressed={status === f.value}
              data-testid={`run-history-filter-${f.value ?? "all"}`}
              onClick={() => setStatus(f.value)}
            >
              {f.label}
            </button>
          ))}
        </div>
        {runs.error ? <div className="error-box">{runs.error.message}</div> : null}
        {runs.isPending ? <div className="muted small">Loading runs…</div> : null}
        {runs.data && list.length === 0 ? (
          <div className="muted small" data-testid="run-history-empty">
            {status ? `No ${status} runs.` : "No runs yet."}
          </div>
        ) : null}
        <ul className="run-list runs-history__list">
          {list.map((r) => (
            <li key={r.id}>
              <HistoryItem run={r} current={r.id === currentRunId} parentListed={r.parentRunId ? byId.has(r.parentRunId) : false} onSelect={onSelect} />
            </li>
          ))}
        </ul>
        {runs.hasNextPage ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm runs-more"
            data-testid="run-history-more"
            disabled={runs.isFetchingNextPage}
            onClick={() => void runs.fetchNextPage()}
          >
            {runs.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : null}
      </div>
    </section>
  );
}

function HistoryItem({
  run: r,
  current,
  parentListed,
  onSelect,
}: {
  run: RunSummary;
  current: boolean;
  parentListed: boolean;
  onSelect(runId: string): void;
}) {
  const started = new Date(r.startedAt);
  const cost = formatCost(r.costUsd);
  return (
    <div className={`runs-item${current ? " active" : ""}`}>
      <button
        type="button"
        className={`run-item runs-item__button${current ? " active" : ""}`}
        data-testid={`run-history-item-${r.id}`}
        data-status={r.status}
        data-parent-run-id={r.parentRunId ?? undefined}
        aria-current={current ? "true" : undefined}
        onClick={() => onSelect(r.id)}
        title={`${r.id}\nstarted ${started.toLocaleString()}`}
      >
        <StatusPill status={r.status} />
        <span className="run-item__id mono" title={r.id}>
          {shortId(r.id)}
          {r.draft ? (
            <span className="badge badge-soft runs-item__draft" data-testid={`run-history-draft-${r.id}`} title={`Ran unsaved edits of version ${r.draft.baseVersion}`}>
              draft
            </span>
          ) : null}
        </span>
        <span className="runs-item__when" title={started.toLocaleString()}>
          {formatRelative(r.startedAt)}
        </span>
        <span className="runs-item__stats">
          <span title="duration">{r.durationMs != null ? formatDuration(r.durationMs) : isLive(r.status) ? "running…" : "—"}</span>
          <span title={`${r.totalTokens} tokens`}>{r.totalTokens ? `${formatTokens(r.totalTokens)} tok` : "0 tok"}</span>
          <span title={formatCostExact(r.costUsd) || "no cost"}>{cost || "$0"}</span>
        </span>
      </button>
      {r.parentRunId ? (
        <div className="runs-item__parent small" data-testid={`run-history-parent-${r.id}`}>
          ↻ re-run of{" "}
          {parentListed ? (
            <button type="button" className="runs-link mono" onClick={() => onSelect(r.parentRunId!)} title={r.parentRunId}>
              {shortId(r.parentRunId)}
            </button>
          ) : (
            <span className="mono" title={r.parentRunId}>
              {shortId(r.parentRunId)}
            </span>
          )}
          {r.fromNodeId ? (
            <>
              {" "}
              from <span className="mono">{r.fromNodeId}</span>
            </>
          ) : null}
        </div>
      ) : null}
      {r.error && r.status === "failed" ? (
        <div className="runs-item__error small" title={r.error.message}>
          {r.error.code}: {r.error.message}
        </div>
      ) : null}
    </div>
  );
}
