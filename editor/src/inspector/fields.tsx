/** Form controls for the inspector, each showing the validation issues that concern its field. */
import { useEffect, useId, useState, type ReactNode } from "react";
import type { GraphIssue } from "../../../engine/browser.js";

interface Base {
  label: string;
  testId?: string;
  issues?: GraphIssue[];
  hint?: ReactNode;
  disabled?: boolean;
}

function Issues({ id, issues, extra }: { id: string; issues?: GraphIssue[]; extra?: string | null }) {
  if (!issues?.length && !extra) return null;
  return (
    <div className="field__error" id={id} role="alert">
      {extra ? <div>{extra}</div> : null}
      {issues?.map((i, k) => <div key={k}>{i.message}</div>)}
    </div>
  );
}

/** What every control carries: its id, test id, disabled state, and the link to its error text. */
function controlProps(id: string, p: Base, invalid: boolean) {
  return {
    id,
    "data-testid": p.testId,
    disabled: p.disabled,
    "aria-invalid": invalid || undefined,
    "aria-describedby": invalid ? `${id}-err` : undefined,
  };
}

function Shell({ label, htmlFor, issues, errId, extra, hint, children, inline }: { label: string; htmlFor: string; issues?: GraphIssue[]; errId: string; extra?: string | null; hint?: ReactNode; children: ReactNode; inline?: boolean }) {
  return (
    <div className={`ifield${issues?.length || extra ? " ifield--invalid" : ""}${inline ? " ifield--inline" : ""}`}>
      <label className="ifield__label" htmlFor={htmlFor}>
        {label}
      </label>
      {children}
      {hint ? <div className="ifield__hint">{hint}</div> : null}
      <Issues id={errId} issues={issues} extra={extra} />
    </div>
  );
}

export function TextField(p: Base & { value: string | undefined; onChange: (v: string) => void; placeholder?: string; mono?: boolean; list?: string; onBlur?: () => void }) {
  const id = useId();
  const err = `${id}-err`;
  const invalid = Boolean(p.issues?.length);
  return (
    <Shell label={p.label} htmlFor={id} issues={p.issues} errId={err} hint={p.hint}>
      <input
        {...controlProps(id, p, invalid)}
        type="text"
        className={p.mono ? "mono" : undefined}
        value={p.value ?? ""}
        placeholder={p.placeholder}
        list={p.list}
        onChange={(e) => p.onChange(e.target.value)}
        onBlur={p.onBlur}
      />
    </Shell>
  );
}

export function TextArea(p: Base & { value: string | undefined; onChange: (v: string) => void; rows?: number; placeholder?: string; mono?: boolean }) {
  const id = useId();
  const err = `${id}-err`;
  const invalid = Boolean(p.issues?.length);
  return (
    <Shell label={p.label} htmlFor={id} issues={p.issues} errId={err} hint={p.hint}>
      <textarea
        {...controlProps(id, p, invalid)}
        rows={p.rows ?? 3}
        className={p.mono ? "mono" : undefined}
        value={p.value ?? ""}
        placeholder={p.placeholder}
        onChange={(e) => p.onChange(e.target.value)}
      />
    </Shell>
  );
}

/** A number input; an empty box means "not set" (undefined). Unparseable text stays local. */
export function NumberField(p: Base & { value: number | undefined; onChange: (v: number | undefined) => void; step?: number; min?: number; max?: number; placeholder?: string }) {
  const id = useId();
  const err = `${id}-err`;
  const [draft, setDraft] = useState(p.value === undefined ? "" : String(p.value));
  useEffect(() => {
    setDraft((d) => (d.trim() !== "" && Number(d) === p.value ? d : p.value === undefined ? "" : String(p.value)));
  }, [p.value]);
  const local = draft.trim() !== "" && !Number.isFinite(Number(draft)) ? "not a number" : null;
  const invalid = Boolean(p.issues?.length || local);
  return (
    <Shell label={p.label} htmlFor={id} issues={p.issues} errId={err} extra={local} hint={p.hint}>
      <input
        {...controlProps(id, p, invalid)}
        type="number"
        step={p.step ?? "any"}
        min={p.min}
        max={p.max}
        value={draft}
        placeholder={p.placeholder}
        onChange={(e) => {
          const t = e.target.value;
          setDraft(t);
          if (t.trim() === "") p.onChange(undefined);
          else if (Number.isFinite(Number(t))) p.onChange(Number(t));
        }}
      />
    </Shell>
  );
}

export function SelectField<T extends string>(p: Base & { value: T | undefined; options: readonly T[]; onChange: (v: T) => void; allowEmpty?: boolean }) {
  const id = useId();
  const err = `${id}-err`;
  const invalid = Boolean(p.issues?.length);
  return (
    <Shell label={p.label} htmlFor={id} issues={p.issues} errId={err} hint={p.hint}>
      <select
        {...controlProps(id, p, invalid)}
        value={p.value ?? ""}
        onChange={(e) => p.onChange(e.target.value as T)}
      >
        {p.allowEmpty || p.value === undefined ? <option value="">—</option> : null}
        {p.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </Shell>
  );
}

export function CheckboxField(p: Base & { value: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  const err = `${id}-err`;
  return (
    <Shell label={p.label} htmlFor={id} issues={p.issues} errId={err} hint={p.hint} inline>
      <input id={id} type="checkbox" data-testid={p.testId} checked={p.value} disabled={p.disabled} onChange={(e) => p.onChange(e.target.checked)} />
    </Shell>
  );
}

/** A JSON value edited as text; parse errors stay local until the text parses. */
export function JsonField(p: Base & { value: unknown; onChange: (v: unknown) => void; rows?: number }) {
  const id = useId();
  const err = `${id}-err`;
  const show = (v: unknown) => (v === undefined ? "" : JSON.stringify(v, null, 2));
  const [draft, setDraft] = useState(() => show(p.value));
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => {
    setDraft((d) => {
      try {
        if (d.trim() && JSON.stringify(JSON.parse(d)) === JSON.stringify(p.value)) return d;
      } catch {
        /* replaced below */
      }
      return show(p.value);
    });
    setParseError(null);
  }, [p.value]);
  const invalid = Boolean(p.issues?.length || parseError);
  return (
    <Shell label={p.label} htmlFor={id} issues={p.issues} errId={err} extra={parseError} hint={p.hint}>
      <textarea
        {...controlProps(id, p, invalid)}
        rows={p.rows ?? 4}
        className="mono"
        value={draft}
        onChange={(e) => {
          const t = e.target.value;
          setDraft(t);
          if (!t.trim()) {
            setParseError(null);
            p.onChange(undefined);
            return;
          }
          try {
            const v = JSON.parse(t) as unknown;
            setParseError(null);
            p.onChange(v);
          } catch (x) {
            setParseError(`not valid JSON: ${(x as Error).message}`);
          }
        }}
      />
    </Shell>
  );
}

/** Issues not claimed by any field shown, listed at the top of a form. */
export function OtherIssues({ issues, testId }: { issues: GraphIssue[]; testId?: string }) {
  if (!issues.length) return null;
  return (
    <div className="error-box small" role="alert" data-testid={testId}>
      {issues.map((i, k) => (
        <div key={k}>
          {i.field ? <span className="mono">{i.field}: </span> : null}
          {i.message}
        </div>
      ))}
    </div>
  );
}
