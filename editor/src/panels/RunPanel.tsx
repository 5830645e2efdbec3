/**
 * The run form: one control per field of the workflow's input node, Run / Cancel (and
 * Pause / Resume) buttons, and a summary of the run shown (status, duration, tokens, outputs).
 */
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Graph, InputNode } from "../../../engine/browser.js";
import { StatusPill } from "../ui.js";
import { formatCost, formatCostExact, formatDuration, formatTokens, pretty, shortId } from "../format.js";
import { isFinished, type RunState } from "../run-state.js";
import { canRun, EDITOR_ROLE_NEEDED, useAuth } from "../auth/context.js";
import { useTRPC } from "../trpc.js";

type Field = InputNode["config"]["fields"][number];

function initialValue(f: Field): string | boolean {
  if (f.type === "boolean") return f.default === true;
  if (f.default === undefined || f.default === null) return "";
  return typeof f.default === "string" ? f.default : JSON.stringify(f.default);
}

/** Converts a form value to the field's type; throws with a readable message. */
function coerce(f: Field, raw: string | boolean): unknown {
  if (f.type === "boolean") return Boolean(raw);
  const text = String(raw);
  if (text.trim() === "" && !f.required) return undefined;
  switch (f.type) {
    case "number": {
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n)) throw new Error(`${f.name}: enter a number`);
      return n;
    }
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(`${f.name}: not valid JSON`);
      }
    case "list": {
      const t = text.trim();
      if (t.startsWith("[")) {
        try {
          return JSON.parse(t);
        } catch {
          throw new Error(`${f.name}: not a valid JSON list`);
        }
      }
      return t.split("\n").map((l) => l.trim()).filter(Boolean);
    }
    default:
      return text;
  }
}

export interface RunPanelProps {
  graph: Graph;
  run: RunState;
  /** Connection state of the event stream. */
  streamStatus: string;
  streamError?: string;
  onStarted: (runId: string) => void;
}

export function RunPanel({ graph, run, streamStatus, streamError, onStarted }: RunPanelProps) {
  const trpc = useTRPC();
  const { user } = useAuth();
  // Viewers see runs but cannot start or steer them (the server answers 403 anyway).
  const readOnly = !canRun(user.role);
  const lockedTitle = readOnly ? EDITOR_ROLE_NEEDED : undefined;
  const inputNode = graph.nodes.find((n): n is InputNode => n.kind === "input");
  const fields = inputNode?.config.fields ?? [];
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, initialValue(f)])),
  );
  const [formError, setFormError] = useState<string | null>(null);

  const start = useMutation(trpc.runs.start.mutationOptions({ onSuccess: ({ runId }) => onStarted(runId) }));
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  const pause = useMutation(trpc.runs.pause.mutationOptions());
  const resume = useMutation(trpc.runs.resume.mutationOptions());

  const active = run.runId !== null && !isFinished(run.status);
  const busy = start.isPending || active;

  function submit(ev: FormEvent) {
    ev.preventDefault();
    if (readOnly) return;
    setFormError(null);
    const inputs: Record<string, unknown> = {};
    try {
      for (const f of fields) {
        const v = coerce(f, values[f.name] ?? "");
        if (v !== undefined) inputs[f.name] = v;
      }
    } catch (err) {
      setFormError((err as Error).message);
      return;
    }
    start.mutate({ workflowId: graph.id, inputs });
  }

  const serverError = start.error?.message ?? cancel.error?.message;

  return (
    <section className="panel-section" data-testid="run-panel">
      <div className="section-title">Run</div>
      <form className="run-form" onSubmit={submit}>
        {fields.map((f) => {
          const id = `input-${f.name}`;
          const value = values[f.name];
          const set = (v: string | boolean) => setValues((prev) => ({ ...prev, [f.name]: v }));
          return (
            <label key={f.name} className="field" htmlFor={id}>
              <span className="field__label">
                {f.name}
                {f.required ? <span className="req" title="required">*</span> : <span className="opt">optional</span>}
                <span className="field__type">{f.type}</span>
              </span>
              {f.type === "boolean" ? (
                <input id={id} data-testid={id} type="checkbox" checked={Boolean(value)} onChange={(e) => set(e.target.checked)} />
              ) : f.type === "number" ? (
                <input id={id} data-testid={id} type="number" step="any" value={String(value ?? "")} onChange={(e) => set(e.target.value)} />
              ) : (
                <textarea
                  id={id}
                  data-testid={id}
                  rows={f.type === "json" || f.type === "list" ? 3 : 2}
                  placeholder={f.description ?? (f.type === "list" ? "one item per line, or a JSON list" : "")}
                  value={String(value ?? "")}
                  onChange={(e) => set(e.target.value)}
                />
              )}
              {f.description && f.type !== "string" ? <span className="field__hint">{f.description}</span> : null}
            </label>
          );
        })}
        {formError || serverError ? (
          <div className="error-box" data-testid="run-error">
            {formError ?? serverError}
          </div>
        ) : null}
        {readOnly ? (
          <div className="notice-box" id="run-locked" data-testid="readonly-note">
            {EDITOR_ROLE_NEEDED}
          </div>
        ) : null}
        {/* The wrapper carries the tooltip: a disabled button gets no mouse events. */}
        <div className="button-row" title={lockedTitle}>
          <button type="submit" className="btn btn-primary" data-testid="run-button" disabled={busy || readOnly} aria-describedby={readOnly ? "run-locked" : undefined}>
            {busy ? <span className="spinner" aria-hidden="true" /> : <PlayIcon />}
            {start.isPending ? "Starting…" : active ? "Running…" : "Run"}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="cancel-button"
            disabled={readOnly || !active || cancel.isPending}
            onClick={() => run.runId && cancel.mutate({ runId: run.runId })}
          >
            Cancel
          </button>
          {run.status === "paused" ? (
            <button type="button" className="btn btn-ghost" data-testid="resume-button" disabled={readOnly || !active} onClick={() => run.runId && resume.mutate({ runId: run.runId })}>
              Resume
            </button>
          ) : (
            <button type="button" className="btn btn-ghost" data-testid="pause-button" disabled={readOnly || !active} onClick={() => run.runId && pause.mutate({ runId: run.runId })}>
              Pause
            </button>
          )}
        </div>
      </form>

      {run.runId ? (
        <div className="run-summary" data-testid="run-summary">
          <div className="run-summary__row">
            <StatusPill status={run.status} testId="run-status" />
            <span className="mono muted" title={run.runId}>
              run {shortId(run.runId)}
            </span>
            {streamStatus === "connecting" && !isFinished(run.status) ? <span className="muted">connecting…</span> : null}
          </div>
          <dl className="stats">
            <div>
              <dt>Duration</dt>
              <dd data-testid="run-duration">{formatDuration(run.durationMs) || "—"}</dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd>{run.usage ? formatTokens(run.usage.totalTokens) : "—"}</dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd title={formatCostExact(run.costUsd)}>{formatCost(run.costUsd) || "—"}</dd>
            </div>
          </dl>
          {run.error ? (
            <div className="error-box">
              <strong>{run.error.code}</strong> {run.error.nodeId ? `(node ${run.error.nodeId}) ` : ""}
              {run.error.message}
            </div>
          ) : null}
          {run.cancelReason ? <div className="muted">Cancelled: {run.cancelReason}</div> : null}
          {streamError ? <div className="error-box">{streamError}</div> : null}
          {run.outputs ? (
            <div>
              <div className="subtle-title">Outputs</div>
              <pre className="code" data-testid="run-outputs">
                {pretty(run.outputs)}
              </pre>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function PlayIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
      <path d="M7 4.5v15a1 1 0 0 0 1.5.86l12.5-7.5a1 1 0 0 0 0-1.72L8.5 3.64A1 1 0 0 0 7 4.5z" />
    </svg>
  );
}
