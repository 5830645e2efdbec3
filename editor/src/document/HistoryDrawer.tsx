/**
 * The version history of the saved workflow: every version (newest first) with its note; view
 * one read-only on the canvas, diff it with the current version, or restore it (which saves it
 * as a new version).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Graph } from "../../../engine/browser.js";
import { formatRelative } from "../format.js";
import { useTRPC, type RouterOutputs, type WorkflowRecord } from "../trpc.js";
import { useEscape, useRestoreFocus } from "../shell/useEscape.js";

type Diff = RouterOutputs["workflows"]["versions"]["diff"];

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

function DiffView({ diff }: { diff: Diff }) {
  if (diff.identical) return <div className="muted small" data-testid="version-diff">No differences.</div>;
  return (
    <div className="diff small" data-testid="version-diff">
      {diff.graph.map((c) => (
        <div key={c.field}>
          <span className="mono">{c.field}</span>: {show(c.before)} → {show(c.after)}
        </div>
      ))}
      {diff.nodes.added.map((n) => (
        <div key={`a-${n.id}`} className="diff-add">+ node {n.id} ({n.kind})</div>
      ))}
      {diff.nodes.removed.map((n) => (
        <div key={`r-${n.id}`} className="diff-del">− node {n.id} ({n.kind})</div>
      ))}
      {diff.nodes.changed.map((n) => (
        <div key={`c-${n.nodeId}`} className="diff-chg">
          ~ node {n.nodeId}:{" "}
          {n.changes.map((c) => (
            <span key={c.field} title={`${show(c.before)} → ${show(c.after)}`} className="mono">
              {c.field}{" "}
            </span>
          ))}
        </div>
      ))}
      {diff.edges.added.map((e) => (
        <div key={`ea-${e.id}`} className="diff-add">+ edge {e.source} → {e.target} ({e.kind})</div>
      ))}
      {diff.edges.removed.map((e) => (
        <div key={`er-${e.id}`} className="diff-del">− edge {e.source} → {e.target}</div>
      ))}
      {diff.edges.changed.map((e) => (
        <div key={`ec-${e.edgeId}`} className="diff-chg">
          ~ edge {e.edgeId}: {e.changes.map((c) => c.field).join(", ")}
        </div>
      ))}
    </div>
  );
}

export interface HistoryDrawerProps {
  workflowId: string;
  /** The latest saved version (diffs compare against it). */
  currentVersion: number;
  readOnly: boolean;
  previewVersion: number | null;
  onPreview(version: number, graph: Graph): void;
  onRestored(record: WorkflowRecord): void;
  onClose(): void;
}

export function HistoryDrawer({ workflowId, currentVersion, readOnly, previewVersion, onPreview, onRestored, onClose }: HistoryDrawerProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const versions = useQuery(trpc.workflows.versions.list.queryOptions({ id: workflowId }));
  const [diffWith, setDiffWith] = useState<number | null>(null);
  const diff = useQuery({
    ...trpc.workflows.versions.diff.queryOptions({ id: workflowId, a: diffWith ?? 1, b: currentVersion }),
    enabled: diffWith !== null,
  });
  const restore = useMutation(
    trpc.workflows.versions.restore.mutationOptions({
      onSuccess: (res) => {
        void queryClient.invalidateQueries(trpc.workflows.pathFilter());
        onRestored(res.workflow as WorkflowRecord);
      },
    }),
  );
  useEscape(onClose);
  useRestoreFocus(() => document.querySelector<HTMLElement>('[data-testid="history-button"]'));
  const view = async (version: number) => {
    const rec = await queryClient.fetchQuery(trpc.workflows.versions.get.queryOptions({ id: workflowId, version }));
    onPreview(version, rec.graph as Graph);
  };

  return (
    <aside className="drawer" role="dialog" aria-label="Version history" data-testid="history-drawer">
      <div className="drawer__head">
        <div className="section-title">Version history</div>
        <button type="button" className="icon-btn" aria-label="Close version history" onClick={onClose}>
          ×
        </button>
      </div>
      {versions.error ? <div className="error-box">{versions.error.message}</div> : null}
      {restore.error ? <div className="error-box">{restore.error.message}</div> : null}
      <ul className="versions">
        {versions.data?.map((v) => (
          <li key={v.version} className={`version${v.version === previewVersion ? " active" : ""}`} data-testid={`version-${v.version}`}>
            <div className="version__row">
              <span className="badge">v{v.version}</span>
              {v.version === currentVersion ? <span className="badge badge-soft">current</span> : null}
              <span className="muted small">{formatRelative(v.createdAt)}</span>
            </div>
            {v.note ? <div className="small version__note">{v.note}</div> : null}
            <div className="button-row">
              <button type="button" className="btn btn-sm" data-testid={`version-view-${v.version}`} onClick={() => void view(v.version)}>
                View
              </button>
              <button
                type="button"
                className="btn btn-sm"
                data-testid={`version-diff-${v.version}`}
                disabled={v.version === currentVersion}
                onClick={() => setDiffWith(diffWith === v.version ? null : v.version)}
              >
                Diff
              </button>
              <button
                type="button"
                className="btn btn-sm"
                data-testid={`version-restore-${v.version}`}
                disabled={readOnly || v.version === currentVersion || restore.isPending}
                onClick={() => restore.mutate({ id: workflowId, version: v.version })}
              >
                Restore
              </button>
            </div>
            {diffWith === v.version ? (
              diff.data ? (
                <>
                  <div className="muted small">
                    v{v.version} → v{currentVersion}
                  </div>
                  <DiffView diff={diff.data} />
                </>
              ) : diff.error ? (
                <div className="error-box">{diff.error.message}</div>
              ) : (
                <div className="muted small">Loading diff…</div>
              )
            ) : null}
          </li>
        ))}
      </ul>
    </aside>
  );
}
