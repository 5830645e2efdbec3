/**
 * The run form and the run shown: one control per field of the workflow's input node (the
 * last values typed are remembered per workflow; presets and dataset rows fill them), Run
 * (Ctrl/Cmd+Enter), Cancel and Pause/Resume, the live status with elapsed time, totals,
 * outputs, and the parameter versions the run used. Run runs what the canvas shows: with unsaved
 * edits it sends the draft graph (the run is recorded as a draft of the saved version).
 */
import { useMutation } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type FormEvent, type KeyboardEvent } from "react";
import type { Graph } from "../../../engine/browser.js";
import { canRun, EDITOR_ROLE_NEEDED, useAuth } from "../auth/context.js";
import {
  formatCost,
  formatCostExact,
  formatDuration,
  formatParameterVersions,
  formatTokens,
  formatUsage,
  pretty,
  shortId,
} from "../format.js";
import { isFinished, type RunState } from "../run-state.js";
import { useTRPC } from "../trpc.js";
import { StatusPill } from "../ui.js";
import { CopyButton, Elapsed } from "./bits.js";
import { inputFieldsOf, isLongText, toInputs, withRemembered, type FormValue, type FormValues, type InputField } from "./input-form.js";
import { loadRememberedInputs, rememberInputs } from "./input-store.js";
import { RunInputTools } from "./RunInputTools.js";
import { MemoryThreads } from "../memory/MemoryThreads.js";
import "./runs.css";

export interface RunPanelProps {
  graph: Graph;
  run: RunState;
  /** Connection state of the event stream. */
  streamStatus: string;
  streamError?: string;
  onStarted(runId: string): void;
  /**
   * The editor's document against what is saved: with unsaved edits Run sends `graph` as a draft
   * of `baseVersion`; with validation issues it cannot run what the canvas shows, so it waits.
   */
  draft?: { dirty: boolean; issues: number; baseVersion: number | null };
}

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

export function RunPanel({ graph, run, streamStatus, streamError, onStarted, draft }: RunPanelProps) {
  const trpc = useTRPC();
  const { user } = useAuth();
  // Viewers see runs but cannot start or steer them (the server answers 403 anyway).
  const readOnly = !canRun(user.role);
  const lockedTitle = readOnly ? EDITOR_ROLE_NEEDED : undefined;

  const fields = useMemo(() => inputFieldsOf(graph), [graph]);
  // New values when the input node's fields change (another workflow, or an edited graph): the
  // defaults, with what was last typed for this workflow where a field still takes it.
  const signature = `${graph.id}\u0000${JSON.stringify(fields)}`;
  // Keyed by the signature only: `fields` is a new array whenever the graph changes.
  const fresh = useMemo(() => withRemembered(fields, loadRememberedInputs(graph.id)), [signature]);
  const [form, setForm] = useState(() => ({ signature, values: fresh }));
  const values = form.signature === signature ? form.values : fresh;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [fillNote, setFillNote] = useState<string | null>(null);
  useEffect(() => {
    rememberInputs(graph.id, values);
  }, [graph.id, values]);

  const start = useMutation(trpc.runs.start.mutationOptions({ onSuccess: ({ runId }) => onStarted(runId) }));
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  const pause = useMutation(trpc.runs.pause.mutationOptions());
  const resume = useMutation(trpc.runs.resume.mutationOptions());

  const active = run.runId !== null && !isFinished(run.status) && !run.settled;
  const busy = start.isPending || active;

  function setValue(name: string, v: FormValue) {
    setForm({ signature, values: { ...values, [name]: v } });
    if (errors[name]) setErrors(({ [name]: _, ...rest }) => rest);
  }

  function fill(next: FormValues, note: string) {
    setForm({ signature, values: next });
    setErrors({});
    setFillNote(note);
  }

  // Unsaved edits run as a draft; edits with validation issues cannot run as shown.
  const runsDraft = Boolean(draft?.dirty) && (draft?.issues ?? 0) === 0;
  const blockedByIssues = Boolean(draft?.dirty) && (draft?.issues ?? 0) > 0;

  function submit(ev?: FormEvent) {
    ev?.preventDefault();
    if (readOnly || busy || blockedByIssues) return;
    const result = toInputs(fields, values);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    start.mutate(
      runsDraft
        ? { workflowId: graph.id, inputs: result.inputs, graph, ...(draft?.baseVersion ? { baseVersion: draft.baseVersion } : {}) }
        : { workflowId: graph.id, inputs: result.inputs },
    );
  }

  function onKeyDown(ev: KeyboardEvent) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      submit();
    }
  }

  const controlError = start.error?.message ?? cancel.error?.message ?? pause.error?.message ?? resume.error?.message;
  const formError = Object.values(errors)[0];

  return (
    <section className="panel-section runs-panel" data-testid="run-panel">
      <div className="section-title">Run</div>
      <form className="run-form" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
        {fields.length === 0 ? <div className="muted small">This workflow has no input node.</div> : null}
        {fields.length > 0 ? (
          <RunInputTools workflowId={graph.id} fields={fields} values={values} readOnly={readOnly} onFill={fill} onInvalid={setErrors} />
        ) : null}
        {fillNote ? (
          <div className="muted small" data-testid="run-fill-note" role="status">
            {fillNote}
          </div>
        ) : null}
        {fields.map((f) => (
          <FieldControl
            key={f.name}
            field={f}
            value={values[f.name]}
            error={errors[f.name]}
            disabled={readOnly}
            onChange={(v) => setValue(f.name, v)}
          />
        ))}
        {formError || controlError ? (
          <div className="error-box" data-testid="run-error" role="alert">
            {formError ?? controlError}
          </div>
        ) : null}
        {!readOnly && runsDraft ? (
          <div className="hint muted small" data-testid="run-draft-note">
            Runs your unsaved edits (a draft{draft?.baseVersion ? ` of v${draft.baseVersion}` : ""}).
          </div>
        ) : null}
        {!readOnly && blockedByIssues ? (
          <div className="notice-box" id="run-blocked" data-testid="run-blocked-note">
            Fix the {draft!.issues} validation issue{draft!.issues === 1 ? "" : "s"} to run what the canvas shows.
          </div>
        ) : null}
        {readOnly ? (
          <div className="notice-box" id="run-locked" data-testid="readonly-note">
            {EDITOR_ROLE_NEEDED}
          </div>
        ) : null}
        {/* The wrapper carries the tooltip: a disabled button gets no mouse events. */}
        <div className="button-row" title={lockedTitle}>
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="run-button"
            disabled={busy || readOnly || blockedByIssues}
            aria-describedby={readOnly ? "run-locked" : blockedByIssues ? "run-blocked" : undefined}
            title={readOnly ? undefined : `Run (${isMac ? "⌘" : "Ctrl"}+Enter)`}
          >
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
            <button
              type="button"
              className="btn btn-ghost"
              data-testid="resume-button"
              disabled={readOnly || !active || resume.isPending}
              onClick={() => run.runId && resume.mutate({ runId: run.runId })}
            >
              Resume
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-ghost"
              data-testid="pause-button"
              disabled={readOnly || !active || run.status !== "running" || pause.isPending}
              onClick={() => run.runId && pause.mutate({ runId: run.runId })}
            >
              Pause
            </button>
          )}
        </div>
        {!readOnly ? <div className="runs-hint muted small">{isMac ? "⌘" : "Ctrl"}+Enter runs</div> : null}
      </form>

      {run.runId ? <RunSummary run={run} streamStatus={streamStatus} streamError={streamError} /> : null}
      {/* Conversation memory: renders only for a workflow with an AI node that has memory. */}
      <MemoryThreads
        graph={graph}
        readOnly={readOnly}
        refreshKey={run.runId && isFinished(run.status) ? `${run.runId}:${run.status}` : undefined}
        onContinue={(field, threadId) => fill({ ...values, [field]: threadId }, `Continuing thread “${threadId}”: type the next message and run.`)}
      />
    </section>
  );
}

function FieldControl({
  field: f,
  value,
  error,
  disabled,
  onChange,
}: {
  field: InputField;
  value: FormValue | undefined;
  error?: string;
  disabled: boolean;
  onChange(v: FormValue): void;
}) {
  const id = `input-${f.name}`;
  const text = typeof value === "string" ? value : "";
  const describedBy = error ? `${id}-error` : f.description ? `${id}-hint` : undefined;
  const common = {
    id,
    "data-testid": id,
    disabled,
    "aria-invalid": error ? true : undefined,
    "aria-required": f.required || undefined,
    "aria-describedby": describedBy,
  };
  let control;
  if (f.type === "boolean") {
    control = <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  } else if (f.type === "number") {
    control = <input {...common} type="number" step="any" value={text} onChange={(e) => onChange(e.target.value)} />;
  } else if (f.type === "string" && !isLongText(f)) {
    control = <input {...common} type="text" value={text} placeholder={f.description ?? ""} onChange={(e) => onChange(e.target.value)} />;
  } else {
    control = (
      <textarea
        {...common}
        className={f.type === "json" || f.type === "list" ? "mono" : undefined}
        rows={f.type === "json" || f.type === "list" ? 3 : 2}
        spellCheck={f.type === "string"}
        placeholder={f.type === "list" ? "one item per line, or a JSON list" : f.type === "json" ? '{"key": "value"}' : (f.description ?? "")}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div className={`field${error ? " field--invalid" : ""}`} data-field={f.name}>
      <label className="field__label" htmlFor={id}>
        {f.name}
        {f.required ? (
          <span className="req" title="required" aria-label="required">
            *
          </span>
        ) : (
          <span className="opt">optional</span>
        )}
        <span className="field__type">{f.type}</span>
      </label>
      {control}
      {error ? (
        <span className="field__error" id={`${id}-error`}>
          {error}
        </span>
      ) : f.description ? (
        <span className="field__hint" id={`${id}-hint`}>
          {f.description}
        </span>
      ) : null}
    </div>
  );
}

function RunSummary({ run, streamStatus, streamError }: { run: RunState; streamStatus: string; streamError?: string }) {
  const running = run.status === "running" || run.status === "paused" || run.status === "pending";
  const live = running && !run.settled;
  const params = formatParameterVersions(run.parameterVersions, run.parentRunId !== undefined, run.parameterOverrides);
  return (
    <div className="run-summary" data-testid="run-summary" data-run-id={run.runId ?? undefined}>
      <div className="run-summary__row">
        <StatusPill status={run.status} testId="run-status" />
        <span className="mono muted" title={run.runId ?? undefined}>
          run {shortId(run.runId ?? "")}
        </span>
        {live && run.startedTs ? (
          <span className="muted" data-testid="run-elapsed" aria-live="off">
            <Elapsed since={run.startedTs} />
          </span>
        ) : null}
        {streamStatus === "connecting" && live ? <span className="muted">connecting…</span> : null}
      </div>
      {run.draft ? (
        <div className="muted small" data-testid="run-draft">
          <span className="badge badge-soft">draft</span> unsaved edits of v{run.draft.baseVersion}
        </div>
      ) : null}
      {run.parentRunId ? (
        <div className="muted small" data-testid="run-parent">
          re-run of <span className="mono" title={run.parentRunId}>{shortId(run.parentRunId)}</span>
          {run.fromNodeId ? (
            <>
              {" "}
              from <span className="mono">{run.fromNodeId}</span>
            </>
          ) : null}
        </div>
      ) : null}
      {params ? (
        <div className="runs-params small" data-testid="run-params" title="The parameter version each AI node ran with">
          parameters: {params}
        </div>
      ) : null}
      <dl className="stats">
        <div>
          <dt>Duration</dt>
          <dd data-testid="run-duration">{formatDuration(run.durationMs) || "—"}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd data-testid="run-tokens" title={formatUsage(run.usage)}>
            {run.usage ? formatTokens(run.usage.totalTokens) : "—"}
          </dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd data-testid="run-cost" title={formatCostExact(run.costUsd)}>
            {formatCost(run.costUsd) || (run.usage ? "$0" : "—")}
          </dd>
        </div>
      </dl>
      {run.error ? (
        <div className="error-box" data-testid="run-failure">
          <strong>{run.error.code}</strong> {run.error.nodeId ? `(node ${run.error.nodeId}) ` : ""}
          {run.error.message}
        </div>
      ) : null}
      {run.cancelReason ? <div className="muted">Cancelled: {run.cancelReason}</div> : null}
      {streamError ? (
        <div className="error-box" data-testid="run-stream-error">
          {streamError}
        </div>
      ) : null}
      {run.outputs ? (
        <div>
          <div className="runs-titlebar">
            <div className="subtle-title">Outputs</div>
            <CopyButton text={pretty(run.outputs)} label="Copy outputs" testId="run-outputs-copy" />
          </div>
          <pre className="code" data-testid="run-outputs">
            {pretty(run.outputs)}
          </pre>
        </div>
      ) : null}
    </div>
  );
}

function PlayIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
      <path d="M7 4.5v15a1 1 0 0 0 1.5.86l12.5-7.5a1 1 0 0 0 0-1.72L8.5 3.64A1 1 0 0 0 7 4.5z" />
    </svg>
  );
}
