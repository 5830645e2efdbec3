/** The Input node's fields: the run inputs it declares (name, type, required, description, default). */
import type { GraphIssue, InputNode } from "../../../../engine/browser.js";
import { issuesFor } from "../../document/validation.js";
import { CheckboxField, OtherIssues, SelectField, TextField } from "../fields.js";
import type { Claim, KindProps } from "./types.js";

type Field = InputNode["config"]["fields"][number];
const FIELD_TYPES = ["string", "number", "boolean", "json", "list"] as const;

/** The list of input fields, each editable and removable, and "+ Add field". */
export function InputFields({ node, claim, cfg }: KindProps<"input">) {
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
