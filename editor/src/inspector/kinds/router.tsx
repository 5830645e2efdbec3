/** The Router node's fields: its mode and its routes (the outgoing edges, with their conditions). */
import { useCallback } from "react";
import { useDoc, useDocStore, useValidation } from "../../document/store.js";
import { issuesFor } from "../../document/validation.js";
import { CheckboxField, SelectField, TextField } from "../fields.js";
import type { KindProps } from "./types.js";

/** Mode and routes; a route's condition or default flag is edited on its edge. */
export function RouterFields({ node, claim, cfg, readOnly }: KindProps<"router">) {
  const store = useDocStore();
  const edges = useDoc(useCallback((s) => s.graph.edges, []));
  const validation = useValidation();
  const routes = edges.filter((e) => e.source === node.id);
  return (
    <div className="isection">
      <div className="isection__title">Routing</div>
      <SelectField label="Mode" testId="inspector-router-mode" value={node.config?.mode ?? "first-match"} options={["first-match", "all-matches"] as const} issues={claim("config.mode")} onChange={(v) => cfg("mode", v)} />
      <div className="isection__title">Routes (outgoing edges, in order)</div>
      {routes.length === 0 ? <div className="muted small">Connect the router to the nodes it chooses between.</div> : null}
      {routes.map((e) => (
        <div className="irow-card" key={e.id} data-testid={`inspector-route-${e.id}`}>
          <div className="small">
            → <span className="mono">{e.target}</span> <span className="muted">({e.kind})</span>
          </div>
          {e.kind === "conditional" ? (
            <>
              <CheckboxField
                label="Default route"
                value={e.default ?? false}
                disabled={readOnly}
                onChange={(v) => store.dispatch({ type: "updateEdge", edgeId: e.id, patch: v ? { default: true, condition: undefined } : { default: false, condition: "true" } })}
              />
              {!e.default ? (
                <TextField
                  label="Condition"
                  mono
                  value={e.condition}
                  disabled={readOnly}
                  issues={issuesFor(validation.byEdge[e.id], "condition")}
                  onChange={(v) => store.dispatch({ type: "updateEdge", edgeId: e.id, patch: { condition: v || undefined }, coalesce: `edge:${e.id}:condition` })}
                />
              ) : null}
            </>
          ) : (
            <button type="button" className="btn btn-sm" disabled={readOnly} onClick={() => store.dispatch({ type: "setEdgeKind", edgeId: e.id, kind: "conditional" })}>
              Make conditional
            </button>
          )}
        </div>
      ))}
    </div>
  );
}
