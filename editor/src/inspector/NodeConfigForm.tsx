/**
 * The configuration form of one node, hand-written per kind (clearer than a generated form for
 * the nested parts) but covering every field of every kind. Each edit is a document operation
 * (undoable; typing into one field coalesces into one step) and each control shows the
 * validation issues whose `field` it owns.
 */
import { useCallback, type ReactNode } from "react";
import type { GraphNode } from "../../../engine/browser.js";
import { useDoc, useDocStore, useValidation } from "../document/store.js";
import { issuesFor, NO_ISSUES } from "../document/validation.js";
import { JsonField, TextArea, TextField } from "./fields.js";
import { IdField } from "./IdField.js";
import { UnclaimedIssues } from "./UnclaimedIssues.js";
import { AggregateFields } from "./kinds/aggregate.js";
import { AiFields } from "./kinds/ai.js";
import { EvaluationFields } from "./kinds/evaluation.js";
import { ExecutionFields } from "./kinds/execution.js";
import { InputFields } from "./kinds/input.js";
import { OutputFields } from "./kinds/output.js";
import { RouterFields } from "./kinds/router.js";
import type { Claim, Setter } from "./kinds/types.js";

type Config = Record<string, unknown>;

/** The form of node `nodeId`: id, name, description, its kind's fields and the execution policy. */
export function NodeConfigForm({ nodeId, readOnly, onRenamed }: { nodeId: string; readOnly: boolean; onRenamed: (id: string) => void }) {
  const store = useDocStore();
  const node = useDoc(useCallback((s) => s.graph.nodes.find((n) => n.id === nodeId), [nodeId]));
  const validation = useValidation();
  if (!node) return null;
  const issues = validation.byNode[node.id] ?? NO_ISSUES;
  const claimed: string[] = [];
  const claim: Claim = (field) => {
    claimed.push(field);
    return issuesFor(issues, field);
  };
  const set: Setter = (patch, field) => store.dispatch({ type: "updateNode", id: node.id, patch, coalesce: `node:${node.id}:${field}` });
  const cfg = (field: string, value: unknown) => set({ config: { [field]: value } }, `config.${field}`);

  const common = (
    <>
      <IdField
        value={node.id}
        issues={claim("id")}
        disabled={readOnly}
        taken={(id) => id !== node.id && store.getState().graph.nodes.some((n) => n.id === id)}
        onCommit={(id) => {
          store.dispatch({ type: "updateNode", id: node.id, patch: { id } });
          onRenamed(id);
        }}
      />
      <TextField label="Name" testId="inspector-label" value={node.label} issues={claim("label")} disabled={readOnly} placeholder={node.id} onChange={(v) => set({ label: v || undefined }, "label")} />
      <TextArea label="Description" testId="inspector-description" rows={2} value={node.description} issues={claim("description")} disabled={readOnly} onChange={(v) => set({ description: v || undefined }, "description")} />
    </>
  );

  let body: ReactNode;
  switch (node.kind) {
    case "input":
      body = <InputFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "ai":
      body = <AiFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "evaluation":
      body = <EvaluationFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "router":
      body = <RouterFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "aggregate":
      body = <AggregateFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "output":
      body = <OutputFields node={node} claim={claim} readOnly={readOnly} cfg={cfg} />;
      break;
    case "optimizer":
      body = (
        <JsonField
          label="Optimizer configuration"
          testId="inspector-optimizer-config"
          rows={14}
          value={node.config}
          issues={claim("config")}
          disabled={readOnly}
          onChange={(v) => replaceConfig(store, node, v)}
        />
      );
      break;
  }

  const policy = <ExecutionFields node={node} claim={claim} readOnly={readOnly} set={set} />;

  return (
    <fieldset className="iform" disabled={readOnly} data-testid="inspector-form" data-kind={node.kind}>
      <legend className="sr-only">Configuration of {node.id}</legend>
      <UnclaimedIssues issues={issues} claimed={claimed} testId="inspector-node-issues" />
      {common}
      {body}
      {policy}
    </fieldset>
  );
}

/** Replaces a node's whole config (the optimizer's JSON editor). */
function replaceConfig(store: ReturnType<typeof useDocStore>, node: GraphNode, value: unknown) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  const clear = Object.fromEntries(Object.keys(node.config).map((k) => [k, undefined]));
  store.dispatch({ type: "updateNode", id: node.id, patch: { config: { ...clear, ...(value as Config) } }, coalesce: `node:${node.id}:config` });
}
