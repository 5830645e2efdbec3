/**
 * The AI node's Memory section: off, a window of the last turns, or a running summary; the thread
 * template (offering the input node's fields, since a run's thread id comes from its inputs), how
 * much is read back, the summary's model and whether the memory goes into the prompt. "Off"
 * removes `config.memory`; switching to "window" drops the summary-only fields.
 */
import { DEFAULT_MEMORY_TURNS, DEFAULT_SUMMARY_TOKENS, MAX_MEMORY_TOKENS, MAX_MEMORY_TURNS, type AiNode, type MemoryConfig } from "../../../../engine/browser.js";
import { selectGraph, useDoc } from "../../document/store.js";
import { inputFieldsOf } from "../../runs/input-form.js";
import { CheckboxField, NumberField, OtherIssues, SelectField, TextField } from "../fields.js";
import { ModelPicker } from "../ModelPicker.js";
import { useConfigStep } from "./ai-tools.js";
import type { Claim } from "./types.js";

const MODES = ["off", "window", "summary"] as const;
const CUSTOM = "(custom template)";
const THREADISH = /thread|conversation|session|chat/i;

/** `{{ inputs.name }}` for a field name. */
export const inputRef = (name: string) => `{{ inputs.${name} }}`;

/** The input field a thread template reads, when it is exactly `{{ inputs.x }}`. */
export function threadField(thread: string | undefined): string | undefined {
  return /^\{\{\s*inputs\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(thread ?? "")?.[1];
}

/** The Memory section of AI node `nodeId`, showing `config` (the node's, or production's for a managed node). */
export function AiMemorySection({ nodeId, config, claim }: { nodeId: string; config: AiNode["config"]; claim: Claim }) {
  const setField = useConfigStep(nodeId);
  const fields = inputFieldsOf(useDoc(selectGraph)).map((f) => f.name);
  const m = config.memory;
  const issues = claim("config.memory");
  const at = (f: string) => issues.filter((i) => i.field === `config.memory.${f}` || i.field?.startsWith(`config.memory.${f}.`));
  const shownFields = ["thread", "kind", "maxTurns", "maxTokens", "summaryProvider", "summaryModel", "includeContext"];
  const rest = issues.filter((i) => !shownFields.some((f) => at(f).includes(i)));
  const set = (next: MemoryConfig | undefined, step: string | null) => setField("memory", next, step === null ? null : `config.memory.${step}`);
  const patch = (p: Partial<MemoryConfig>, step: string | null) => {
    if (!m) return;
    const next = { ...m, ...p } as Record<string, unknown>;
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    set(next as MemoryConfig, step);
  };

  const setMode = (mode: (typeof MODES)[number]) => {
    if (mode === "off") return set(undefined, null);
    if (!m) {
      // A new memory reads the thread id from the input field that looks like one, else `inputs.thread`.
      const field = fields.find((f) => THREADISH.test(f)) ?? "thread";
      return set({ thread: inputRef(field), kind: mode, maxTurns: DEFAULT_MEMORY_TURNS, includeContext: true }, null);
    }
    // The summary's model means nothing to a window memory (the engine refuses it there).
    patch(mode === "window" ? { kind: mode, summaryProvider: undefined, summaryModel: undefined } : { kind: mode }, null);
  };

  const picked = threadField(m?.thread);
  const threadOptions = [...fields, ...(picked && !fields.includes(picked) ? [picked] : []), CUSTOM];
  return (
    <div className="isection memory-section" data-testid="inspector-memory">
      <div className="isection__title">Memory</div>
      <SelectField label="Conversation memory" testId="inspector-memory-kind" value={m ? m.kind ?? "window" : "off"} options={MODES} issues={at("kind")} onChange={setMode} />
      {!m ? (
        <div className="muted small">Off: each run starts fresh. Turn it on to keep a conversation per thread id taken from the run&apos;s inputs.</div>
      ) : (
        <>
          <OtherIssues issues={rest} testId="inspector-memory-issues" />
          <div className="irow">
            <SelectField
              label="Thread id from input"
              testId="inspector-memory-thread-field"
              value={picked ?? CUSTOM}
              options={threadOptions}
              hint={picked && !fields.includes(picked) ? `the input node has no field "${picked}"` : undefined}
              onChange={(v) => (v === CUSTOM ? undefined : patch({ thread: inputRef(v) }, null))}
            />
          </div>
          <TextField
            label="Thread template"
            testId="inspector-memory-thread"
            mono
            value={m.thread}
            issues={at("thread")}
            placeholder="{{ inputs.thread }}"
            hint="Runs whose thread renders empty run without memory."
            onChange={(v) => patch({ thread: v }, "thread")}
          />
          <div className="irow">
            <NumberField label="Max turns" testId="inspector-memory-max-turns" step={1} min={1} max={MAX_MEMORY_TURNS} placeholder={String(DEFAULT_MEMORY_TURNS)} value={m.maxTurns} issues={at("maxTurns")} onChange={(v) => patch({ maxTurns: v }, "maxTurns")} />
            <NumberField
              label={m.kind === "summary" ? "Summary max tokens" : "Token budget"}
              testId="inspector-memory-max-tokens"
              step={1}
              min={16}
              max={MAX_MEMORY_TOKENS}
              placeholder={m.kind === "summary" ? String(DEFAULT_SUMMARY_TOKENS) : "no limit"}
              value={m.maxTokens}
              issues={at("maxTokens")}
              onChange={(v) => patch({ maxTokens: v }, "maxTokens")}
            />
          </div>
          {m.kind === "summary" || m.summaryProvider !== undefined || m.summaryModel !== undefined ? (
            <>
              <div className="ifield__label">Summary model (default: this node&apos;s)</div>
              <ModelPicker
                testIdPrefix="inspector-memory-summary"
                provider={m.summaryProvider ?? config.provider}
                model={m.summaryModel}
                modelPlaceholder={config.model}
                providerIssues={at("summaryProvider")}
                modelIssues={at("summaryModel")}
                onProvider={(v) => patch({ summaryProvider: v || undefined }, null)}
                onModel={(v) => patch({ summaryModel: v || undefined }, "summaryModel")}
              />
            </>
          ) : null}
          <CheckboxField
            label="Include the memory in the prompt"
            testId="inspector-memory-include-context"
            value={m.includeContext ?? true}
            issues={at("includeContext")}
            hint="Off still records the turns."
            onChange={(v) => patch({ includeContext: v }, null)}
          />
        </>
      )}
    </div>
  );
}
