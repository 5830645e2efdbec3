/** The node id, edited as a draft and committed on blur or Enter (a rename rewires its edges). */
import { useEffect, useId, useState } from "react";
import type { GraphIssue } from "../../../engine/browser.js";

const ID_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function IdField({ value, issues, disabled, taken, onCommit }: { value: string; issues?: GraphIssue[]; disabled?: boolean; taken: (id: string) => boolean; onCommit: (id: string) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  useEffect(() => {
    setDraft(value);
  }, [value]);
  const local = draft === value ? null : !ID_RE.test(draft) ? "letters, digits, _ or -; starts with a letter or _" : taken(draft) ? `"${draft}" is already used` : null;
  const commit = () => {
    if (draft !== value && !local) onCommit(draft);
    else setDraft(value);
  };
  const invalid = Boolean(local || issues?.length);
  return (
    <div className={`ifield${invalid ? " ifield--invalid" : ""}`}>
      <label className="ifield__label" htmlFor={id}>
        Id
      </label>
      <input
        id={id}
        className="mono"
        data-testid="inspector-id"
        value={draft}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-err` : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          if (e.key === "Escape") setDraft(value);
        }}
      />
      {invalid ? (
        <div className="field__error" id={`${id}-err`} role="alert">
          {local ? <div>{local}</div> : null}
          {issues?.map((i, k) => <div key={k}>{i.message}</div>)}
        </div>
      ) : null}
    </div>
  );
}
