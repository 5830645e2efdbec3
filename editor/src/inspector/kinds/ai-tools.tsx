/**
 * The AI node's Tools section: its tools (each a card: kind, name, description, opening into its
 * editor), "+ Expression tool" / "+ HTTP tool", the most tool calls a run makes and the tool-use
 * instructions. Every edit is a document operation (undoable; typing in one field of one tool
 * coalesces into one step, adding or removing a tool is a step of its own).
 */
import { useState } from "react";
import { DEFAULT_MAX_TOOL_CALLS, MAX_TOOL_CALLS_LIMIT, MAX_TOOLS_PER_NODE, type AiNode, type Tool } from "../../../../engine/browser.js";
import { useDocStore } from "../../document/store.js";
import { issuesFor } from "../../document/validation.js";
import { NumberField, OtherIssues, TextArea } from "../fields.js";
import { ToolCard } from "./ai-tool-card.js";
import { isObject, newTool } from "./tool-model.js";
import type { Claim } from "./types.js";
import "./ai-tools.css";

/** Sets one config field of node `nodeId`; `step` names the undo step consecutive edits coalesce into (null: its own step). */
export function useConfigStep(nodeId: string) {
  const store = useDocStore();
  return (field: string, value: unknown, step: string | null) =>
    store.dispatch({ type: "updateNode", id: nodeId, patch: { config: { [field]: value } }, ...(step === null ? {} : { coalesce: `node:${nodeId}:${step}` }) });
}

/** The Tools section of AI node `nodeId`, showing `config` (the node's, or production's for a managed node). */
export function AiToolsSection({ nodeId, config, claim }: { nodeId: string; config: AiNode["config"]; claim: Claim }) {
  const setField = useConfigStep(nodeId);
  // An invalid graph may hold anything here (the engine's issue says what): show what can be shown.
  const tools: Tool[] = Array.isArray(config.tools) ? config.tools.map((t) => (isObject(t) ? t : ({} as Tool))) : [];
  const all = claim("config.tools");
  // Which cards the user opened or closed; by default a card opens when it has an issue.
  const [openAt, setOpenAt] = useState<Record<number, boolean>>({});
  const setTools = (next: Tool[], step: string | null) => setField("tools", next.length ? next : undefined, step);
  const add = (kind: Tool["kind"]) => {
    setTools([...tools, newTool(kind, tools)], null);
    setOpenAt({ ...openAt, [tools.length]: true });
  };
  const remove = (i: number) => {
    setTools(tools.filter((_, k) => k !== i), null);
    // Cards after the removed one move up a place.
    setOpenAt(Object.fromEntries(Object.entries(openAt).flatMap(([k, v]) => (Number(k) === i ? [] : [[Number(k) > i ? Number(k) - 1 : Number(k), v]]))));
  };
  const full = tools.length >= MAX_TOOLS_PER_NODE;
  return (
    <div className="isection tools-section" data-testid="inspector-tools">
      <div className="isection__title">Tools</div>
      <OtherIssues issues={all.filter((x) => !/^config\.tools\.\d+(\.|$)/.test(x.field ?? ""))} testId="inspector-tools-issues" />
      {tools.length === 0 ? <div className="muted small">No tools: the model answers in one completion. Add one to let it call an expression or an HTTP endpoint.</div> : null}
      {tools.map((tool, i) => {
        const issues = issuesFor(all, `config.tools.${i}`);
        return (
          <ToolCard
            key={i}
            tool={tool}
            index={i}
            issues={issues}
            open={openAt[i] ?? issues.length > 0}
            onOpen={(open) => setOpenAt((o) => (o[i] === open ? o : { ...o, [i]: open }))}
            onChange={(next, step) => setTools(tools.map((t, k) => (k === i ? next : t)), step)}
            onRemove={() => remove(i)}
          />
        );
      })}
      <div className="irow">
        <button type="button" className="btn btn-sm" data-testid="inspector-add-expression-tool" disabled={full} onClick={() => add("expression")}>
          + Expression tool
        </button>
        <button type="button" className="btn btn-sm" data-testid="inspector-add-http-tool" disabled={full} onClick={() => add("http")}>
          + HTTP tool
        </button>
      </div>
      <NumberField
        label="Max tool calls per run"
        testId="inspector-max-tool-calls"
        step={1}
        min={1}
        max={MAX_TOOL_CALLS_LIMIT}
        placeholder={String(DEFAULT_MAX_TOOL_CALLS)}
        value={config.maxToolCalls}
        issues={claim("config.maxToolCalls")}
        onChange={(v) => setField("maxToolCalls", v, "config.maxToolCalls")}
      />
      <TextArea
        label="Tool-use instructions"
        testId="inspector-tool-instructions"
        rows={2}
        value={config.toolInstructions}
        issues={claim("config.toolInstructions")}
        hint="Added to the system prompt when the node has tools; tell the model when to use them."
        onChange={(v) => setField("toolInstructions", v || undefined, "config.toolInstructions")}
      />
    </div>
  );
}
