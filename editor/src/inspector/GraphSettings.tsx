/** Workflow-level settings (shown when nothing is selected) and the graph-level issues. */
import { useDoc, useDocStore, useValidation } from "../document/store.js";
import { issuesFor } from "../document/validation.js";
import { NumberField, OtherIssues, TextArea, TextField } from "./fields.js";

const selectMeta = (s: { graph: { id: string; name: string; description?: string; timeoutMs?: number } }) => s.graph;

export function GraphSettings({ readOnly, idEditable }: { readOnly: boolean; idEditable: boolean }) {
  const store = useDocStore();
  const g = useDoc(selectMeta);
  const validation = useValidation();
  const set = (patch: Record<string, unknown>, field: string) => store.dispatch({ type: "updateGraph", patch, coalesce: `graph:${field}` });
  const known = ["id", "name", "description", "timeoutMs"];
  return (
    <section className="panel-section" data-testid="graph-settings">
      <div className="section-title">Workflow</div>
      <fieldset className="iform" disabled={readOnly}>
        <legend className="sr-only">Workflow settings</legend>
        <OtherIssues issues={validation.graph.filter((i) => !known.includes(i.field ?? ""))} testId="graph-issues" />
        <TextField label="Name" testId="graph-name" value={g.name} issues={issuesFor(validation.graph, "name")} onChange={(v) => set({ name: v }, "name")} />
        <TextField label="Id" testId="graph-id" mono value={g.id} disabled={!idEditable || readOnly} issues={issuesFor(validation.graph, "id")} hint={idEditable ? undefined : "Fixed once saved"} onChange={(v) => set({ id: v }, "id")} />
        <TextArea label="Description" testId="graph-description" rows={2} value={g.description} issues={issuesFor(validation.graph, "description")} onChange={(v) => set({ description: v || undefined }, "description")} />
        <NumberField label="Run timeout (ms)" testId="graph-timeout" step={1000} min={1} value={g.timeoutMs} issues={issuesFor(validation.graph, "timeoutMs")} onChange={(v) => set({ timeoutMs: v }, "timeoutMs")} />
      </fieldset>
      <div className="muted small">Drag nodes from the palette onto the canvas, or press Ctrl/⌘ K for commands.</div>
    </section>
  );
}
