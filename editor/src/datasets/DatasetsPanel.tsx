/**
 * The Datasets page: every imported dataset (name, versions, rows, hash, file, created), upload of
 * JSONL / CSV (file picker or drag and drop), a paged preview of a version's rows with the split
 * each row falls in (the optimizer's own deterministic split for a seed), and deleting a version.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState, type DragEvent, type JSX } from "react";
import { canRun, useAuth } from "../auth/context.js";
import { formatRelative, shortId } from "../format.js";
import { errorText } from "../parameters/errors.js";
import { useTRPC, type RouterOutputs } from "../trpc.js";
import {
  columnUnion,
  DEFAULT_RATIOS,
  datasetFormat,
  defaultDatasetName,
  fileProblem,
  formatBytes,
  formatCell,
  groupDatasets,
  ratiosProblem,
  SPLIT_NAMES,
  splitPercents,
  textProblem,
  type SplitName,
} from "./model.js";
import "./datasets.css";

type DatasetInfo = RouterOutputs["datasets"]["list"][number];

const PAGE_SIZE = 25;
export const DATASETS_READ_ONLY = "Read-only: your role is viewer. Importing and deleting datasets need the editor role.";
const SPLIT_LABEL: Record<SplitName, string> = { train: "Train", validation: "Validation", test: "Test" };

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
          <Upload canEdit={canEdit} onImported={(d) => setSelected({ name: d.name, version: d.version })} />
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

type Staged = { fileName: string; size: number; text: string; name: string };

function Upload({ canEdit, onImported }: { canEdit: boolean; onImported: (d: { name: string; version: number }) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const inputId = useId();
  const nameId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [staged, setStaged] = useState<Staged | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<RouterOutputs["datasets"]["import"] | null>(null);
  const importMutation = useMutation(
    trpc.datasets.import.mutationOptions({
      onSuccess: (d) => {
        setResult(d);
        setStaged(null);
        onImported(d);
      },
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.datasets.pathKey() }),
    }),
  );

  const take = async (file: File | undefined) => {
    if (!file) return;
    setResult(null);
    importMutation.reset();
    setStaged(null);
    const before = fileProblem(file);
    if (before) return setProblem(before);
    const text = await file.text();
    const after = textProblem(file.name, text);
    if (after) return setProblem(after);
    setProblem(null);
    setStaged({ fileName: file.name, size: file.size, text, name: defaultDatasetName(file.name) });
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (!canEdit) return;
    void take(e.dataTransfer.files[0]);
  };

  const submit = () => {
    if (!staged || !staged.name.trim()) return;
    importMutation.mutate({ name: staged.name.trim(), fileName: staged.fileName, text: staged.text });
  };

  return (
    <div className="ds-card ds-upload">
      <div className="section-title">Upload</div>
      <label
        htmlFor={inputId}
        className={`ds-drop${dragging ? " dragging" : ""}${canEdit ? "" : " disabled"}`}
        title={canEdit ? undefined : DATASETS_READ_ONLY}
        onDragOver={(e) => {
          e.preventDefault();
          if (canEdit) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dataset-dropzone"
      >
        <svg width="26" height="26" viewBox="0 0 24 24" aria-hidden="true" className="ds-drop__icon">
          <path d="M12 16V4m0 0l-4.5 4.5M12 4l4.5 4.5M4 16v2.5A1.5 1.5 0 005.5 20h13a1.5 1.5 0 001.5-1.5V16" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span className="ds-drop__main">
          {canEdit ? (
            <>
              Drop a <strong>.jsonl</strong> or <strong>.csv</strong> file here, or <span className="ds-drop__pick">choose a file</span>
            </>
          ) : (
            DATASETS_READ_ONLY
          )}
        </span>
        <span className="muted small">JSONL: one JSON object per line · CSV: a header row · up to 10 MB</span>
        <input
          ref={input}
          id={inputId}
          type="file"
          accept=".jsonl,.ndjson,.json,.csv,.txt,application/json,text/csv"
          className="ds-file-input"
          data-testid="dataset-upload"
          disabled={!canEdit}
          onChange={(e) => {
            void take(e.target.files?.[0]);
            e.target.value = "";
          }}
        />
      </label>

      {problem ? (
        <div className="error-box" role="alert">
          {problem}
        </div>
      ) : null}

      {staged ? (
        <form
          className="ds-staged"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <div className="ds-staged__file">
            <span className="ds-format">{datasetFormat(staged.fileName)}</span>
            <span className="ds-staged__name" title={staged.fileName}>
              {staged.fileName}
            </span>
            <span className="muted small">{formatBytes(staged.size)}</span>
          </div>
          <div className="field">
            <label className="field__label" htmlFor={nameId}>
              name <span className="opt">new version if it exists</span>
            </label>
            <input
              id={nameId}
              className="ds-input"
              data-testid="dataset-name"
              value={staged.name}
              maxLength={200}
              onChange={(e) => setStaged({ ...staged, name: e.target.value })}
              aria-invalid={!staged.name.trim() ? "true" : undefined}
            />
          </div>
          {importMutation.error ? (
            <div className="error-box" role="alert" data-testid="dataset-import-error">
              {errorText(importMutation.error)}
            </div>
          ) : null}
          <div className="button-row">
            <button type="button" className="btn btn-sm" onClick={() => {
                setStaged(null);
                importMutation.reset();
              }}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary btn-sm" data-testid="dataset-import-button" disabled={importMutation.isPending || !staged.name.trim()}>
              {importMutation.isPending ? <span className="spinner" aria-hidden="true" /> : null}
              Import
            </button>
          </div>
        </form>
      ) : null}

      {result ? (
        <div className={`notice-box ds-result${result.created ? " created" : ""}`} role="status" data-testid="dataset-import-result">
          {result.created ? (
            <>
              Imported <strong>{result.name}</strong> v{result.version}: {result.rows} rows.
            </>
          ) : (
            <>
              <strong>{result.name}</strong> unchanged: same rows as v{result.version}.
            </>
          )}
        </div>
      ) : null}
    </div>
  );
}

function DatasetDetail({ info, versions, canEdit, onVersion }: { info: DatasetInfo; versions: DatasetInfo[]; canEdit: boolean; onVersion: (v: number) => void }) {
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

      {confirmDelete ? <DeleteDialog info={info} onClose={() => setConfirmDelete(false)} /> : null}
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

function DeleteDialog({ info, onClose }: { info: DatasetInfo; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const del = useMutation(
    trpc.datasets.delete.mutationOptions({
      onSuccess: () => onClose(),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.datasets.pathKey() }),
    }),
  );
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="ds-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="ds-dialog__body">
        <h3 id={titleId}>
          Delete {info.name} v{info.version}?
        </h3>
        <p>
          Its {info.rows} rows are removed for good. Other versions stay. A version an optimization ran on cannot be deleted.
        </p>
        {del.error ? (
          <div className="error-box" role="alert" data-testid="dataset-delete-error">
            {errorText(del.error)}
          </div>
        ) : null}
        <div className="button-row ds-dialog__actions">
          <button type="button" className="btn" onClick={onClose} autoFocus>
            Cancel
          </button>
          <button
            type="button"
            className="btn ds-danger-solid"
            data-testid="dataset-delete-confirm"
            disabled={del.isPending}
            onClick={() => del.mutate({ nameOrId: info.name, version: info.version })}
          >
            {del.isPending ? <span className="spinner" aria-hidden="true" /> : null}
            Delete version
          </button>
        </div>
      </div>
    </dialog>
  );
}
