/** Sortable, paged table of an optimization's candidates (validation split); click a row to select it, "Promote" on a row to promote it. */
import { Fragment, useEffect, useMemo, useState, type JSX } from "react";
import { formatCost } from "../format.js";
import { formatNumber, metricValue, sortCandidates, type CandidateLike, type SortKey } from "./model.js";
import { PromoteForm } from "./PromoteCandidate.js";

const PAGE = 15;

export function CandidateTable(props: {
  candidates: CandidateLike[];
  objectives: Array<{ metric: string; direction: "max" | "min" }>;
  front: Set<number>;
  selected: number | null;
  onSelect: (index: number) => void;
  /** The run (for "Promote"); without it, or without `canEdit`, rows have no Promote button. */
  runId?: string;
  canEdit?: boolean;
  /** The run's best candidate, marked in its row. */
  best?: number | null;
}): JSX.Element {
  const { candidates, objectives, front, selected, onSelect, runId, canEdit = false, best } = props;
  const [promoting, setPromoting] = useState<number | null>(null);
  const promotable = Boolean(runId && canEdit);
  const baseline = candidates.find((c) => c.index === 0);
  const [sort, setSort] = useState<{ key: SortKey; dir: "asc" | "desc" }>({ key: "index", dir: "asc" });
  const [page, setPage] = useState(0);
  const objectiveCols = objectives.filter((o) => !["tokens", "latency", "cost"].includes(o.metric));
  const rows = useMemo(() => sortCandidates(candidates, sort.key, sort.dir), [candidates, sort]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const current = Math.min(page, pages - 1);
  const shown = rows.slice(current * PAGE, current * PAGE + PAGE);
  // A candidate selected elsewhere (the plot, the best one at the end) is shown on its page.
  const selectedAt = selected === null ? -1 : rows.findIndex((c) => c.index === selected);
  useEffect(() => {
    if (selectedAt >= 0) setPage(Math.floor(selectedAt / PAGE));
  }, [selectedAt]);

  const header = (key: SortKey, label: string, title?: string) => {
    const active = sort.key === key;
    return (
      <th key={key} scope="col" aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}>
        <button
          type="button"
          className={`opt-sort${active ? " is-active" : ""}`}
          title={title}
          onClick={() => setSort((s) => ({ key, dir: s.key === key && s.dir === "asc" ? "desc" : s.key === key ? "asc" : key === "index" || key === "generation" ? "asc" : "desc" }))}
        >
          {label}
          <span aria-hidden="true">{active ? (sort.dir === "asc" ? " ▲" : " ▼") : ""}</span>
        </button>
      </th>
    );
  };

  const promotingCandidate = promotable && promoting !== null ? candidates.find((c) => c.index === promoting) : undefined;

  return (
    <>
      <div className="opt-table-wrap">
        <table className="opt-table" data-testid="candidates-table">
          <thead>
            <tr>
              {header("index", "#")}
              {header("generation", "gen", "generation")}
              {header("status", "status")}
              {objectiveCols.map((o) => header(`obj:${o.metric}`, o.metric, `${o.direction === "max" ? "maximize" : "minimize"} ${o.metric}`))}
              {header("tokens", "tokens", "tokens per example")}
              {header("latency", "latency", "latency per example (ms)")}
              {header("cost", "cost", "cost per example (USD)")}
              {promotable ? (
                <th scope="col" className="opt-row-action">
                  <span className="sr-only">Promote</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <Fragment key={c.index}>
                <tr
                  data-testid={`candidate-row-${c.index}`}
                  className={`${selected === c.index ? "is-selected" : ""} ${c.status !== "evaluated" ? "is-rejected" : ""}`}
                  tabIndex={0}
                  aria-selected={selected === c.index}
                  onClick={() => onSelect(c.index)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" || e.key === " ") {
                      e.preventDefault();
                      onSelect(c.index);
                    }
                  }}
                >
                  <td className="num">
                    {c.index}
                    {best === c.index ? (
                      <span className="opt-tag opt-best-tag" data-testid="best-candidate-mark" title="the run's best candidate">
                        best
                      </span>
                    ) : null}
                    {front.has(c.index) ? (
                      <span className="opt-front-mark" title="on the Pareto front" aria-label="on the Pareto front">
                        ◆
                      </span>
                    ) : null}
                  </td>
                  <td className="num">{c.generation}</td>
                  <td>
                    <span className={`opt-cstatus opt-cstatus--${c.status}`} title={c.rejectReason ?? undefined}>
                      {c.status}
                    </span>
                  </td>
                  {objectiveCols.map((o) => (
                    <td key={o.metric} className="num">
                      {formatNumber(metricValue(c, o.metric))}
                    </td>
                  ))}
                  <td className="num">{formatNumber(metricValue(c, "tokens"))}</td>
                  <td className="num">{formatNumber(metricValue(c, "latency"))}</td>
                  <td className="num">{formatCost(metricValue(c, "cost")) || "—"}</td>
                  {promotable ? (
                    <td className="opt-row-action">
                      {c.status === "evaluated" ? (
                        <button
                          type="button"
                          className={`btn btn-sm${best === c.index ? " btn-accent" : ""}`}
                          data-testid={`promote-row-${c.index}`}
                          aria-label={`Promote candidate ${c.index}`}
                          aria-expanded={promoting === c.index}
                          onClick={(e) => {
                            e.stopPropagation();
                            onSelect(c.index);
                            setPromoting(promoting === c.index ? null : c.index);
                          }}
                          onKeyDown={(e) => e.stopPropagation()}
                        >
                          Promote
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              </Fragment>
            ))}
            {shown.length === 0 ? (
              <tr>
                <td colSpan={(promotable ? 7 : 6) + objectiveCols.length} className="muted small">
                  No candidates yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
        {pages > 1 ? (
          <div className="opt-pager small">
            <button type="button" className="btn btn-sm" disabled={current === 0} onClick={() => setPage(current - 1)} aria-label="Previous page">
              ‹
            </button>
            <span className="muted">
              {current * PAGE + 1}–{Math.min(rows.length, (current + 1) * PAGE)} of {rows.length}
            </span>
            <button type="button" className="btn btn-sm" disabled={current >= pages - 1} onClick={() => setPage(current + 1)} aria-label="Next page">
              ›
            </button>
          </div>
        ) : null}
      </div>
      {promotingCandidate ? (
        // Below the table, not in a row: the table scrolls sideways in a narrow panel, the form must not.
        <div className="opt-promote-under" data-testid={`promote-row-form-${promotingCandidate.index}`}>
          <PromoteForm key={promotingCandidate.index} runId={runId!} candidate={promotingCandidate} baseline={baseline} objectives={objectives} onCancel={() => setPromoting(null)} />
        </div>
      ) : null}
    </>
  );
}
