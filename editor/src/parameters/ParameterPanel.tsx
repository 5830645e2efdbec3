/**
 * One AI node's parameter versions: the list (status, key metrics, source, production badge), a
 * diff between any two versions, promote / rollback with a required reason, and the production
 * pointer's history. Viewers see everything read-only.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type JSX } from "react";
import { canRun, useAuth } from "../auth/context.js";
import { formatRelative } from "../format.js";
import { useTRPC, type RouterOutputs } from "../trpc.js";
import { errorText } from "./errors.js";
import {
  defaultRollbackTarget,
  diffRows,
  diffStats,
  foldRows,
  formatDelta,
  formatNumber,
  formatValue,
  isPrimaryMetric,
  keyMetrics,
  rollbackTargets,
  versionSource,
} from "./model.js";
import "./parameters.css";

type VersionRecord = RouterOutputs["parameters"]["versions"]["versions"][number];
type Move = RouterOutputs["parameters"]["production"]["history"][number];
type Diff = RouterOutputs["parameters"]["diff"];

export const PARAMS_READ_ONLY = "Read-only: your role is viewer. Promoting and rolling back need the editor role.";

export type PendingMove = { kind: "promote"; version: number } | { kind: "rollback" };

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

function DiffSection({
  workflowId,
  nodeId,
  versions,
  a,
  b,
  onChange,
}: {
  workflowId: string;
  nodeId: string;
  versions: VersionRecord[];
  a: number;
  b: number;
  onChange: (p: { a: number; b: number }) => void;
}) {
  const trpc = useTRPC();
  const idA = useId();
  const idB = useId();
  const same = a === b;
  const diff = useQuery({ ...trpc.parameters.diff.queryOptions({ workflowId, nodeId, a, b }), enabled: !same });
  const option = (v: VersionRecord) => (
    <option key={v.version} value={v.version}>
      v{v.version}
      {v.status === "production" ? " (prod)" : ""}
    </option>
  );
  return (
    <div className="panel-section pp-section">
      <div className="section-title">Compare versions</div>
      <div className="pp-pickers">
        <label htmlFor={idA} className="pp-picker">
          <span>A</span>
          <select id={idA} data-testid="param-diff-a" value={a} onChange={(e) => onChange({ a: Number(e.target.value), b })}>
            {versions.map(option)}
          </select>
        </label>
        <button type="button" className="icon-btn pp-swap" aria-label="Swap A and B" title="Swap A and B" onClick={() => onChange({ a: b, b: a })}>
          ⇄
        </button>
        <label htmlFor={idB} className="pp-picker">
          <span>B</span>
          <select id={idB} data-testid="param-diff-b" value={b} onChange={(e) => onChange({ a, b: Number(e.target.value) })}>
            {versions.map(option)}
          </select>
        </label>
      </div>
      <div className="pp-diff" data-testid="param-diff" aria-live="polite">
        {same ? <div className="muted small">Pick two different versions to compare.</div> : null}
        {!same && diff.isPending ? <div className="muted small">Comparing v{a} and v{b}…</div> : null}
        {!same && diff.error ? <div className="error-box" role="alert">{errorText(diff.error)}</div> : null}
        {!same && diff.data ? <DiffView diff={diff.data} /> : null}
      </div>
    </div>
  );
}

function DiffView({ diff }: { diff: Diff }) {
  const texts = diff.changes.filter((c) => c.kind === "text");
  const others = diff.changes.filter((c) => c.kind !== "text");
  return (
    <>
      {diff.changes.length === 0 ? <div className="muted small">v{diff.from} and v{diff.to} have the same parameters.</div> : null}
      {texts.map((c) => (
        <TextDiff key={c.field} field={c.field} lines={c.lines} from={diff.from} to={diff.to} />
      ))}
      {others.length > 0 ? (
        <div className="pp-block">
          <div className="subtle-title">Parameters</div>
          <table className="pp-table">
            <thead>
              <tr>
                <th scope="col">field</th>
                <th scope="col">v{diff.from}</th>
                <th scope="col" aria-label="becomes" />
                <th scope="col">v{diff.to}</th>
              </tr>
            </thead>
            <tbody>
              {others.map((c) =>
                c.kind === "fewShot" ? (
                  <tr key={c.field}>
                    <th scope="row" className="mono">few-shot demos</th>
                    <td className="pp-old">{c.before}</td>
                    <td className="pp-arrow">→</td>
                    <td className="pp-new">
                      {c.after}
                      <span className="pp-fewshot-note">
                        {c.reordered ? " reordered" : ` (+${c.added.length} / −${c.removed.length})`}
                      </span>
                    </td>
                  </tr>
                ) : (
                  <tr key={c.field}>
                    <th scope="row" className="mono">{c.field}</th>
                    <td className="pp-old mono">{formatValue(c.before)}</td>
                    <td className="pp-arrow">→</td>
                    <td className="pp-new mono">
                      {formatValue(c.after)}
                      {"delta" in c && typeof c.delta === "number" ? <span className="pp-delta-note"> ({c.delta > 0 ? "+" : "−"}{formatNumber(Math.abs(c.delta))})</span> : null}
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      ) : null}
      <MetricsTable diff={diff} />
    </>
  );
}

function MetricsTable({ diff }: { diff: Diff }) {
  const [all, setAll] = useState(false);
  if (diff.metrics.length === 0) return <div className="muted small pp-block">Neither version has stored metrics.</div>;
  const missingFrom = diff.metrics.every((m) => m.before === null);
  const missingTo = diff.metrics.every((m) => m.after === null);
  const comparable = diff.metrics.some((m) => m.delta !== null);
  const primary = diff.metrics.filter((m) => isPrimaryMetric(m.name));
  const shown = all || primary.length === 0 ? diff.metrics : primary;
  return (
    <div className="pp-block">
      <div className="subtle-title">Metrics</div>
      {missingFrom || missingTo ? (
        <div className="notice-box pp-note">
          v{missingFrom ? diff.from : diff.to} has no stored metrics{missingFrom && diff.from === 1 ? " (the baseline is scored inside each optimization, not on v1)" : ""}: no deltas.
        </div>
      ) : null}
      {comparable && !diff.sameDataset ? <div className="notice-box pp-warn">Measured on different datasets: deltas may not be comparable.</div> : null}
      <table className="pp-table pp-metric-table">
        <thead>
          <tr>
            <th scope="col">metric</th>
            <th scope="col" className="num">v{diff.from}</th>
            <th scope="col" className="num">v{diff.to}</th>
            <th scope="col" className="num">Δ</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((m) => {
            const d = formatDelta(m.name, m.delta);
            return (
              <tr key={m.name}>
                <th scope="row" className="mono">{m.name}</th>
                <td className="num">{formatNumber(m.before)}</td>
                <td className="num">{formatNumber(m.after)}</td>
                <td className={`num pp-tone-${d.tone}`} title={d.tone === "neutral" ? undefined : d.tone === "better" ? "improvement" : "regression"}>
                  {d.text}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {primary.length > 0 && primary.length < diff.metrics.length ? (
        <button type="button" className="btn btn-sm btn-ghost pp-more" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? "Show key metrics only" : `Show all ${diff.metrics.length} metrics (latency, cost, totals)`}
        </button>
      ) : null}
    </div>
  );
}

function TextDiff({ field, lines, from, to }: { field: string; lines: Array<{ op: " " | "-" | "+"; text: string }>; from: number; to: number }) {
  const [expanded, setExpanded] = useState(false);
  const rows = useMemo(() => diffRows(lines), [lines]);
  const shown = useMemo(() => (expanded ? rows : foldRows(rows)), [rows, expanded]);
  const stats = diffStats(lines);
  const label = field === "systemPrompt" ? "System prompt" : "Prompt template";
  return (
    <div className="pp-block">
      <div className="subtle-title pp-text-title">
        {label}
        <span className="pp-stat-add">+{stats.added}</span>
        <span className="pp-stat-del">−{stats.removed}</span>
      </div>
      <div className="pp-linediff" role="table" aria-label={`${label} diff, v${from} to v${to}`}>
        {shown.map((r, i) =>
          r.kind === "fold" ? (
            <button type="button" key={`f${i}`} className="pp-fold" onClick={() => setExpanded(true)}>
              ⋯ {r.count} unchanged lines (show)
            </button>
          ) : (
            <div key={i} role="row" className={`pp-line pp-line-${r.kind}`} aria-label={r.kind === "same" ? undefined : `${r.kind}: ${r.text}`}>
              <span role="cell" className="pp-ln">{r.oldNo ?? ""}</span>
              <span role="cell" className="pp-ln">{r.newNo ?? ""}</span>
              <span role="cell" className="pp-sign" aria-hidden="true">{r.sign}</span>
              <span role="cell" className="pp-text">{r.text || " "}</span>
            </div>
          ),
        )}
      </div>
    </div>
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

/** The promote / rollback dialog: asks for the reason recorded in the audit trail. */
export function MoveDialog({
  workflowId,
  nodeId,
  move,
  production,
  targets,
  undoTarget,
  onClose,
}: {
  workflowId: string;
  nodeId: string;
  move: PendingMove;
  production: number;
  targets: number[];
  undoTarget: number | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const reasonId = useId();
  const targetId = useId();
  const [reason, setReason] = useState("");
  const [to, setTo] = useState<number>(undoTarget ?? targets[0] ?? production);
  const [touched, setTouched] = useState(false);

  const onSettled = () => queryClient.invalidateQueries({ queryKey: trpc.parameters.pathKey() });
  const promote = useMutation(trpc.parameters.promote.mutationOptions({ onSettled, onSuccess: () => onClose() }));
  const rollback = useMutation(trpc.parameters.rollback.mutationOptions({ onSettled, onSuccess: () => onClose() }));
  const mutation = move.kind === "promote" ? promote : rollback;

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const trimmed = reason.trim();
  const target = move.kind === "promote" ? move.version : to;
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    setTouched(true);
    if (!trimmed || mutation.isPending) return;
    if (move.kind === "promote") promote.mutate({ workflowId, nodeId, version: move.version, reason: trimmed });
    // The default target is "undo the latest promotion": let the server resolve it (idempotent on repeat).
    else rollback.mutate({ workflowId, nodeId, reason: trimmed, ...(to === undoTarget ? {} : { to }) });
  };

  const title = move.kind === "promote" ? `Promote v${move.version} to production` : "Roll back production";
  return (
    <dialog
      ref={dialog}
      className="pp-dialog"
      aria-labelledby={`${reasonId}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit} className="pp-dialog__form">
        <h3 id={`${reasonId}-title`}>{title}</h3>
        <p className="pp-dialog__lead">
          Production moves from <strong className="mono">v{production}</strong> to <strong className="mono">v{target}</strong> for{" "}
          <span className="mono">{nodeId}</span>. Runs started after this use v{target}.
        </p>
        {move.kind === "rollback" ? (
          <div className="field">
            <label className="field__label" htmlFor={targetId}>
              roll back to
            </label>
            <select id={targetId} value={to} onChange={(e) => setTo(Number(e.target.value))}>
              {targets.map((t) => (
                <option key={t} value={t}>
                  v{t}
                  {t === undoTarget ? " — previous production (undo the last promotion)" : " — earlier production version"}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label className="field__label" htmlFor={reasonId}>
            reason <span className="req">*</span>
          </label>
          <textarea
            id={reasonId}
            data-testid="move-reason"
            rows={3}
            autoFocus
            maxLength={2000}
            value={reason}
            aria-invalid={touched && !trimmed ? "true" : undefined}
            placeholder={move.kind === "promote" ? "e.g. exact match 0.42 → 0.92 on test" : "e.g. regression reported by support"}
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit();
            }}
          />
          <span className="field__hint">Recorded in the audit trail with your name and the time. Ctrl+Enter confirms.</span>
          {touched && !trimmed ? <span className="pp-field-error">A reason is required.</span> : null}
        </div>
        {mutation.error ? (
          <div className="error-box" role="alert" data-testid="move-error">
            {errorText(mutation.error)}
          </div>
        ) : null}
        <div className="button-row pp-dialog__actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" data-testid="move-confirm" disabled={mutation.isPending}>
            {mutation.isPending ? <span className="spinner" aria-hidden="true" /> : null}
            {move.kind === "promote" ? `Promote v${target}` : `Roll back to v${target}`}
          </button>
        </div>
      </form>
    </dialog>
  );
}
