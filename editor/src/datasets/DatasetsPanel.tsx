/**
 * The Datasets page: every imported dataset (name, versions, rows, hash, file, created), upload of
 * JSONL / CSV (file picker or drag and drop), a paged preview of a version's rows with the split
 * each row falls in (the optimizer's own deterministic split for a seed), and deleting a version.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type JSX } from "react";
import { canRun, useAuth } from "../auth/context.js";
import { formatRelative } from "../format.js";
import { errorText } from "../parameters/errors.js";
import { useTRPC } from "../trpc.js";
import { DatasetDetail } from "./DatasetDetail.js";
import { DatasetUpload } from "./DatasetUpload.js";
import { groupDatasets } from "./model.js";
import "../shell/page-cards.css";
import "./datasets.css";

/** `dataset`: the name to select first (a URL names it); `onSelect` is told the selected name (for the URL). */
export function DatasetsPanel({ dataset, onSelect }: { dataset?: string | null; onSelect?: (name: string | null) => void } = {}): JSX.Element {
  const trpc = useTRPC();
  const { user } = useAuth();
  const canEdit = canRun(user.role);
  const list = useQuery(trpc.datasets.list.queryOptions());
  const groups = useMemo(() => groupDatasets(list.data ?? []), [list.data]);
  const [selected, setSelected] = useState<{ name: string; version: number } | null>(null);

  // Keep the selection valid: default to the first dataset; after a delete, fall back to the newest remaining version.
  useEffect(() => {
    if (!list.data) return;
    if (selected && list.data.some((d) => d.name === selected.name && d.version === selected.version)) return;
    // Just imported: the list is refetching and will have it (do not fall back to the first dataset meanwhile).
    if (selected && list.isFetching) return;
    const group = groups.find((g) => g.name === (selected?.name ?? dataset)) ?? groups[0];
    setSelected(group ? { name: group.name, version: group.latest.version } : null);
  }, [list.data, list.isFetching, groups, selected, dataset]);
  const selectedName = selected?.name ?? null;
  // Back/forward to another dataset's URL selects it.
  useEffect(() => {
    const g = dataset ? groups.find((x) => x.name === dataset) : undefined;
    if (g) setSelected((cur) => (cur?.name === g.name ? cur : { name: g.name, version: g.latest.version }));
  }, [dataset, groups]);
  useEffect(() => {
    if (list.data) onSelect?.(selectedName);
  }, [list.data, onSelect, selectedName]);

  const group = groups.find((g) => g.name === selected?.name);
  const info = group?.versions.find((v) => v.version === selected?.version);

  return (
    <section className="datasets-panel" data-testid="datasets-panel" aria-labelledby="datasets-title">
      <header className="ds-header">
        <div>
          <h2 id="datasets-title">Datasets</h2>
          <p className="muted">Examples the optimizer tunes against. Each import of changed rows is a new immutable version.</p>
        </div>
      </header>

      <div className="ds-layout">
        <div className="ds-col ds-col-list">
          <div className="ds-card">
            <div className="ds-card__head">
              <div className="section-title">Imported datasets</div>
              {list.data ? <span className="muted small">{groups.length} {groups.length === 1 ? "dataset" : "datasets"}</span> : null}
            </div>
            {list.isPending ? <div className="muted small pad">Loading datasets…</div> : null}
            {list.error ? <div className="error-box" role="alert">{errorText(list.error)}</div> : null}
            {list.data && groups.length === 0 ? (
              <div className="ds-empty" data-testid="datasets-empty">
                <strong>No datasets yet.</strong>
                <span>Upload a JSONL file (one JSON object per line) or a CSV file with a header row.</span>
              </div>
            ) : null}
            {groups.length > 0 ? (
              <div className="ds-table-wrap">
                <table className="ds-table ds-list-table">
                  <thead>
                    <tr>
                      <th scope="col">name</th>
                      <th scope="col" className="num">versions</th>
                      <th scope="col" className="num">rows</th>
                      <th scope="col">hash</th>
                      <th scope="col">file</th>
                      <th scope="col">created</th>
                    </tr>
                  </thead>
                  <tbody>
                    {groups.map((g) => {
                      const active = g.name === selected?.name;
                      return (
                        <tr key={g.name} className={active ? "active" : undefined} data-testid={`dataset-row-${g.name}`} aria-selected={active}>
                          <th scope="row">
                            <button type="button" className="ds-link" onClick={() => setSelected({ name: g.name, version: g.latest.version })} aria-pressed={active}>
                              {g.name}
                            </button>
                          </th>
                          <td className="num">
                            <span className="ds-ver">v{g.latest.version}</span>
                            {g.versions.length > 1 ? <span className="muted small"> ({g.versions.length})</span> : null}
                          </td>
                          <td className="num">{g.latest.rows}</td>
                          <td className="mono small" title={g.latest.hash}>
                            {g.latest.hash.slice(0, 8)}
                          </td>
                          <td className="ds-file" title={g.latest.fileName}>
                            {g.latest.fileName}
                          </td>
                          <td className="muted small" title={new Date(g.latest.createdAt).toLocaleString()}>
                            {formatRelative(g.latest.createdAt)}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            ) : null}
          </div>
        </div>
        <div className="ds-col ds-col-upload">
          <DatasetUpload canEdit={canEdit} onImported={(d) => setSelected({ name: d.name, version: d.version })} />
        </div>
      </div>

      {group && info ? (
        <DatasetDetail
          key={`${info.name}@${info.version}`}
          info={info}
          versions={group.versions}
          canEdit={canEdit}
          onVersion={(version) => setSelected({ name: info.name, version })}
        />
      ) : list.data && groups.length > 0 ? (
        <div className="ds-card ds-empty">Select a dataset to preview its rows.</div>
      ) : null}
    </section>
  );
}
