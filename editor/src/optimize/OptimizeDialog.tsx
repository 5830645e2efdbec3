/** The Optimize dialog: dataset, what to tune, objectives, strategy, budget; validated before it starts. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { isTRPCClientError } from "@trpc/client";
import { useEffect, useId, useMemo, useRef, useState, type JSX } from "react";
import type { Graph } from "../../../engine/browser.js";
import { useTRPC } from "../trpc.js";
import { buildConfig, fieldOfPath, newestDatasets, nodeDatasetRef, objectiveChoices, prefillForm, STRATEGIES, STRATEGY_INFO, type FieldErrors, type OptimizeForm } from "./config-form.js";
import { matchDatasetRef, type DatasetChoice } from "./dataset-ref.js";
import { DatasetSection } from "./DatasetSection.js";
import { Field, NumField, Range, Section, Toggle } from "./form-fields.js";
import "./optimize.css";
import { useEscape, useRestoreFocus } from "../shell/useEscape.js";

interface ServerIssue {
  field?: string;
  nodeId?: string;
  message: string;
}

function serverError(err: unknown): { message: string; issues: ServerIssue[] } {
  if (isTRPCClientError(err)) {
    const data = err.data as { issues?: ServerIssue[] | null; retryAfterSec?: number | null } | undefined;
    const retry = data?.retryAfterSec ? ` (retry in ${data.retryAfterSec} s)` : "";
    return { message: err.message + retry, issues: data?.issues ?? [] };
  }
  return { message: err instanceof Error ? err.message : String(err), issues: [] };
}

export function OptimizeDialog(props: { workflowId: string; nodeId: string; graph: Graph; onClose: () => void; onStarted: (runId: string) => void }): JSX.Element {
  const { workflowId, nodeId, graph, onClose, onStarted } = props;
  const trpc = useTRPC();
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const all = datasets.data as DatasetChoice[] | undefined;
  const newest = useMemo(() => newestDatasets(all ?? []), [all]);
  const nodeRef = useMemo(() => nodeDatasetRef(graph, nodeId), [graph, nodeId]);
  const match = useMemo(() => (all ? matchDatasetRef(nodeRef, all) : undefined), [all, nodeRef]);
  const [form, setForm] = useState<OptimizeForm>(() => prefillForm(graph, nodeId, []));
  const [touchedDataset, setTouchedDataset] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const choices = useMemo(() => objectiveChoices(graph), [graph]);
  const dialogRef = useRef<HTMLDivElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  // Where focus was put on opening: moved to Start once the defaults turn out valid, unless the user moved it.
  const autoFocus = useRef<{ el: Element | null; settled: boolean; touched: boolean }>({ el: null, settled: false, touched: false });
  const titleId = useId();
  const prefilled = graph.nodes.some((n) => n.kind === "optimizer" && n.config.targets.includes(nodeId));

  // Once the datasets are known, preselect the one the optimizer node names (by id, name or file), or the only one.
  useEffect(() => {
    if (!all || touchedDataset) return;
    const dataset = match?.value ?? (!nodeRef && newest.length === 1 ? newest[0].name : "");
    if (dataset) setForm((f) => (f.dataset ? f : { ...f, dataset }));
  }, [all, match, nodeRef, newest, touchedDataset]);

  // One click from the node: when the defaults are valid, Start has the focus (Enter starts).
  useEffect(() => {
    const state = autoFocus.current;
    if (state.settled || !all) return;
    if (state.touched) {
      state.settled = true; // the user moved on: never take focus from them
      return;
    }
    if (!buildConfig(form, nodeId).input) return;
    state.settled = true;
    startRef.current?.focus();
  }, [all, form, nodeId]);

  const start = useMutation(
    trpc.optimizations.start.mutationOptions({
      onSuccess: ({ runId }) => onStarted(runId),
    }),
  );

  // Focus the dataset choice first; Escape closes (the shared Escape stack); Tab stays inside the dialog.
  useEscape(onClose);
  useRestoreFocus();
  useEffect(() => {
    const el = dialogRef.current;
    const first = el?.querySelector<HTMLElement>('[data-testid="optimize-dataset"], form select, form input, form button');
    // When the datasets were already loaded, the effect above has focused Start: keep it there.
    if (!autoFocus.current.settled) first?.focus();
    autoFocus.current.el = first ?? null;
    // A key or a pointer inside the dialog is the user at work (focus moves by a re-render are not).
    const touch = () => {
      autoFocus.current.touched = true;
    };
    el?.addEventListener("pointerdown", touch);
    el?.addEventListener("keydown", touch);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Tab" && el) {
        const focusable = [...el.querySelectorAll<HTMLElement>("button, input, select, textarea, a[href]")].filter((x) => !x.hasAttribute("disabled"));
        if (focusable.length === 0) return;
        const first = focusable[0];
        const last = focusable[focusable.length - 1];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      el?.removeEventListener("pointerdown", touch);
      el?.removeEventListener("keydown", touch);
    };
  }, [onClose]);

  // After a first submit, errors follow the edits.
  const set = <K extends keyof OptimizeForm>(key: K, value: OptimizeForm[K]) => {
    const next = { ...form, [key]: value };
    setForm(next);
    if (submitted) setErrors(buildConfig(next, nodeId).errors);
  };

  const submit = () => {
    setSubmitted(true);
    const built = buildConfig(form, nodeId);
    setErrors(built.errors);
    if (!built.input) {
      // Bring the first invalid field into view and focus it.
      requestAnimationFrame(() => {
        const first = dialogRef.current?.querySelector<HTMLElement>(".has-error input, .has-error select, .has-error textarea, .opt-objectives input");
        const target = dialogRef.current?.querySelector(".has-error") ? first : built.errors.objectives ? dialogRef.current?.querySelector<HTMLElement>(".opt-objectives input") : first;
        target?.scrollIntoView({ block: "center" });
        target?.focus();
      });
      return;
    }
    start.mutate({ workflowId, config: built.input, dataset: form.dataset });
  };

  const server = start.error ? serverError(start.error) : null;
  const fieldErr = (field: string): string | undefined => errors[field] ?? server?.issues.find((i) => i.field && fieldOfPath(i.field) === field)?.message;

  return (
    <div className="opt-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="opt-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="optimize-dialog" ref={dialogRef}>
        <header className="opt-dialog__head">
          <div>
            <h2 id={titleId}>Optimize {nodeId}</h2>
            <p className="muted small">
              Search prompts and parameters of <span className="mono">{nodeId}</span>, scored by the graph's evaluation nodes on a dataset.
              {prefilled ? " Prefilled from the graph's optimizer node." : ""}
            </p>
          </div>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>

        <form
          className="opt-dialog__body"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <DatasetSection
            all={all}
            newest={newest}
            nodeRef={nodeRef}
            missing={Boolean(all && nodeRef && !match)}
            value={form.dataset}
            error={fieldErr("dataset")}
            onChange={(value) => {
              setTouchedDataset(true);
              set("dataset", value);
            }}
            onImported={(name) => {
              setTouchedDataset(true);
              set("dataset", name);
              autoFocus.current = { el: document.activeElement, settled: false, touched: false };
            }}
          />

          <Section title="What to tune">
            <div className="opt-tune">
              <Toggle label="System prompt (instructions)" checked={form.tuneSystemPrompt} onChange={(v) => set("tuneSystemPrompt", v)} testId="tune-system-prompt">
                <Field label="Instruction snippets, one per line (empty: the built-in library)" error={fieldErr("instructions")}>
                  {(id) => <textarea id={id} rows={2} value={form.instructions} onChange={(e) => set("instructions", e.target.value)} />}
                </Field>
              </Toggle>
              <Toggle label="Instructions / prompt template" checked={form.tunePrompt} onChange={(v) => set("tunePrompt", v)} testId="tune-prompt">
                <Field label="Alternative templates, separated by a line ---" error={fieldErr("promptTemplates")}>
                  {(id) => <textarea id={id} rows={3} className="mono" value={form.promptTemplates} onChange={(e) => set("promptTemplates", e.target.value)} placeholder={"Solve step by step: {{ inputs.question }}"} />}
                </Field>
              </Toggle>
              <Toggle label="Temperature" checked={form.tuneTemperature} onChange={(v) => set("tuneTemperature", v)} testId="tune-temperature">
                <Range label="Temperature range" error={fieldErr("temperature")} min={form.temperatureMin} max={form.temperatureMax} onMin={(v) => set("temperatureMin", v)} onMax={(v) => set("temperatureMax", v)} step="0.1" />
              </Toggle>
              <Toggle label="top_p" checked={form.tuneTopP} onChange={(v) => set("tuneTopP", v)} testId="tune-top-p">
                <Range label="top_p range" error={fieldErr("topP")} min={form.topPMin} max={form.topPMax} onMin={(v) => set("topPMin", v)} onMax={(v) => set("topPMax", v)} step="0.05" />
              </Toggle>
              <Toggle label="Max tokens" checked={form.tuneMaxTokens} onChange={(v) => set("tuneMaxTokens", v)} testId="tune-max-tokens">
                <Field label="Values to try (comma-separated)" error={fieldErr("maxTokens")}>
                  {(id) => <input id={id} value={form.maxTokens} onChange={(e) => set("maxTokens", e.target.value)} />}
                </Field>
              </Toggle>
              <Toggle label="Model" checked={form.tuneModel} onChange={(v) => set("tuneModel", v)} testId="tune-model">
                <Field label="Models to try (comma-separated)" error={fieldErr("models")}>
                  {(id) => <input id={id} value={form.models} onChange={(e) => set("models", e.target.value)} placeholder="sim-small, sim-large" />}
                </Field>
              </Toggle>
              <Toggle label="Few-shot demos" checked={form.tuneDemos} onChange={(v) => set("tuneDemos", v)} testId="tune-demos">
                <Field label="Most demos to try" error={fieldErr("maxDemos")}>
                  {(id) => <input id={id} type="number" min={0} max={16} value={form.maxDemos} onChange={(e) => set("maxDemos", e.target.value)} />}
                </Field>
              </Toggle>
            </div>
          </Section>

          <Section title="Objectives">
            <div className={`opt-objectives${fieldErr("objectives") ? " has-error" : ""}`} role="group" aria-label="Objectives" data-testid="optimize-objectives">
              {choices.map((c) => (
                <label key={c.metric} className="opt-check">
                  <input type="checkbox" checked={!!form.objectives[c.metric]} onChange={(e) => set("objectives", { ...form.objectives, [c.metric]: e.target.checked })} data-testid={`objective-${c.metric}`} />
                  <span>{c.label}</span>
                  <span className={`opt-dir opt-dir--${form.directions[c.metric] ?? c.direction}`}>{(form.directions[c.metric] ?? c.direction) === "max" ? "maximize" : "minimize"}</span>
                </label>
              ))}
            </div>
            {fieldErr("objectives") ? <div className="opt-field-error">{fieldErr("objectives")}</div> : null}
          </Section>

          <Section title="Strategy">
            <Field label="Strategy" error={fieldErr("strategy")}>
              {(id) => (
                <select id={id} data-testid="optimize-strategy" value={form.strategy} onChange={(e) => set("strategy", e.target.value as OptimizeForm["strategy"])}>
                  {STRATEGIES.map((s) => (
                    <option key={s} value={s}>
                      {STRATEGY_INFO[s].label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <p className="muted small opt-help">{STRATEGY_INFO[form.strategy].help}</p>
          </Section>

          <Section title="Budget">
            <div className="opt-grid">
              <NumField label="Max candidates" field="maxCandidates" value={form.maxCandidates} onChange={(v) => set("maxCandidates", v)} error={fieldErr("maxCandidates")} testId="optimize-max-candidates" />
              <NumField label="Token budget" field="budgetTokens" value={form.budgetTokens} onChange={(v) => set("budgetTokens", v)} error={fieldErr("budgetTokens")} placeholder="none" testId="optimize-budget-tokens" />
              <NumField label="Cost budget (USD)" field="budgetCostUsd" value={form.budgetCostUsd} onChange={(v) => set("budgetCostUsd", v)} error={fieldErr("budgetCostUsd")} placeholder="none" step="0.01" />
              <NumField label="Time limit (s)" field="maxTimeSec" value={form.maxTimeSec} onChange={(v) => set("maxTimeSec", v)} error={fieldErr("maxTimeSec")} placeholder="none" />
              <NumField label="Concurrency" field="concurrency" value={form.concurrency} onChange={(v) => set("concurrency", v)} error={fieldErr("concurrency")} />
              <NumField label="Seed" field="seed" value={form.seed} onChange={(v) => set("seed", v)} error={fieldErr("seed")} testId="optimize-seed" />
            </div>
          </Section>

          {errors.form ? <div className="error-box">{errors.form}</div> : null}
          {server ? (
            <div className="error-box" role="alert" data-testid="optimize-error">
              <strong>Could not start:</strong> {server.message}
              {server.issues.length ? (
                <ul className="opt-issues">
                  {server.issues.map((i, k) => (
                    <li key={k}>
                      {i.field ? <span className="mono">{i.field}</span> : i.nodeId ? <span className="mono">{i.nodeId}</span> : null} {i.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <footer className="opt-dialog__foot">
            {submitted && Object.keys(errors).length > 0 ? (
              <div className="opt-field-error opt-foot-msg" role="alert" data-testid="optimize-invalid">
                {Object.keys(errors).length === 1 ? "1 field needs" : `${Object.keys(errors).length} fields need`} fixing: {Object.keys(errors).map(labelOf).join(", ")}.
              </div>
            ) : null}
            <button type="button" className="btn btn-ghost" onClick={onClose}>
              Cancel
            </button>
            <button ref={startRef} type="submit" className="btn btn-primary opt-start" data-testid="optimize-start" disabled={start.isPending}>
              {start.isPending ? <span className="spinner" /> : null}
              Start optimization
            </button>
          </footer>
        </form>
      </div>
    </div>
  );
}

const LABELS: Record<string, string> = {
  dataset: "dataset",
  objectives: "objectives",
  promptTemplates: "prompt templates",
  instructions: "instructions",
  temperature: "temperature",
  topP: "top_p",
  maxTokens: "max tokens",
  models: "models",
  maxDemos: "demos",
  maxCandidates: "max candidates",
  budgetTokens: "token budget",
  budgetCostUsd: "cost budget",
  maxTimeSec: "time limit",
  concurrency: "concurrency",
  seed: "seed",
  strategy: "strategy",
};

function labelOf(field: string): string {
  return LABELS[field] ?? field;
}
