/**
 * A dataset version's detail: facts, the optimizer's train / validation / test split for a seed and
 * ratios, a paged preview of its rows with each row's split, and deleting the version.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { formatRelative, shortId } from "../format.js";
import { errorText } from "../parameters/errors.js";
import { useTRPC } from "../trpc.js";
import { DeleteDatasetDialog } from "./DeleteDatasetDialog.js";
import { columnUnion, DEFAULT_RATIOS, formatCell, ratiosProblem, SPLIT_NAMES, splitPercents, type SplitName } from "./model.js";
import { DATASETS_READ_ONLY, type DatasetInfo } from "./shared.js";

const PAGE_SIZE = 25;
const SPLIT_LABEL: Record<SplitName, string> = { train: "Train", validation: "Validation", test: "Test" };

/** The detail card of one version; `onVersion` switches to another version of the same dataset. */
export function DatasetDetail({ info, versions, canEdit, onVersion }: { info: DatasetInfo; versions: DatasetInfo[]; canEdit: boolean; onVersion: (v: number) => void }) {
  const trpc = useTRPC();
  const versionId = useId();
  const seedId = useId();
  const [offset, setOffset] = useState(0);
  const [seedText, setSeedText] = useState("0");
  const [ratioText, setRatioText] = useState<Record<SplitName, string>>({ train: "0.4", validation: "0.3", test: "0.3" });
  const [confirmDelete, setConfirmDelete] = useState(false);

  const seed = /^-?\d+$/.test(seedText.trim()) ? Number(seedText.trim()) : null;
  const ratios = { train: Number(ratioText.train), validation: Number(ratioText.validation), test: Number(ratioText.test) };
  const badRatios = ratiosProblem(ratios);
  const splitsValid = seed !== null && Number.isSafeInteger(seed) && !badRatios;
  const isDefaultRatios = SPLIT_NAMES.every((k) => ratios[k] === DEFAULT_RATIOS[k]);

  const ref = { nameOrId: info.name, version: info.version };
  const page = useQuery({ ...trpc.datasets.get.queryOptions({ ...ref, offset, limit: PAGE_SIZE }), placeholderData: keepPreviousData });
  const splits = useQuery({
    ...trpc.datasets.splits.queryOptions({ ...ref, seed: seed ?? 0, ratios, offset, limit: PAGE_SIZE }),
    enabled: splitsValid,
    placeholderData: keepPreviousData,
  });

  const records = page.data?.records ?? [];
  const columns = useMemo(() => columnUnion(records.map((r) => r.data)), [records]);
  const splitOf = new Map(splits.data?.assignments.map((a) => [a.index, a.split]) ?? []);
  const total = info.rows;
  const last = Math.min(total, offset + PAGE_SIZE);

  return (
    <div className="ds-card ds-detail">
      <div className="ds-detail__head">
        <div className="ds-detail__title">
          <h3>{info.name}</h3>
          <label htmlFor={versionId} className="ds-visually-hidden">
            Version
          </label>
          <select id={versionId} className="ds-select" value={info.version} onChange={(e) => onVersion(Number(e.target.value))} data-testid="dataset-version">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} · {v.rows} rows
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="btn btn-sm ds-danger"
          data-testid="dataset-delete"
          disabled={!canEdit}
          title={canEdit ? `Delete ${info.name} v${info.version}` : DATASETS_READ_ONLY}
          onClick={() => setConfirmDelete(true)}
        >
          Delete v{info.version}
        </button>
      </div>
      <dl className="ds-facts">
        <div>
          <dt>rows</dt>
          <dd data-testid="dataset-rows">{info.rows}</dd>
        </div>
        <div>
          <dt>file</dt>
          <dd className="ds-file" title={info.fileName}>
            {info.fileName}
          </dd>
        </div>
        <div>
          <dt>hash</dt>
          <dd className="mono" title={info.hash}>
            {info.hash.slice(0, 12)}
          </dd>
        </div>
        <div>
          <dt>created</dt>
          <dd title={new Date(info.createdAt).toLocaleString()}>{formatRelative(info.createdAt)}</dd>
        </div>
        <div>
          <dt>id</dt>
          <dd className="mono small" title={info.id}>
            {shortId(info.id)}
          </dd>
        </div>
      </dl>

      <section className="ds-splits" data-testid="dataset-splits" aria-label="Train / validation / test split">
        <div className="ds-splits__controls">
          <div className="subtle-title">Optimizer split</div>
          <label htmlFor={seedId} className="ds-inline-field">
            seed
            <input
              id={seedId}
              className="ds-input ds-input-num"
              inputMode="numeric"
              data-testid="split-seed"
              value={seedText}
              onChange={(e) => setSeedText(e.target.value)}
              aria-invalid={seed === null ? "true" : undefined}
            />
          </label>
          {SPLIT_NAMES.map((k) => (
            <label key={k} className="ds-inline-field">
              {k === "validation" ? "val" : k}
              <input
                className="ds-input ds-input-num"
                type="number"
                step="0.05"
                min={0}
                value={ratioText[k]}
                aria-label={`${k} ratio`}
                onChange={(e) => setRatioText({ ...ratioText, [k]: e.target.value })}
              />
            </label>
          ))}
          {!isDefaultRatios ? (
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => setRatioText({ train: "0.4", validation: "0.3", test: "0.3" })}>
              Reset
            </button>
          ) : null}
        </div>
        {seed === null ? <div className="error-box">The seed must be a whole number.</div> : null}
        {badRatios ? <div className="error-box">{badRatios}</div> : null}
        {splits.error ? <div className="error-box" role="alert">{errorText(splits.error)}</div> : null}
        {splits.data ? <SplitBar counts={splits.data.counts} /> : splitsValid ? <div className="muted small">Computing the split…</div> : null}
        <p className="muted small ds-splits__note">
          The same split an optimization with seed {seed ?? "…"}
          {isDefaultRatios ? " and the default ratios" : ""} uses: each row&apos;s split depends on its content and the seed, not on its position.
        </p>
      </section>

      <div className="ds-preview-head">
        <div className="subtle-title">Rows</div>
        <div className="ds-pager" role="group" aria-label="Pages">
          <span className="muted small" data-testid="dataset-page-range">
            {total === 0 ? "no rows" : `${offset + 1}–${last} of ${total}`}
          </span>
          <button type="button" className="btn btn-sm" onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))} disabled={offset === 0} aria-label="Previous page">
            ‹ Prev
          </button>
          <button type="button" className="btn btn-sm" onClick={() => setOffset(offset + PAGE_SIZE)} disabled={last >= total} aria-label="Next page">
            Next ›
          </button>
        </div>
      </div>
      {page.error ? <div className="error-box" role="alert">{errorText(page.error)}</div> : null}
      <div className="ds-table-wrap ds-preview-wrap" tabIndex={0} aria-label={`Rows ${offset + 1} to ${last}`}>
        <table className="ds-table ds-preview" data-testid="dataset-preview">
          <thead>
            <tr>
              <th scope="col" className="num">#</th>
              <th scope="col">split</th>
              {columns.map((c) => (
                <th scope="col" key={c} className="mono">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {records.map((r) => {
              const split = splitOf.get(r.index);
              return (
                <tr key={r.index} data-split={split}>
                  <td className="num muted">{r.index + 1}</td>
                  <td>{split ? <span className={`ds-split-tag ds-split-${split}`}>{split}</span> : <span className="muted">…</span>}</td>
                  {columns.map((c) => {
                    const v = (r.data as Record<string, unknown>)[c];
                    const text = formatCell(v);
                    return (
                      <td key={c} className={v === undefined ? "ds-missing" : typeof v === "string" ? undefined : "mono"} title={text.length > 60 ? text : undefined}>
                        {v === undefined ? "—" : text}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
        {page.isPending ? <div className="muted small pad">Loading rows…</div> : null}
      </div>

      {confirmDelete ? <DeleteDatasetDialog info={info} onClose={() => setConfirmDelete(false)} /> : null}
    </div>
  );
}

function SplitBar({ counts }: { counts: Record<SplitName, number> }) {
  const pct = splitPercents(counts);
  return (
    <div className="ds-splitbar-wrap">
      <div className="ds-splitbar" role="img" aria-label={SPLIT_NAMES.map((k) => `${counts[k]} ${k}`).join(", ")}>
        {SPLIT_NAMES.map((k) => (pct[k] > 0 ? <span key={k} className={`ds-splitbar__seg ds-split-${k}`} style={{ width: `${pct[k]}%` }} /> : null))}
      </div>
      <ul className="ds-split-legend">
        {SPLIT_NAMES.map((k) => (
          <li key={k}>
            <span className={`ds-swatch ds-split-${k}`} aria-hidden="true" />
            {SPLIT_LABEL[k]}
            <strong data-testid={`split-count-${k}`}>{counts[k]}</strong>
            <span className="muted small">{Math.round(pct[k])}%</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
