/**
 * One AI node's parameter versions: the list (status, key metrics, source, production badge), a
 * diff between any two versions, promote / rollback with a required reason, and the production
 * pointer's history. Viewers see everything read-only.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, type JSX } from "react";
import { canRun, useAuth } from "../auth/context.js";
import { formatRelative } from "../format.js";
import { useTRPC, type RouterOutputs } from "../trpc.js";
import { errorText } from "./errors.js";
import { defaultRollbackTarget, formatNumber, keyMetrics, rollbackTargets, versionSource } from "./model.js";
import { MoveDialog, type PendingMove } from "./MoveDialog.js";
import { DiffSection } from "./VersionDiff.js";
import "./parameters.css";

type VersionRecord = RouterOutputs["parameters"]["versions"]["versions"][number];
type Move = RouterOutputs["parameters"]["production"]["history"][number];

export const PARAMS_READ_ONLY = "Read-only: your role is viewer. Promoting and rolling back need the editor role.";

export function ParameterPanel({ workflowId, nodeId }: { workflowId: string; nodeId: string }): JSX.Element {
  const trpc = useTRPC();
  const { user } = useAuth();
  const canMove = canRun(user.role);
  const ref = { workflowId, nodeId };
  const versions = useQuery(trpc.parameters.versions.queryOptions(ref));
  const production = useQuery(trpc.parameters.production.queryOptions(ref));
  const [pending, setPending] = useState<PendingMove | null>(null);
  const [pair, setPair] = useState<{ a: number; b: number } | null>(null);

  const list = versions.data?.versions;
  const prodVersion = versions.data?.production ?? 1;
  const history = production.data?.history ?? [];

  // Default comparison: production against the newest other version.
  useEffect(() => {
    setPair(null);
  }, [workflowId, nodeId]);
  const latest = list?.at(-1)?.version ?? 1;
  const compare = pair ?? { a: prodVersion, b: latest === prodVersion ? (list?.find((v) => v.version !== prodVersion)?.version ?? prodVersion) : latest };

  const targets = rollbackTargets(history, prodVersion);
  const undoTarget = defaultRollbackTarget(history, prodVersion);
  const canRollback = targets.length > 0;

  return (
    <section className="parameter-panel" data-testid="parameter-panel" aria-label={`Parameter versions of ${nodeId}`}>
      <div className="panel-section pp-section">
        <div className="pp-head">
          <div className="section-title">Versions</div>
          <button
            type="button"
            className="btn btn-sm"
            data-testid="rollback-button"
            disabled={!canMove || !canRollback}
            title={!canMove ? PARAMS_READ_ONLY : !canRollback ? `Nothing to roll back: v${prodVersion} is the only version that has been in production.` : "Move production back to an earlier production version"}
            onClick={() => setPending({ kind: "rollback" })}
          >
            <span aria-hidden="true">↶</span> Roll back…
          </button>
        </div>
        {versions.isPending ? <div className="muted small">Loading versions…</div> : null}
        {versions.error ? <div className="error-box" role="alert">{errorText(versions.error)}</div> : null}
        {list ? (
          <ol className="pp-versions" aria-label="Parameter versions, newest first">
            {[...list].reverse().map((v) => (
              <VersionItem
                key={v.version}
                v={v}
                production={v.version === prodVersion}
                canMove={canMove}
                onPromote={() => setPending({ kind: "promote", version: v.version })}
                onCompare={() => setPair({ a: prodVersion, b: v.version })}
              />
            ))}
          </ol>
        ) : null}
        {!canMove ? <div className="notice-box pp-readonly">{PARAMS_READ_ONLY}</div> : null}
      </div>

      {list ? <DiffSection workflowId={workflowId} nodeId={nodeId} versions={list} a={compare.a} b={compare.b} onChange={setPair} /> : null}

      <HistorySection history={history} loading={production.isPending} error={production.error} />

      {pending ? (
        <MoveDialog
          workflowId={workflowId}
          nodeId={nodeId}
          move={pending}
          production={prodVersion}
          targets={targets}
          undoTarget={undoTarget}
          onClose={() => setPending(null)}
        />
      ) : null}
    </section>
  );
}

function VersionItem({ v, production, canMove, onPromote, onCompare }: { v: VersionRecord; production: boolean; canMove: boolean; onPromote: () => void; onCompare: () => void }) {
  const source = versionSource(v);
  const metrics = keyMetrics(v.metrics);
  return (
    <li
      className={`pp-version${production ? " is-production" : ""}`}
      data-testid={`param-version-${v.version}`}
      data-status={v.status}
      data-production={production ? "true" : undefined}
    >
      <div className="pp-version__top">
        <span className="pp-version__num mono">v{v.version}</span>
        {production ? (
          <span className="pp-prod-badge" data-testid="production-badge" title="Runs use this version">
            <span className="pp-prod-dot" aria-hidden="true" />
            production
          </span>
        ) : (
          <span className={`pp-status pp-status-${v.status}`}>{v.status}</span>
        )}
        <span className="pp-spacer" />
        {!production ? (
          <button type="button" className="btn btn-sm btn-ghost" onClick={onCompare} title={`Compare production with v${v.version}`} aria-label={`Compare production with v${v.version}`}>
            Diff
          </button>
        ) : null}
        {!production ? (
          <button
            type="button"
            className="btn btn-sm"
            data-testid={`promote-version-${v.version}`}
            disabled={!canMove}
            title={canMove ? `Make v${v.version} the production version` : PARAMS_READ_ONLY}
            onClick={onPromote}
          >
            Promote
          </button>
        ) : null}
      </div>
      {metrics.length > 0 ? (
        <div className="pp-metrics">
          {metrics.map((m) => (
            <span key={`${m.split}.${m.name}`} className="pp-metric" title={`${m.split ? `${m.split === "val" ? "validation" : m.split} ` : ""}${m.name}: ${m.value}`}>
              {m.split ? <span className="pp-metric__split">{m.split}</span> : null}
              {m.name} <strong>{formatNumber(m.value)}</strong>
            </span>
          ))}
        </div>
      ) : null}
      <div className="pp-version__meta">
        <span className={`pp-source pp-source-${source.kind}`} title={source.runId ?? undefined}>
          {source.label}
        </span>
        <span aria-hidden="true"> · </span>
        <time dateTime={String(v.createdAt)} title={new Date(v.createdAt).toLocaleString()}>
          {formatRelative(v.createdAt)}
        </time>
        <span className="pp-checksum mono" title={`sha256 ${v.checksum}`}>
          {v.checksum.slice(0, 7)}
        </span>
      </div>
    </li>
  );
}
function HistorySection({ history, loading, error }: { history: Move[]; loading: boolean; error: unknown }) {
  const moves = [...history].reverse();
  return (
    <div className="panel-section pp-section">
      <div className="section-title">Production history</div>
      {loading ? <div className="muted small">Loading history…</div> : null}
      {error ? <div className="error-box" role="alert">{errorText(error)}</div> : null}
      <ol className="pp-history" data-testid="production-history" aria-label="Production moves, newest first">
        {moves.map((m) => (
          <li key={m.id} className={`pp-move pp-move-${m.action}`} data-action={m.action}>
            <div className="pp-move__top">
              <span className={`pp-action pp-action-${m.action}`}>{m.action}</span>
              <span className="mono pp-move__versions">
                {m.fromVersion !== null ? `v${m.fromVersion} → ` : ""}v{m.toVersion}
              </span>
              <span className="pp-spacer" />
              <time className="muted small" dateTime={String(m.at)} title={new Date(m.at).toLocaleString()}>
                {formatRelative(m.at)}
              </time>
            </div>
            <div className="pp-move__why">{m.reason}</div>
            <div className="muted small">by {m.actor}</div>
          </li>
        ))}
      </ol>
      {!loading && !error && moves.length === 0 ? <div className="muted small">Production has not moved yet.</div> : null}
    </div>
  );
}
