/**
 * The small lists inside a tool's editor: its parameters (rows that become the JSON Schema) and an
 * http tool's headers. Renaming a key goes through a local draft, so typing a name another row
 * already has (or none) is refused on the spot instead of merging two entries into one.
 */
import { useEffect, useState } from "react";
import type { GraphIssue, ToolParameters } from "../../../../engine/browser.js";
import { issuesFor } from "../../document/validation.js";
import { CheckboxField, OtherIssues, SelectField, TextField } from "../fields.js";
import { addParam, PARAM_TYPES, paramRows, removeParam, uniqueName, updateHeader, updateParam } from "./tool-model.js";

/** Issues under `prefix` that no `shown` field (or a field under it) displays. */
export function leftover(issues: readonly GraphIssue[], prefix: string, shown: readonly string[]): GraphIssue[] {
  return issuesFor(issues, prefix).filter((i) => !shown.some((f) => i.field === f || i.field?.startsWith(`${f}.`)));
}

/** A key of a map (a parameter or header name): commits only a non-empty name no other entry has. */
export function KeyField(p: { label: string; testId: string; value: string; issues: GraphIssue[]; taken: (name: string) => boolean; onCommit: (name: string) => void; mono?: boolean }) {
  const [draft, setDraft] = useState(p.value);
  useEffect(() => setDraft(p.value), [p.value]);
  const local = draft === p.value ? null : draft === "" ? "is empty" : p.taken(draft) ? `another entry is already named "${draft}"` : null;
  return (
    <TextField
      label={p.label}
      testId={p.testId}
      mono={p.mono ?? true}
      value={draft}
      issues={local ? [...p.issues, { message: local }] : p.issues}
      onChange={(v) => {
        setDraft(v);
        if (v !== "" && (v === p.value || !p.taken(v))) p.onCommit(v);
      }}
    />
  );
}

/** A tool's parameters as rows {name, type, description, required}; `base` is their issue path (`config.tools.0.parameters`). */
export function ParamList({ schema, base, issues, testId, onChange }: { schema: ToolParameters | undefined; base: string; issues: GraphIssue[]; testId: string; onChange: (next: ToolParameters, step: string | null) => void }) {
  const rows = paramRows(schema);
  const names = rows.map((r) => r.name);
  const shown = names.map((n) => `${base}.properties.${n}`);
  return (
    <div className="tool-params" data-testid={testId}>
      <div className="ifield__label">Parameters</div>
      <OtherIssues issues={leftover(issues, base, shown)} testId={`${testId}-issues`} />
      {rows.length === 0 ? <div className="muted small">No parameters: the model calls it with no arguments.</div> : null}
      {rows.map((r, i) => {
        const at = `${base}.properties.${r.name}`;
        const own = issuesFor(issues, at);
        const typeIssues = issuesFor(own, `${at}.type`);
        const descIssues = issuesFor(own, `${at}.description`);
        const rest = own.filter((x) => !typeIssues.includes(x) && !descIssues.includes(x));
        const key = `${base}.properties.#${i}`;
        return (
          <div className="tool-param" key={i} data-testid={`${testId}-${i}`}>
            <div className="irow">
              <KeyField label="Name" testId={`${testId}-${i}-name`} value={r.name} issues={rest} taken={(n) => names.includes(n)} onCommit={(n) => onChange(updateParam(schema, r.name, { name: n }), `${key}.name`)} />
              <SelectField
                label="Type"
                testId={`${testId}-${i}-type`}
                value={r.type}
                options={r.type && !(PARAM_TYPES as readonly string[]).includes(r.type) ? [...PARAM_TYPES, r.type] : PARAM_TYPES}
                issues={typeIssues}
                onChange={(v) => onChange(updateParam(schema, r.name, { type: v }), null)}
              />
            </div>
            <TextField label="Description" testId={`${testId}-${i}-description`} value={r.description} issues={descIssues} onChange={(v) => onChange(updateParam(schema, r.name, { description: v }), `${key}.description`)} />
            <div className="irow">
              <CheckboxField label="Required" testId={`${testId}-${i}-required`} value={r.required} onChange={(v) => onChange(updateParam(schema, r.name, { required: v }), null)} />
              <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove parameter ${r.name}`} data-testid={`${testId}-${i}-remove`} onClick={() => onChange(removeParam(schema, r.name), null)}>
                Remove
              </button>
            </div>
          </div>
        );
      })}
      <button type="button" className="btn btn-sm" data-testid={`${testId}-add`} onClick={() => onChange(addParam(schema, uniqueName("param", names)), null)}>
        + Add parameter
      </button>
    </div>
  );
}

/** An http tool's headers as name/value rows; values may hold `{{argument}}` placeholders. */
export function HeaderList({ headers, base, issues, testId, onChange }: { headers: Record<string, string>; base: string; issues: GraphIssue[]; testId: string; onChange: (next: Record<string, string>, step: string | null) => void }) {
  const entries = Object.entries(headers);
  const names = entries.map(([k]) => k);
  return (
    <div className="tool-params" data-testid={testId}>
      <div className="ifield__label">Headers</div>
      <OtherIssues issues={leftover(issues, base, names.map((n) => `${base}.${n}`))} />
      {entries.map(([name, value], i) => (
        <div className="irow" key={i} data-testid={`${testId}-${i}`}>
          <KeyField label="Header" testId={`${testId}-${i}-name`} value={name} issues={issuesFor(issues, `${base}.${name}`)} taken={(n) => names.includes(n)} onCommit={(n) => onChange(updateHeader(headers, name, { name: n }), `${base}.#${i}.name`)} />
          <TextField label="Value" testId={`${testId}-${i}-value`} mono value={value} onChange={(v) => onChange(updateHeader(headers, name, { value: v }), `${base}.#${i}.value`)} />
          <button type="button" className="btn btn-sm btn-ghost tool-params__remove" aria-label={`Remove header ${name}`} data-testid={`${testId}-${i}-remove`} onClick={() => onChange(Object.fromEntries(entries.filter((_, k) => k !== i)), null)}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-sm" data-testid={`${testId}-add`} onClick={() => onChange({ ...headers, [uniqueName("X-Header", names)]: "" }, null)}>
        + Add header
      </button>
    </div>
  );
}
