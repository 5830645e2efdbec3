/** The Output node's fields: the mapping of output names to templates. */
import { OtherIssues, TextField } from "../fields.js";
import type { KindProps } from "./types.js";

/** The output mapping, each entry editable and removable, and "+ Add output field". */
export function OutputFields({ node, claim, cfg }: KindProps<"output">) {
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
