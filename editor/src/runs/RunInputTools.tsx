/**
 * The run form's input sources: named presets stored on the server for the workflow (load,
 * save as…, delete) and "Load a dataset row" (pick a dataset and a row, or step through rows),
 * which fill the form's fields that match by name.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type KeyboardEvent } from "react";
import { useTRPC } from "../trpc.js";
import { toInputs, valuesFromInputs, type FormValues, type InputField } from "./input-form.js";

export interface RunInputToolsProps {
  workflowId: string;
  fields: InputField[];
  values: FormValues;
  /** Viewers may load presets and rows but not save or delete presets. */
  readOnly: boolean;
  /** Replaces the form's values; `note` says what was filled. */
  onFill(values: FormValues, note: string): void;
  /** A field error of the form (saving a preset of invalid values). */
  onInvalid(errors: Record<string, string>): void;
}

export function RunInputTools(props: RunInputToolsProps) {
  return (
    <div className="run-tools" data-testid="run-input-tools">
      <Presets {...props} />
      <DatasetRow {...props} />
    </div>
  );
}

function Presets({ workflowId, fields, values, readOnly, onFill, onInvalid }: RunInputToolsProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.presets.list.queryOptions({ workflowId }));
  const presets = list.data ?? [];
  const [chosen, setChosen] = useState("");
  const [naming, setNaming] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: "info" | "error"; text: string } | null>(null);
  const invalidate = () => queryClient.invalidateQueries(trpc.presets.list.queryFilter({ workflowId }));
  const save = useMutation(
    trpc.presets.save.mutationOptions({
      onSuccess: (p) => {
        setChosen(p.name);
        setNaming(null);
        setMessage({ kind: "info", text: `Saved preset "${p.name}"` });
        void invalidate();
      },
      onError: (err) => setMessage({ kind: "error", text: err.message }),
    }),
  );
  const remove = useMutation(
    trpc.presets.delete.mutationOptions({
      onSuccess: (_r, v) => {
        setChosen("");
        setMessage({ kind: "info", text: `Deleted preset "${v.name}"` });
        void invalidate();
      },
      onError: (err) => setMessage({ kind: "error", text: err.message }),
    }),
  );
  const selected = presets.find((p) => p.name === chosen);
  const name = naming?.trim() ?? "";
  const replacing = presets.some((p) => p.name === name);

  function load() {
    if (!selected) return;
    const { values: next, filled, ignored } = valuesFromInputs(fields, selected.inputs);
    onFill(next, `Loaded preset "${selected.name}"${describeFill(filled, ignored)}`);
    setMessage(null);
  }

  function submitName() {
    if (!name) {
      setMessage({ kind: "error", text: "Name the preset" });
      return;
    }
    const result = toInputs(fields, values);
    if (!result.ok) {
      onInvalid(result.errors);
      setMessage({ kind: "error", text: "Fix the inputs before saving them as a preset" });
      return;
    }
    save.mutate({ workflowId, name, inputs: result.inputs });
  }

  function onNameKey(ev: KeyboardEvent<HTMLInputElement>) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      ev.stopPropagation();
      submitName();
    } else if (ev.key === "Escape") {
      ev.stopPropagation();
      setNaming(null);
    }
  }

  return (
    <div className="run-tools__row" data-testid="run-presets">
      <label className="run-tools__label" htmlFor="run-preset-select">
        Preset
      </label>
      <select
        id="run-preset-select"
        data-testid="preset-select"
        value={selected ? chosen : ""}
        onChange={(e) => setChosen(e.target.value)}
        disabled={presets.length === 0}
      >
        <option value="">{list.isPending ? "Loading…" : presets.length === 0 ? "No presets yet" : "Choose a preset…"}</option>
        {presets.map((p) => (
          <option key={p.id} value={p.name}>
            {p.name}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-sm" data-testid="preset-load" disabled={!selected} onClick={load}>
        Load
      </button>
      {!readOnly ? (
        <>
          <button
            type="button"
            className="btn btn-sm btn-ghost"
            data-testid="preset-delete"
            disabled={!selected || remove.isPending}
            title={selected ? `Delete preset "${selected.name}"` : undefined}
            onClick={() => selected && window.confirm(`Delete the preset "${selected.name}"?`) && remove.mutate({ workflowId, name: selected.name })}
          >
            Delete
          </button>
          <button type="button" className="btn btn-sm btn-ghost" data-testid="preset-save-as" onClick={() => setNaming(naming === null ? (selected?.name ?? "") : null)} aria-expanded={naming !== null}>
            Save as…
          </button>
        </>
      ) : null}
      {naming !== null ? (
        <div className="run-tools__naming">
          <input
            type="text"
            data-testid="preset-name"
            aria-label="Preset name"
            placeholder="Preset name"
            maxLength={100}
            autoFocus
            value={naming}
            onChange={(e) => setNaming(e.target.value)}
            onKeyDown={onNameKey}
          />
          <button type="button" className="btn btn-sm btn-primary-solid" data-testid="preset-save" disabled={save.isPending || !name} onClick={submitName}>
            {replacing ? "Replace" : "Save"}
          </button>
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => setNaming(null)}>
            Cancel
          </button>
        </div>
      ) : null}
      {message ? (
        <div className={message.kind === "error" ? "field__error run-tools__msg" : "muted small run-tools__msg"} data-testid="preset-message" role={message.kind === "error" ? "alert" : "status"}>
          {message.text}
        </div>
      ) : list.error ? (
        <div className="field__error run-tools__msg">{list.error.message}</div>
      ) : null}
    </div>
  );
}

function DatasetRow({ fields, onFill, workflowId }: RunInputToolsProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const datasets = useQuery(trpc.datasets.list.queryOptions(undefined, { enabled: open }));
  const all = datasets.data ?? [];
  const [picked, setPicked] = useState("");
  const [row, setRow] = useState(1);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "info" | "error"; text: string } | null>(null);
  // The dataset named like the workflow first (as the examples ship them), else the newest listed.
  const current = all.find((d) => d.id === picked) ?? all.find((d) => d.name === workflowId) ?? all[0];
  const rows = current?.rows ?? 0;

  async function loadRow(n: number) {
    if (!current) return;
    const at = Math.min(Math.max(1, Math.trunc(n) || 1), Math.max(1, rows));
    setRow(at);
    setBusy(true);
    try {
      const page = await queryClient.fetchQuery(trpc.datasets.get.queryOptions({ nameOrId: current.id, offset: at - 1, limit: 1 }));
      const record = page.records[0];
      if (!record) {
        setMessage({ kind: "error", text: `${current.name} v${current.version} has no row ${at}` });
        return;
      }
      const data = record.data as Record<string, unknown>;
      const { values, filled, ignored } = valuesFromInputs(fields, data);
      if (filled.length === 0) {
        setMessage({
          kind: "error",
          text: `Row ${at} of ${current.name} has none of this workflow's inputs (${fields.map((f) => f.name).join(", ") || "none"}); its fields: ${Object.keys(data).join(", ") || "none"}`,
        });
        return;
      }
      onFill(values, `Filled from ${current.name} v${current.version}, row ${at} of ${rows}${describeFill(filled, ignored)}`);
      setMessage(null);
    } catch (err) {
      setMessage({ kind: "error", text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="run-tools__dataset" data-testid="dataset-row-tools" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Load a dataset row</summary>
      {datasets.isPending && open ? <div className="muted small">Loading datasets…</div> : null}
      {datasets.data && all.length === 0 ? <div className="muted small">No datasets yet: import one under Datasets.</div> : null}
      {current ? (
        <div className="run-tools__row run-tools__row--stack">
          <select
            aria-label="Dataset"
            data-testid="dataset-row-select"
            value={current.id}
            onChange={(e) => {
              setPicked(e.target.value);
              setRow(1);
            }}
          >
            {all.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} v{d.version} ({d.rows} rows)
              </option>
            ))}
          </select>
          <div className="run-tools__row">
            <label className="run-tools__label" htmlFor="dataset-row-index">
              Row
            </label>
            <input
              id="dataset-row-index"
              data-testid="dataset-row-index"
              className="run-tools__index"
              type="number"
              min={1}
              max={rows}
              value={row}
              onChange={(e) => setRow(Number(e.target.value))}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  e.stopPropagation();
                  void loadRow(row);
                }
              }}
            />
            <span className="muted small">of {rows}</span>
            <button type="button" className="btn btn-sm btn-ghost" aria-label="Previous row" data-testid="dataset-row-prev" disabled={busy || row <= 1} onClick={() => void loadRow(row - 1)}>
              ◀
            </button>
            <button type="button" className="btn btn-sm btn-ghost" aria-label="Next row" data-testid="dataset-row-next" disabled={busy || row >= rows} onClick={() => void loadRow(row + 1)}>
              ▶
            </button>
            <button type="button" className="btn btn-sm" data-testid="dataset-row-load" disabled={busy} onClick={() => void loadRow(row)}>
              Load row
            </button>
          </div>
        </div>
      ) : null}
      {message ? (
        <div className={message.kind === "error" ? "field__error run-tools__msg" : "muted small run-tools__msg"} data-testid="dataset-row-message" role={message.kind === "error" ? "alert" : "status"}>
          {message.text}
        </div>
      ) : datasets.error ? (
        <div className="field__error run-tools__msg">{datasets.error.message}</div>
      ) : null}
    </details>
  );
}

function describeFill(filled: string[], ignored: string[]): string {
  const parts = [filled.length ? `: ${filled.join(", ")}` : ": no matching inputs"];
  if (ignored.length) parts.push(` (not inputs here: ${ignored.slice(0, 5).join(", ")}${ignored.length > 5 ? "…" : ""})`);
  return parts.join("");
}
