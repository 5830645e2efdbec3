/** The Evaluation node's fields: the metric and the settings that metric reads (a set value always stays visible). */
import { EVALUATION_METRICS } from "../../../../engine/browser.js";
import { CheckboxField, JsonField, NumberField, OtherIssues, SelectField, TextArea, TextField } from "../fields.js";
import { ModelPicker } from "../ModelPicker.js";
import { compact, type KindProps } from "./types.js";

const TEXT_METRICS = new Set(["exact_match", "contains", "regex", "json_valid", "json_schema", "numeric", "token_f1", "edit_similarity", "llm_judge"]);
const NEEDS_EXPECTED = new Set(["exact_match", "contains", "numeric", "token_f1", "edit_similarity", "llm_judge"]);
const BUDGET_KEY: Record<string, "maxLatencyMs" | "maxTokens" | "maxCostUsd"> = { latency: "maxLatencyMs", tokens: "maxTokens", cost: "maxCostUsd" };

/** The metric select and the fields the chosen metric uses (the LLM judge's model through the same picker as AI nodes). */
export function EvaluationFields({ node, claim, cfg }: KindProps<"evaluation">) {
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
        <>
          <div className="isection__title">Judge</div>
          <ModelPicker
            testIdPrefix="inspector-judge"
            provider={c.judge?.provider}
            model={c.judge?.model}
            modelPlaceholder={c.judge?.provider === undefined || c.judge.provider === "sim" ? "sim-medium" : undefined}
            providerIssues={claim("config.judge.provider")}
            modelIssues={claim("config.judge.model")}
            onProvider={(v) => cfg("judge", compact({ ...c.judge, provider: v || undefined }))}
            onModel={(v) => cfg("judge", compact({ ...c.judge, model: v || undefined }))}
          />
        </>
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
