/**
 * The upload card of the Datasets page: pick or drop a JSONL / CSV file, check it in the browser,
 * name it (a new version when the name exists) and import it.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type DragEvent } from "react";
import { errorText } from "../parameters/errors.js";
import { useTRPC, type RouterOutputs } from "../trpc.js";
import { datasetFormat, defaultDatasetName, fileProblem, formatBytes, textProblem } from "./model.js";
import { DATASETS_READ_ONLY } from "./shared.js";

type Staged = { fileName: string; size: number; text: string; name: string };
/** The upload card; `onImported` is told the imported (or unchanged) dataset version. */
export function DatasetUpload({ canEdit, onImported }: { canEdit: boolean; onImported: (d: { name: string; version: number }) => void }) {
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
