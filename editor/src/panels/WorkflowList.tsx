import { useQuery } from "@tanstack/react-query";
import { formatRelative } from "../format.js";
import { useTRPC } from "../trpc.js";

export function WorkflowList({ selectedId, onSelect }: { selectedId: string | null; onSelect: (id: string) => void }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.workflows.list.queryOptions());
  return (
    <nav className="wf-list" aria-label="Workflows" data-testid="workflow-list">
      <div className="section-title">Workflows</div>
      {list.isPending ? <div className="muted pad">Loading…</div> : null}
      {list.error ? <div className="error-box">{list.error.message}</div> : null}
      {list.data?.length === 0 ? <div className="muted pad">No workflows yet.</div> : null}
      <ul>
        {list.data?.map((wf) => (
          <li key={wf.id}>
            <button
              type="button"
              className={`wf-item${wf.id === selectedId ? " active" : ""}`}
              data-testid={`workflow-item-${wf.id}`}
              aria-current={wf.id === selectedId ? "page" : undefined}
              onClick={() => onSelect(wf.id)}
            >
              <span className="wf-item__name">{wf.name}</span>
              <span className="wf-item__meta">
                <span className="mono">{wf.id}</span> · v{wf.currentVersion} · {formatRelative(wf.updatedAt)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
