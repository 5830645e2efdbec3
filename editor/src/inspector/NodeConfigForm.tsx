/**
 * The configuration form of one node, hand-written per kind (clearer than a generated form for
 * the nested parts) but covering every field of every kind. Each edit is a document operation
 * (undoable; typing into one field coalesces into one step) and each control shows the
 * validation issues whose `field` it owns.
 */
import { useCallback, type ReactNode } from "react";
import {
  AGGREGATE_STRATEGIES,
  EVALUATION_METRICS,
  type GraphIssue,
  type GraphNode,
  type InputNode,
  type NodeOfKind,
} from "../../../engine/browser.js";
import type { NodePatch } from "../document/reducer.js";
import { useDoc, useDocStore, useValidation } from "../document/store.js";
import { issuesFor, NO_ISSUES } from "../document/validation.js";
import { CheckboxField, JsonField, NumberField, OtherIssues, SelectField, TextArea, TextField } from "./fields.js";
import { IdField } from "./IdField.js";
import { ModelPicker } from "./ModelPicker.js";
import { ManagedBanner, useManagedView } from "../parameters/ManagedBanner.js";

type Claim = (field: string) => GraphIssue[];
type Setter = (patch: NodePatch, field: string) => void;
type Config = Record<string, unknown>;

/** Drops a nested object that became empty (all keys undefined). */
function compact<T extends object>(obj: T): T | undefined {
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}

export function NodeConfigForm({ nodeId, readOnly, onRenamed }: { nodeId: string; readOnly: boolean; onRenamed: (id: string) => void }) {
  const store = useDocStore();
  const node = useDoc(useCallback((s) => s.graph.nodes.find((n) => n.id === nodeId), [nodeId]));
  const validation = useValidation();
  if (!node) return null;
  const issues = validation.byNode[node.id] ?? NO_ISSUES;
  const claimed: string[] = [];
  const claim: Claim = (field) => {
    claimed.push(field);
    return issuesFor(issues, field);
  };
  const set: Setter = (patch, field) => store.dispatch({ type: "updateNode", id: node.id, patch, coalesce: `node:${node.id}:${field}` });
  const cfg = (field: string, value: unknown) => set({ config: { [field]: value } }, `config.${field}`);

  const common = (
    <>
      <IdField
        value={node.id}
        issues={claim("id")}
        disabled={readOnly}
        taken={(id) => id !== node.id && store.getState().graph.nodes.some((n) => n.id === id)}
        onCommit={(id) => {
          store.dispatch({ type: "updateNode", id: node.id, patch: { id } });
          onRenamed(id);
        }}
      />
      <TextField label="Name" testId="inspector-label" value={node.label} issues={claim("label")} disabled={readOnly} placeholder={node.id} onChange={(v) => set({ label: v || undefined }, "label")} />
      <TextArea label="Description" testId="inspector-description" rows={2} value={node.description} issues={claim("description")} disabled={readOnly} onChange={(v) => set({ description: v || undefined }, "description")} />
    </>
  );

  let body: ReactNode;
  switch (node.kind) {
    case "input":
      body = <InputFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "ai":
      body = <AiFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "evaluation":
      body = <EvaluationFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "router":
      body = <RouterFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "aggregate":
      body = <AggregateFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "output":
      body = <OutputFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "optimizer":
      body = (
        <JsonField
          label="Optimizer configuration"
          testId="inspector-optimizer-config"
          rows={14}
          value={node.config}
          issues={claim("config")}
          disabled={readOnly}
          onChange={(v) => replaceConfig(store, node, v)}
        />
      );
      break;
  }

  const policy = <ExecutionFields node={node} claim={claim} readOnly={readOnly} set={set} />;
  const others = issues.filter((i) => !claimed.some((f) => i.field === f || i.field?.startsWith(`${f}.`)));

  return (
    <fieldset className="iform" disabled={readOnly} data-testid="inspector-form" data-kind={node.kind}>
      <legend className="sr-only">Configuration of {node.id}</legend>
      <OtherIssues issues={others} testId="inspector-node-issues" />
      {common}
      {body}
      {policy}
    </fieldset>
  );
}

/** Replaces a node's whole config (the optimizer's JSON editor). */
function replaceConfig(store: ReturnType<typeof useDocStore>, node: GraphNode, value: unknown) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  const clear = Object.fromEntries(Object.keys(node.config).map((k) => [k, undefined]));
  store.dispatch({ type: "updateNode", id: node.id, patch: { config: { ...clear, ...(value as Config) } }, coalesce: `node:${node.id}:config` });
}

interface KindProps<K extends GraphNode["kind"]> {
  node: NodeOfKind<K>;
  claim: Claim;
  readOnly: boolean;
  cfg: (field: string, value: unknown) => void;
}

type Field = InputNode["config"]["fields"][number];
const FIELD_TYPES = ["string", "number", "boolean", "json", "list"] as const;

function InputFields({ node, claim, cfg }: KindProps<"input">) {
  const fields = node.config.fields;
  const setFields = (next: Field[]) => cfg("fields", next);
  const update = (i: number, patch: Partial<Field>) =>
    setFields(fields.map((f, k) => (k === i ? (Object.fromEntries(Object.entries({ ...f, ...patch }).filter(([, v]) => v !== undefined)) as Field) : f)));
  const listIssues = claim("config.fields").filter((i) => !/^config\.fields\.\d/.test(i.field ?? ""));
  return (
    <div className="isection">
      <div className="isection__title">Input fields</div>
      <OtherIssues issues={listIssues} />
      {fields.map((f, i) => (
        <div className="irow-card" key={i} data-testid={`inspector-input-field-${i}`}>
          <div className="irow">
            <TextField label="Name" testId={`inspector-field-name-${i}`} mono value={f.name} issues={issuesFor(listOwn(claim, `config.fields.${i}`), `config.fields.${i}.name`)} onChange={(v) => update(i, { name: v })} />
            <SelectField label="Type" testId={`inspector-field-type-${i}`} value={f.type} options={FIELD_TYPES} onChange={(v) => update(i, { type: v })} />
          </div>
          <div className="irow">
            <CheckboxField label="Required" testId={`inspector-field-required-${i}`} value={f.required !== false} onChange={(v) => update(i, { required: v })} />
            <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove field ${f.name}`} data-testid={`inspector-remove-field-${i}`} onClick={() => setFields(fields.filter((_, k) => k !== i))}>
              Remove
            </button>
          </div>
          <TextField label="Description" value={f.description} onChange={(v) => update(i, { description: v || undefined })} />
          <TextField
            label="Default"
            value={f.default === undefined ? "" : typeof f.default === "string" ? f.default : JSON.stringify(f.default)}
            hint={f.type === "string" ? undefined : "JSON for non-string types"}
            onChange={(v) => {
              if (v === "") return update(i, { default: undefined });
              if (f.type === "string") return update(i, { default: v });
              try {
                update(i, { default: JSON.parse(v) });
              } catch {
                update(i, { default: v });
              }
            }}
          />
        </div>
      ))}
      <button
        type="button"
        className="btn btn-sm"
        data-testid="inspector-add-field"
        onClick={() => {
          const taken = new Set(fields.map((f) => f.name));
          let name = "field";
          for (let k = 2; taken.has(name); k++) name = `field${k}`;
          setFields([...fields, { name, type: "string", required: true }]);
        }}
      >
        + Add field
      </button>
    </div>
  );
}

/** Claims a prefix and returns its issues. */
function listOwn(claim: Claim, field: string): GraphIssue[] {
  return claim(field);
}

function AiFields({ node, claim, cfg }: KindProps<"ai">) {
  // A managed node shows what runs (its production version), edits included: see parameters/effective.ts.
  const managed = useManagedView(node);
  const c = (managed?.config ?? node.config) as typeof node.config;
  const fewShot = c.fewShot ?? [];
  return (
    <div className="isection">
      {managed ? <ManagedBanner nodeId={node.id} view={managed} /> : null}
      <div className="isection__title">Model</div>
      <ModelPicker provider={c.provider} model={c.model} providerIssues={claim("config.provider")} modelIssues={claim("config.model")} onProvider={(v) => cfg("provider", v)} onModel={(v) => cfg("model", v)} />
      <TextArea label="System prompt" testId="inspector-system-prompt" rows={2} value={c.systemPrompt} issues={claim("config.systemPrompt")} onChange={(v) => cfg("systemPrompt", v)} />
      <TextArea
        label="Prompt template"
        testId="inspector-prompt"
        mono
        rows={4}
        value={c.prompt}
        issues={claim("config.prompt")}
        hint={<>Liquid: {"{{ inputs.field }}"}, {"{{ nodes.id.text }}"}, {"{{ input }}"}</>}
        onChange={(v) => cfg("prompt", v)}
      />
      <div className="irow irow-3">
        <NumberField label="Temperature" testId="inspector-temperature" step={0.1} min={0} max={2} value={c.temperature} issues={claim("config.temperature")} onChange={(v) => cfg("temperature", v)} />
        <NumberField label="Top p" testId="inspector-top-p" step={0.05} min={0} max={1} value={c.topP} issues={claim("config.topP")} onChange={(v) => cfg("topP", v)} />
        <NumberField label="Max tokens" testId="inspector-max-tokens" step={1} min={1} value={c.maxTokens} issues={claim("config.maxTokens")} onChange={(v) => cfg("maxTokens", v)} />
      </div>
      <div className="irow">
        <SelectField label="Response format" testId="inspector-response-format" value={c.responseFormat ?? "text"} options={["text", "json"] as const} issues={claim("config.responseFormat")} onChange={(v) => cfg("responseFormat", v)} />
        <NumberField label="Seed" testId="inspector-seed" step={1} value={c.seed} issues={claim("config.seed")} onChange={(v) => cfg("seed", v)} />
      </div>
      <div className="isection__title">Few-shot examples</div>
      <OtherIssues issues={claim("config.fewShot")} />
      {fewShot.map((ex, i) => (
        <div className="irow-card" key={i}>
          <TextArea label={`Example ${i + 1} input`} rows={2} value={ex.input} onChange={(v) => cfg("fewShot", fewShot.map((e, k) => (k === i ? { ...e, input: v } : e)))} />
          <TextArea label="Output" rows={2} value={ex.output} onChange={(v) => cfg("fewShot", fewShot.map((e, k) => (k === i ? { ...e, output: v } : e)))} />
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => cfg("fewShot", fewShot.filter((_, k) => k !== i))}>
            Remove example
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-sm" data-testid="inspector-add-fewshot" onClick={() => cfg("fewShot", [...fewShot, { input: "", output: "" }])}>
        + Add example
      </button>
    </div>
  );
}

const TEXT_METRICS = new Set(["exact_match", "contains", "regex", "json_valid", "json_schema", "numeric", "token_f1", "edit_similarity", "llm_judge"]);
const NEEDS_EXPECTED = new Set(["exact_match", "contains", "numeric", "token_f1", "edit_similarity", "llm_judge"]);
const BUDGET_KEY: Record<string, "maxLatencyMs" | "maxTokens" | "maxCostUsd"> = { latency: "maxLatencyMs", tokens: "maxTokens", cost: "maxCostUsd" };

function EvaluationFields({ node, claim, cfg }: KindProps<"evaluation">) {
  const c = node.config;
  const m = c.metric;
  const show = (relevant: boolean, value: unknown) => relevant || value !== undefined;
  return (
    <div className="isection">
      <div className="isection__title">Metric</div>
      <SelectField label="Metric" testId="inspector-metric" value={m} options={EVALUATION_METRICS} issues={claim("config.metric")} onChange={(v) => cfg("metric", v)} />
      {show(TEXT_METRICS.has(m), c.actual || undefined) ? (
        <TextField label="Actual (template)" testId="inspector-actual" mono value={c.actual} issues={claim("config.actual")} placeholder="{{ nodes.answer.text }}" onChange={(v) => cfg("actual", v)} />
      ) : null}
      {show(NEEDS_EXPECTED.has(m), c.expected) ? (
        <TextField label="Expected (template)" testId="inspector-expected" mono value={c.expected} issues={claim("config.expected")} placeholder="{{ inputs.expected }}" onChange={(v) => cfg("expected", v || undefined)} />
      ) : null}
      {show(m === "regex", c.pattern) ? <TextField label="Pattern (regex)" testId="inspector-pattern" mono value={c.pattern} issues={claim("config.pattern")} onChange={(v) => cfg("pattern", v || undefined)} /> : null}
      {show(m === "json_schema", c.schema) ? <JsonField label="JSON Schema" testId="inspector-schema" value={c.schema} issues={claim("config.schema")} onChange={(v) => cfg("schema", v)} /> : null}
      {show(m === "numeric", c.tolerance) ? (
        <div className="irow">
          <NumberField label="Tolerance (absolute)" testId="inspector-tolerance-absolute" min={0} value={c.tolerance?.absolute} issues={claim("config.tolerance.absolute")} onChange={(v) => cfg("tolerance", compact({ ...c.tolerance, absolute: v }))} />
          <NumberField label="Tolerance (relative)" testId="inspector-tolerance-relative" min={0} value={c.tolerance?.relative} issues={claim("config.tolerance.relative")} onChange={(v) => cfg("tolerance", compact({ ...c.tolerance, relative: v }))} />
        </div>
      ) : null}
      {show(m === "llm_judge", c.rubric) ? <TextArea label="Rubric (template)" testId="inspector-rubric" value={c.rubric} issues={claim("config.rubric")} onChange={(v) => cfg("rubric", v || undefined)} /> : null}
      {show(m === "llm_judge", c.question) ? <TextField label="Question (template)" testId="inspector-question" mono value={c.question} issues={claim("config.question")} onChange={(v) => cfg("question", v || undefined)} /> : null}
      {show(m === "llm_judge", c.judge) ? (
        <div className="irow">
          <TextField label="Judge provider" testId="inspector-judge-provider" value={c.judge?.provider} issues={claim("config.judge.provider")} placeholder="sim" onChange={(v) => cfg("judge", compact({ ...c.judge, provider: v || undefined }))} />
          <TextField label="Judge model" testId="inspector-judge-model" value={c.judge?.model} issues={claim("config.judge.model")} placeholder="sim-medium" onChange={(v) => cfg("judge", compact({ ...c.judge, model: v || undefined }))} />
        </div>
      ) : null}
      {show(m in BUDGET_KEY, c.target) ? <TextField label="Target AI node" testId="inspector-target" mono value={c.target} issues={claim("config.target")} onChange={(v) => cfg("target", v || undefined)} /> : null}
      {(["maxLatencyMs", "maxTokens", "maxCostUsd"] as const).map((k) =>
        show(BUDGET_KEY[m] === k, c.budget?.[k]) ? (
          <NumberField key={k} label={`Budget ${k}`} testId={`inspector-budget-${k}`} min={0} value={c.budget?.[k]} issues={claim(`config.budget.${k}`)} onChange={(v) => cfg("budget", compact({ ...c.budget, [k]: v }))} />
        ) : null,
      )}
      {show(m === "cost", c.price) ? (
        <div className="irow">
          <NumberField label="Input $/1k" testId="inspector-price-input" min={0} value={c.price?.inputPer1k} issues={claim("config.price.inputPer1k")} onChange={(v) => cfg("price", compact({ inputPer1k: v, outputPer1k: c.price?.outputPer1k ?? 0 }))} />
          <NumberField label="Output $/1k" testId="inspector-price-output" min={0} value={c.price?.outputPer1k} issues={claim("config.price.outputPer1k")} onChange={(v) => cfg("price", compact({ inputPer1k: c.price?.inputPer1k ?? 0, outputPer1k: v }))} />
        </div>
      ) : null}
      <OtherIssues issues={[...claim("config.budget"), ...claim("config.price"), ...claim("config.tolerance"), ...claim("config.judge")].filter((i, k, a) => a.indexOf(i) === k && !/\.(absolute|relative|provider|model|inputPer1k|outputPer1k|maxLatencyMs|maxTokens|maxCostUsd)$/.test(i.field ?? ""))} />
      <div className="irow">
        <CheckboxField label="Case sensitive" testId="inspector-case-sensitive" value={c.caseSensitive ?? false} issues={claim("config.caseSensitive")} onChange={(v) => cfg("caseSensitive", v)} />
        <CheckboxField label="Trim" testId="inspector-trim" value={c.trim ?? true} issues={claim("config.trim")} onChange={(v) => cfg("trim", v)} />
      </div>
      <NumberField label="Pass threshold" testId="inspector-threshold" step={0.05} min={0} max={1} value={c.threshold} issues={claim("config.threshold")} onChange={(v) => cfg("threshold", v)} />
    </div>
  );
}

function RouterFields({ node, claim, cfg, readOnly }: KindProps<"router">) {
  const store = useDocStore();
  const edges = useDoc(useCallback((s) => s.graph.edges, []));
  const validation = useValidation();
  const routes = edges.filter((e) => e.source === node.id);
  return (
    <div className="isection">
      <div className="isection__title">Routing</div>
      <SelectField label="Mode" testId="inspector-router-mode" value={node.config?.mode ?? "first-match"} options={["first-match", "all-matches"] as const} issues={claim("config.mode")} onChange={(v) => cfg("mode", v)} />
      <div className="isection__title">Routes (outgoing edges, in order)</div>
      {routes.length === 0 ? <div className="muted small">Connect the router to the nodes it chooses between.</div> : null}
      {routes.map((e) => (
        <div className="irow-card" key={e.id} data-testid={`inspector-route-${e.id}`}>
          <div className="small">
            → <span className="mono">{e.target}</span> <span className="muted">({e.kind})</span>
          </div>
          {e.kind === "conditional" ? (
            <>
              <CheckboxField
                label="Default route"
                value={e.default ?? false}
                disabled={readOnly}
                onChange={(v) => store.dispatch({ type: "updateEdge", edgeId: e.id, patch: v ? { default: true, condition: undefined } : { default: false, condition: "true" } })}
              />
              {!e.default ? (
                <TextField
                  label="Condition"
                  mono
                  value={e.condition}
                  disabled={readOnly}
                  issues={issuesFor(validation.byEdge[e.id], "condition")}
                  onChange={(v) => store.dispatch({ type: "updateEdge", edgeId: e.id, patch: { condition: v || undefined }, coalesce: `edge:${e.id}:condition` })}
                />
              ) : null}
            </>
          ) : (
            <button type="button" className="btn btn-sm" disabled={readOnly} onClick={() => store.dispatch({ type: "setEdgeKind", edgeId: e.id, kind: "conditional" })}>
              Make conditional
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

function AggregateFields({ node, claim, cfg }: KindProps<"aggregate">) {
  const c = node.config;
  return (
    <div className="isection">
      <div className="isection__title">Join</div>
      <div className="irow">
        <SelectField label="Strategy" testId="inspector-strategy" value={c.strategy} options={AGGREGATE_STRATEGIES} issues={claim("config.strategy")} onChange={(v) => cfg("strategy", v)} />
        <SelectField label="Synchronization" testId="inspector-synchronization" value={c.synchronization} options={["barrier", "async"] as const} issues={claim("config.synchronization")} onChange={(v) => cfg("synchronization", v)} />
      </div>
      <div className="irow">
        <NumberField label="Min responses" testId="inspector-min-responses" step={1} min={0} value={c.minResponses} issues={claim("config.minResponses")} onChange={(v) => cfg("minResponses", v)} />
        <NumberField label="Join timeout (ms)" testId="inspector-join-timeout" step={100} min={1} value={c.timeoutMs} issues={claim("config.timeoutMs")} onChange={(v) => cfg("timeoutMs", v)} />
      </div>
      <TextField label="Vote (template)" testId="inspector-vote" mono value={c.vote} issues={claim("config.vote")} placeholder="{{ response.text | downcase }}" onChange={(v) => cfg("vote", v || undefined)} />
      <NumberField label="Consensus threshold" testId="inspector-consensus" step={0.05} min={0} max={1} value={c.consensusThreshold} issues={claim("config.consensusThreshold")} onChange={(v) => cfg("consensusThreshold", v)} />
      <JsonField label="Weights (node id → weight)" testId="inspector-weights" rows={3} value={c.weights} issues={claim("config.weights")} onChange={(v) => cfg("weights", v ?? {})} />
    </div>
  );
}

function OutputFields({ node, claim, cfg }: KindProps<"output">) {
  const entries = Object.entries(node.config?.fields ?? {});
  const setEntries = (next: Array<[string, string]>) => cfg("fields", next.length ? Object.fromEntries(next) : undefined);
  return (
    <div className="isection">
      <div className="isection__title">Output mapping</div>
      <OtherIssues issues={claim("config.fields").filter((i) => i.field === "config.fields")} />
      {entries.length === 0 ? <div className="muted small">No fields: the node outputs its input unchanged.</div> : null}
      {entries.map(([name, tpl], i) => (
        <div className="irow-card" key={i} data-testid={`inspector-output-field-${i}`}>
          <TextField label="Name" testId={`inspector-output-name-${i}`} mono value={name} onChange={(v) => setEntries(entries.map((e, k) => (k === i ? [v, e[1]] : e)))} />
          <TextField label="Template" testId={`inspector-output-template-${i}`} mono value={tpl} issues={claim(`config.fields.${name}`)} onChange={(v) => setEntries(entries.map((e, k) => (k === i ? [e[0], v] : e)))} />
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => setEntries(entries.filter((_, k) => k !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-sm"
        data-testid="inspector-add-output"
        onClick={() => {
          let name = "result";
          for (let k = 2; entries.some(([n]) => n === name); k++) name = `result${k}`;
          setEntries([...entries, [name, "{{ input }}"]]);
        }}
      >
        + Add output field
      </button>
    </div>
  );
}

const ERROR_MODES = ["stop", "continue", "retry"] as const;

function ExecutionFields({ node, claim, set }: { node: GraphNode; claim: Claim; readOnly: boolean; set: Setter }) {
  const p = node.onError;
  return (
    <details className="isection" open={Boolean(p || node.timeoutMs)}>
      <summary className="isection__title">Execution</summary>
      <NumberField label="Timeout per attempt (ms)" testId="inspector-timeout" step={1000} min={1} value={node.timeoutMs} issues={claim("timeoutMs")} onChange={(v) => set({ timeoutMs: v }, "timeoutMs")} />
      <SelectField
        label="On error"
        testId="inspector-on-error"
        value={p?.mode ?? "stop"}
        options={ERROR_MODES}
        issues={claim("onError")}
        onChange={(mode) => set({ onError: mode === "retry" ? { mode, maxRetries: 2, backoffMs: 200, backoffFactor: 2, then: "stop" } : mode === "stop" ? undefined : { mode } }, "onError")}
      />
      {p?.mode === "retry" ? (
        <>
          <div className="irow">
            <NumberField label="Max retries" step={1} min={1} max={10} value={p.maxRetries} onChange={(v) => set({ onError: { ...p, maxRetries: v ?? 2 } }, "onError.maxRetries")} />
            <NumberField label="Backoff (ms)" step={50} min={0} value={p.backoffMs} onChange={(v) => set({ onError: { ...p, backoffMs: v ?? 200 } }, "onError.backoffMs")} />
          </div>
          <div className="irow">
            <NumberField label="Backoff factor" step={0.5} min={1} value={p.backoffFactor} onChange={(v) => set({ onError: { ...p, backoffFactor: v ?? 2 } }, "onError.backoffFactor")} />
            <SelectField label="Then" value={p.then ?? "stop"} options={["stop", "continue"] as const} onChange={(v) => set({ onError: { ...p, then: v } }, "onError.then")} />
          </div>
        </>
      ) : null}
    </details>
  );
}
