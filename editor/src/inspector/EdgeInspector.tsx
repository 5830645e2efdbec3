/** The selected edge: its kind and the kind's fields (condition / default, concurrency / map). */
import { useCallback } from "react";
import { EDGE_KINDS, type EdgeKind } from "../../../engine/browser.js";
import { useDoc, useDocStore, useValidation } from "../document/store.js";
import { issuesFor, NO_ISSUES } from "../document/validation.js";
import { CheckboxField, NumberField, OtherIssues, SelectField, TextField } from "./fields.js";

export function EdgeInspector({ edgeId, readOnly }: { edgeId: string; readOnly: boolean }) {
  const store = useDocStore();
  const edge = useDoc(useCallback((s) => s.graph.edges.find((e) => e.id === edgeId), [edgeId]));
  const validation = useValidation();
  if (!edge) return null;
  const issues = validation.byEdge[edge.id] ?? NO_ISSUES;
  const known = ["kind", "label", "condition", "default", "maxConcurrency", "map"];
  const others = issues.filter((i) => !known.includes(i.field ?? ""));
  const patch = (p: Record<string, unknown>, field: string) => store.dispatch({ type: "updateEdge", edgeId: edge.id, patch: p, coalesce: `edge:${edge.id}:${field}` });
  return (
    <section className="panel-section inspector" data-testid="edge-inspector" data-edge-id={edge.id}>
      <div className="inspector__head">
        <div className="inspector__titles">
          <div className="inspector__title">Edge</div>
          <div className="muted mono small">
            {edge.source} → {edge.target}
          </div>
        </div>
        <button
          type="button"
          className="btn btn-sm btn-ghost"
          disabled={readOnly}
          data-testid="edge-delete"
          onClick={() => store.dispatch({ type: "removeElements", nodeIds: [], edgeIds: [edge.id] })}
        >
          Delete
        </button>
      </div>
      <fieldset className="iform" disabled={readOnly}>
        <legend className="sr-only">Edge {edge.id}</legend>
        <OtherIssues issues={others} />
        <SelectField
          label="Kind"
          testId="inspector-edge-kind"
          value={edge.kind}
          options={EDGE_KINDS}
          issues={issuesFor(issues, "kind")}
          onChange={(k) => store.dispatch({ type: "setEdgeKind", edgeId: edge.id, kind: k as EdgeKind })}
        />
        <TextField label="Label" testId="inspector-edge-label" value={edge.label} issues={issuesFor(issues, "label")} onChange={(v) => patch({ label: v || undefined }, "label")} />
        {edge.kind === "conditional" ? (
          <>
            <CheckboxField
              label="Default route (taken when nothing matched)"
              testId="inspector-edge-default"
              value={edge.default ?? false}
              issues={issuesFor(issues, "default")}
              onChange={(v) => store.dispatch({ type: "updateEdge", edgeId: edge.id, patch: v ? { default: true, condition: undefined } : { default: false, condition: "true" } })}
            />
            {!edge.default ? (
              <TextField
                label="Condition (guard expression)"
                testId="inspector-edge-condition"
                mono
                value={edge.condition}
                placeholder='input.type == "text"'
                issues={issuesFor(issues, "condition")}
                hint="Jexl: input, inputs, nodes; transforms lower, upper, trim, length, number, contains"
                onChange={(v) => patch({ condition: v || undefined }, "condition")}
              />
            ) : null}
          </>
        ) : null}
        {edge.kind === "parallel" ? (
          <>
            <NumberField label="Max concurrency" testId="inspector-edge-concurrency" step={1} min={1} max={1024} value={edge.maxConcurrency} issues={issuesFor(issues, "maxConcurrency")} onChange={(v) => patch({ maxConcurrency: v ?? 4 }, "maxConcurrency")} />
            <TextField label="Map over (path of a list in the source output)" testId="inspector-edge-map" mono value={edge.map} placeholder="json.items" issues={issuesFor(issues, "map")} onChange={(v) => patch({ map: v || undefined }, "map")} />
          </>
        ) : null}
      </fieldset>
    </section>
  );
}
