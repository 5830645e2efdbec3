/**
 * The inspector's note on a managed AI node: "production vN" runs (the fields show its values),
 * an unsaved edit will become a draft, a saved edit is draft vM — with "Run with this draft"
 * (a run whose node uses vM, nothing else changes) and "Promote…" (the reason dialog).
 */
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { Graph } from "../../../engine/browser.js";
import { selectGraph, useDoc } from "../document/store.js";
import { canRun, useAuth } from "../auth/context.js";
import { inputFieldsOf, toInputs, withRemembered } from "../runs/input-form.js";
import { loadRememberedInputs } from "../runs/input-store.js";
import { useTRPC } from "../trpc.js";
import { fieldList, managedView, type ManagedView } from "./effective.js";
import { useEffectiveNode, useManagedRunContext } from "./effective-store.js";
import { errorText } from "./errors.js";
import { MoveDialog } from "./MoveDialog.js";
import "./parameters.css";

/**
 * The inputs "run with this draft" uses: the run form's (remembered) values when they are
 * complete, else the inputs of the run shown; null when neither gives any.
 */
export function draftRunInputs(graph: Graph, workflowId: string, shown?: Record<string, unknown>): Record<string, unknown> | null {
  const fields = inputFieldsOf(graph);
  const form = toInputs(fields, withRemembered(fields, loadRememberedInputs(workflowId)));
  if (form.ok && (fields.length === 0 || Object.keys(form.inputs).length > 0)) return form.inputs;
  return shown ?? null;
}

/** The inspector's view of an AI node's fields: null for an unmanaged node (shown as today). */
export function useManagedView(node: { id: string; config: object }): ManagedView | null {
  const eff = useEffectiveNode(node.id);
  return useMemo(() => managedView(node.config as Record<string, unknown>, eff), [node.config, eff]);
}

export function ManagedBanner({ nodeId, view }: { nodeId: string; view: ManagedView }) {
  const trpc = useTRPC();
  const graph = useDoc(selectGraph);
  const { user } = useAuth();
  const ctx = useManagedRunContext();
  const [promoting, setPromoting] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [ran, setRan] = useState<number | null>(null);
  const start = useMutation(trpc.runs.start.mutationOptions());
  const editable = canRun(user.role);
  const { version, unsaved, draft } = view;

  const runDraft = (draftVersion: number) => {
    if (!ctx) return;
    const inputs = draftRunInputs(graph, ctx.workflowId, ctx.runInputs);
    if (!inputs) {
      setNote("Fill in the run form first: the draft run uses its inputs.");
      return;
    }
    setNote(null);
    start.mutate(
      { workflowId: ctx.workflowId, inputs, parameterVersions: { [nodeId]: draftVersion } },
      {
        onSuccess: ({ runId }) => {
          setRan(draftVersion);
          ctx.showRun(runId);
        },
      },
    );
  };

  return (
    <div className="managed-banner" role="note" data-testid="managed-banner" data-production={version} data-draft={draft?.version ?? ""}>
      <div className="managed-banner__head">
        <span className="managed-badge" data-testid="managed-marker">
          production v{version}
        </span>
        <span className="managed-banner__text">These fields show what runs: production v{version}, not the graph&apos;s own values.</span>
      </div>
      {unsaved.length > 0 ? (
        <div className="managed-banner__edit" data-testid="managed-unsaved">
          Your edit of {fieldList(unsaved)} becomes a <strong>draft</strong> when saved; production keeps running v{version}.
        </div>
      ) : draft ? (
        <div className="managed-banner__edit" data-testid="managed-draft">
          <span>
            <strong>Draft v{draft.version}</strong> from your edit of {fieldList(draft.fields)} — not in production yet.
          </span>
          {editable && ctx ? (
            <span className="managed-banner__actions">
              <button type="button" className="btn btn-sm" data-testid="run-draft" disabled={start.isPending} onClick={() => runDraft(draft.version)}>
                {start.isPending ? "Starting…" : `Run with draft v${draft.version}`}
              </button>
              <button type="button" className="btn btn-sm btn-primary" data-testid="promote-draft" onClick={() => setPromoting(true)}>
                Promote…
              </button>
            </span>
          ) : null}
        </div>
      ) : null}
      {note || start.error ? (
        <div className="pp-field-error" role="alert" data-testid="managed-error">
          {note ?? errorText(start.error)}
        </div>
      ) : null}
      {ran !== null && ran === draft?.version && !start.isPending ? (
        <div className="muted small" data-testid="draft-run-started">
          Started a run with draft v{ran} for {nodeId}; other nodes use production.
        </div>
      ) : null}
      {promoting && draft && ctx ? (
        <MoveDialog workflowId={ctx.workflowId} nodeId={nodeId} move={{ kind: "promote", version: draft.version }} production={version} targets={[]} undoTarget={null} onClose={() => setPromoting(false)} />
      ) : null}
    </div>
  );
}
