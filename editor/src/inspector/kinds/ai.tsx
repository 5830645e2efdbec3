/** The AI node's fields: model, prompts, sampling, response format, few-shot examples, tools and memory. */
import { ManagedBanner, useManagedView } from "../../parameters/ManagedBanner.js";
import { NumberField, OtherIssues, SelectField, TextArea } from "../fields.js";
import { ModelPicker } from "../ModelPicker.js";
import { AiMemorySection } from "./ai-memory.js";
import { AiToolsSection } from "./ai-tools.js";
import type { KindProps } from "./types.js";

/** The AI node's fields; a node managed by parameter versions shows (and edits into a draft of) its production values. */
export function AiFields({ node, claim, cfg }: KindProps<"ai">) {
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
      <AiToolsSection key={node.id} nodeId={node.id} config={c} claim={claim} />
      <AiMemorySection nodeId={node.id} config={c} claim={claim} />
    </div>
  );
}
