/** Comparing two parameter versions: the A / B pickers, line diffs of the prompts, changed fields and metric deltas. */
import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { useTRPC, type RouterOutputs } from "../trpc.js";
import { errorText } from "./errors.js";
import { diffRows, diffStats, foldRows, formatDelta, formatNumber, formatValue, isPrimaryMetric } from "./model.js";

type VersionRecord = RouterOutputs["parameters"]["versions"]["versions"][number];
type Diff = RouterOutputs["parameters"]["diff"];

/** The "Compare versions" section: `onChange` is told the new pair when a picker changes or A and B swap. */
export function DiffSection({
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
