/** The Optimize dialog's small form controls: a fieldset section, a labelled field, number, range and toggle inputs. */
import { useId, type ReactNode } from "react";

/** A titled fieldset. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="opt-section">
      <legend className="section-title">{title}</legend>
      {children}
    </fieldset>
  );
}

/** A labelled control (the child gets the label's id) with its error below. */
export function Field({ label, error, children }: { label: string; error?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className={`opt-field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {error ? <div className="opt-field-error">{error}</div> : null}
    </div>
  );
}

/** A number input as a Field (kept as typed text). */
export function NumField(props: { label: string; field: string; value: string; onChange: (v: string) => void; error?: string; placeholder?: string; step?: string; testId?: string }) {
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

/** A min–max pair of number inputs. */
export function Range(props: { label: string; error?: string; min: string; max: string; onMin: (v: string) => void; onMax: (v: string) => void; step: string }) {
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

/** A checkbox that reveals its settings when on. */
export function Toggle({ label, checked, onChange, children, testId }: { label: string; checked: boolean; onChange: (v: boolean) => void; children?: ReactNode; testId?: string }) {
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
