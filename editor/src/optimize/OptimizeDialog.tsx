/** The Optimize dialog: dataset, what to tune, objectives, strategy, budget; validated before it starts. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { isTRPCClientError } from "@trpc/client";
import { useEffect, useId, useMemo, useRef, useState, type JSX, type ReactNode } from "react";
import type { Graph } from "../../../engine/browser.js";
import { useTRPC } from "../trpc.js";
import { buildConfig, fieldOfPath, newestDatasets, objectiveChoices, prefillForm, STRATEGIES, STRATEGY_INFO, type FieldErrors, type OptimizeForm } from "./config-form.js";
import "./optimize.css";

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
  const newest = useMemo(() => newestDatasets(datasets.data ?? []), [datasets.data]);
  const names = useMemo(() => newest.map((d) => d.name), [newest]);
  const [form, setForm] = useState<OptimizeForm>(() => prefillForm(graph, nodeId, []));
  const [touchedDataset, setTouchedDataset] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const choices = useMemo(() => objectiveChoices(graph), [graph]);
  const dialogRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const prefilled = graph.nodes.some((n) => n.kind === "optimizer" && n.config.targets.includes(nodeId));

  // Once the datasets are known, prefill the dataset (the optimizer node's, or the only one).
  useEffect(() => {
    if (!datasets.data || touchedDataset) return;
    const dataset = prefillForm(graph, nodeId, names).dataset;
    if (dataset) setForm((f) => (f.dataset ? f : { ...f, dataset }));
  }, [datasets.data, names, graph, nodeId, touchedDataset]);

  const start = useMutation(
    trpc.optimizations.start.mutationOptions({
      onSuccess: ({ runId }) => onStarted(runId),
    }),
  );

  // Focus the first field; Escape closes; Tab stays inside the dialog.
  useEffect(() => {
    const el = dialogRef.current;
    el?.querySelector<HTMLElement>("select, input, button")?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        onClose();
      }
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
    return () => document.removeEventListener("keydown", onKey);
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
          <Section title="Dataset">
            {datasets.isPending ? (
              <div className="muted small">Loading datasets…</div>
            ) : newest.length === 0 ? (
              <div className="notice-box small" data-testid="optimize-no-datasets">
                No datasets yet. Import one in the <strong>Datasets</strong> tab, or run <code className="mono">npx flowtune dataset import FILE --name NAME</code>.
              </div>
            ) : null}
            <Field label="Imported dataset (newest version of each name)" error={fieldErr("dataset")}>
              {(id) => (
                <select
                  id={id}
                  data-testid="optimize-dataset"
                  value={form.dataset}
                  onChange={(e) => {
                    setTouchedDataset(true);
                    set("dataset", e.target.value);
                  }}
                >
                  <option value="">Choose a dataset…</option>
                  {newest.map((d) => (
                    <option key={d.id} value={d.name}>
                      {d.name} · v{d.version} · {d.rows} rows
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </Section>

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
            <button type="submit" className="btn btn-primary opt-start" data-testid="optimize-start" disabled={start.isPending}>
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

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="opt-section">
      <legend className="section-title">{title}</legend>
      {children}
    </fieldset>
  );
}

function Field({ label, error, children }: { label: string; error?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className={`opt-field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {error ? <div className="opt-field-error">{error}</div> : null}
    </div>
  );
}

function NumField(props: { label: string; field: string; value: string; onChange: (v: string) => void; error?: string; placeholder?: string; step?: string; testId?: string }) {
  return (
    <Field label={props.label} error={props.error}>
      {(id) => (
        <input
          id={id}
          type="number"
          inputMode="decimal"
          step={props.step ?? "1"}
          value={props.value}
          placeholder={props.placeholder}
          aria-invalid={props.error ? true : undefined}
          data-testid={props.testId}
          data-field={props.field}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

function Range(props: { label: string; error?: string; min: string; max: string; onMin: (v: string) => void; onMax: (v: string) => void; step: string }) {
  return (
    <div className={`opt-field${props.error ? " has-error" : ""}`}>
      <span className="opt-range">
        <input type="number" aria-label={`${props.label} minimum`} step={props.step} value={props.min} onChange={(e) => props.onMin(e.target.value)} />
        <span className="muted">to</span>
        <input type="number" aria-label={`${props.label} maximum`} step={props.step} value={props.max} onChange={(e) => props.onMax(e.target.value)} />
      </span>
      {props.error ? <div className="opt-field-error">{props.error}</div> : null}
    </div>
  );
}

function Toggle({ label, checked, onChange, children, testId }: { label: string; checked: boolean; onChange: (v: boolean) => void; children?: ReactNode; testId?: string }) {
  return (
    <div className={`opt-toggle${checked ? " is-on" : ""}`}>
      <label className="opt-check">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
        <span>{label}</span>
      </label>
      {checked && children ? <div className="opt-toggle__body">{children}</div> : null}
    </div>
  );
}
