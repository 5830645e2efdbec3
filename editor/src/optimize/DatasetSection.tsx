/**
 * The Optimize dialog's dataset choice: the imported datasets (newest version of each name, plus a
 * pinned version the node names by id), and when the optimizer node names a dataset that is not
 * imported, an offer to import it: from the examples folder by the server, or a file the user picks.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type JSX } from "react";
import { useTRPC } from "../trpc.js";
import { importNameFor, looksLikeExampleFile, type DatasetChoice } from "./dataset-ref.js";
import { Field, Section } from "./form-fields.js";

export interface DatasetSectionProps {
  /** Every imported version (undefined while loading). */
  all: DatasetChoice[] | undefined;
  /** Newest version of each name, sorted. */
  newest: DatasetChoice[];
  /** The optimizer node's `dataset`, when there is one. */
  nodeRef?: string;
  /** True when `nodeRef` names no imported dataset. */
  missing: boolean;
  value: string;
  error?: string;
  onChange: (value: string) => void;
  /** A dataset was imported for `nodeRef`: select it. */
  onImported: (name: string) => void;
}

/** Largest file read in the browser (the server's limit for datasets.import). */
const MAX_PICKED_BYTES = 10 * 1024 * 1024;

export function DatasetSection(props: DatasetSectionProps): JSX.Element {
  const { all, newest, nodeRef, missing, value, error, onChange, onImported } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [tooBig, setTooBig] = useState<string | null>(null);
  const done = async (name: string) => {
    await queryClient.invalidateQueries(trpc.datasets.list.queryFilter());
    onImported(name);
  };
  const fromExamples = useMutation(trpc.optimizations.importExampleDataset.mutationOptions({ onSuccess: (d) => done(d.name) }));
  const fromFile = useMutation(trpc.datasets.import.mutationOptions({ onSuccess: (d) => done(d.name) }));
  const pending = fromExamples.isPending || fromFile.isPending;
  const importError = tooBig ?? fromExamples.error?.message ?? fromFile.error?.message;
  // A pinned version (the node names an older version by id) is offered besides the newest ones.
  const pinned = value && !newest.some((d) => d.name === value) ? all?.find((d) => d.id === value) : undefined;

  const pick = async (file: File | undefined) => {
    if (!file || !nodeRef) return;
    fromExamples.reset();
    fromFile.reset();
    setTooBig(file.size > MAX_PICKED_BYTES ? `${file.name} is larger than 10 MB, the most a dataset import takes` : null);
    if (file.size > MAX_PICKED_BYTES) return;
    fromFile.mutate({ name: importNameFor(nodeRef), fileName: file.name, text: await file.text() });
  };

  return (
    <Section title="Dataset">
      {all === undefined ? (
        <div className="muted small">Loading datasets…</div>
      ) : missing && nodeRef ? (
        <div className="notice-box small opt-import" data-testid="optimize-dataset-missing">
          <div>
            The optimizer node names <code className="mono">{nodeRef}</code>, which is not imported yet.
          </div>
          <div className="button-row">
            {looksLikeExampleFile(nodeRef) ? (
              <button type="button" className="btn btn-sm btn-primary" data-testid="optimize-import-example" disabled={pending} onClick={() => {
                  setTooBig(null);
                  fromFile.reset();
                  fromExamples.mutate({ ref: nodeRef });
                }}>
                {fromExamples.isPending ? <span className="spinner" /> : null}
                Import this file
              </button>
            ) : null}
            <button type="button" className="btn btn-sm" data-testid="optimize-pick-file" disabled={pending} onClick={() => fileRef.current?.click()}>
              {fromFile.isPending ? <span className="spinner" /> : null}
              {looksLikeExampleFile(nodeRef) ? "Or pick the file…" : "Pick the file…"}
            </button>
            <input
              ref={fileRef}
              type="file"
              accept=".jsonl,.ndjson,.json,.csv"
              hidden
              data-testid="optimize-pick-file-input"
              onChange={(e) => {
                void pick(e.target.files?.[0]);
                e.target.value = "";
              }}
            />
          </div>
          <div className="muted">It is imported as the dataset “{importNameFor(nodeRef)}”.</div>
          {importError ? (
            <div className="opt-field-error" role="alert" data-testid="optimize-import-error">
              {importError}
            </div>
          ) : null}
        </div>
      ) : newest.length === 0 ? (
        <div className="notice-box small" data-testid="optimize-no-datasets">
          No datasets yet. Import one in the <strong>Datasets</strong> tab, or run <code className="mono">npx flowtune dataset import FILE --name NAME</code>.
        </div>
      ) : null}
      <Field label="Imported dataset (newest version of each name)" error={error}>
        {(id) => (
          <select id={id} data-testid="optimize-dataset" value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">Choose a dataset…</option>
            {newest.map((d) => (
              <option key={d.id} value={d.name}>
                {d.name} · v{d.version} · {d.rows} rows
              </option>
            ))}
            {pinned ? (
              <option value={pinned.id}>
                {pinned.name} · v{pinned.version} (pinned by the node) · {pinned.rows} rows
              </option>
            ) : null}
          </select>
        )}
      </Field>
    </Section>
  );
}
