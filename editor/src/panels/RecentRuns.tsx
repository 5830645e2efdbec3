import { useQuery } from "@tanstack/react-query";
import { StatusPill } from "../ui.js";
import { formatDuration, formatRelative, formatTokens, shortId } from "../format.js";
import { useTRPC } from "../trpc.js";

export function RecentRuns({
  workflowId,
  currentRunId,
  onSelect,
}: {
  workflowId: string;
  currentRunId: string | null;
  onSelect: (runId: string) => void;
}) {
  const trpc = useTRPC();
  const runs = useQuery(trpc.runs.list.queryOptions({ workflowId, limit: 8 }));
  return (
    <section className="panel-section" data-testid="recent-runs">
      <div className="section-title">Recent runs</div>
      {runs.error ? <div className="error-box">{runs.error.message}</div> : null}
      {runs.data?.runs.length === 0 ? <div className="muted">No runs yet.</div> : null}
      <ul className="run-list">
        {runs.data?.runs.map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className={`run-item${r.id === currentRunId ? " active" : ""}`}
              data-testid={`run-item-${r.id}`}
              data-status={r.status}
              onClick={() => onSelect(r.id)}
              title={r.id}
            >
              <StatusPill status={r.status} />
              <span className="run-item__id mono">{shortId(r.id)}</span>
              <span className="run-item__meta">
                {formatRelative(r.startedAt)}
                {r.durationMs != null ? ` · ${formatDuration(r.durationMs)}` : ""}
                {r.totalTokens ? ` · ${formatTokens(r.totalTokens)} tok` : ""}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
