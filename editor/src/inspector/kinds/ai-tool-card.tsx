/**
 * One tool of an AI node in the inspector: a summary line (kind, name, description) that opens
 * into its editor — name, description, the expression or the http call (method, URL template,
 * headers) and its parameters. Each control shows the engine's issues about its own field.
 */
import type { GraphIssue, Tool, ToolParameters } from "../../../../engine/browser.js";
import { HTTP_TOOL_METHODS } from "../../../../engine/browser.js";
import { issuesFor } from "../../document/validation.js";
import { OtherIssues, SelectField, TextArea, TextField } from "../fields.js";
import { isObject } from "./tool-model.js";
import { HeaderList, leftover, ParamList } from "./tool-params.js";

export interface ToolCardProps {
  tool: Tool;
  index: number;
  /** The node's issues under `config.tools.<index>`. */
  issues: GraphIssue[];
  open: boolean;
  onOpen: (open: boolean) => void;
  /** Replaces the tool; `step` names the undo step consecutive edits coalesce into (null: a step of its own). */
  onChange: (next: Tool, step: string | null) => void;
  onRemove: () => void;
}


export function ToolCard({ tool, index: i, issues, open, onOpen, onChange, onRemove }: ToolCardProps) {
  const base = `config.tools.${i}`;
  const at = (f: string) => issuesFor(issues, `${base}.${f}`);
  const shown = ["name", "description", "parameters", ...(tool.kind === "expression" ? ["expression"] : tool.kind === "http" ? ["method", "url", "headers"] : [])].map((f) => `${base}.${f}`);
  const set = (patch: Partial<Tool>, field: string | null) => onChange({ ...tool, ...patch } as Tool, field === null ? null : `${base}.${field}`);
  const setParams = (parameters: ToolParameters, step: string | null) => onChange({ ...tool, parameters }, step);
  const t = `inspector-tool-${i}`;
  return (
    <details className={`irow-card tool-card${issues.length ? " tool-card--invalid" : ""}`} data-testid={t} data-tool={tool.name} data-kind={tool.kind} open={open} onToggle={(e) => onOpen(e.currentTarget.open)}>
      <summary className="tool-card__summary" data-testid={`${t}-summary`}>
        <span className="badge badge-soft tool-card__kind">{typeof tool.kind === "string" ? tool.kind : "?"}</span>
        <span className="mono tool-card__name">{typeof tool.name === "string" && tool.name ? tool.name : "(unnamed)"}</span>
        {issues.length ? (
          <span className="tool-card__issues" data-testid={`${t}-issue-count`}>
            {issues.length} {issues.length === 1 ? "issue" : "issues"}
          </span>
        ) : null}
        <span className="tool-card__desc muted">{typeof tool.description === "string" && tool.description ? tool.description : "no description yet"}</span>
      </summary>
      <div className="tool-card__body">
        <OtherIssues issues={leftover(issues, base, shown)} testId={`${t}-issues`} />
        <div className="irow">
          <TextField label="Name" testId={`${t}-name`} mono value={tool.name} issues={at("name")} onChange={(v) => set({ name: v }, "name")} />
          {tool.kind === "http" ? (
            <SelectField label="Method" testId={`${t}-method`} value={tool.method} options={HTTP_TOOL_METHODS} issues={at("method")} onChange={(v) => set({ method: v }, null)} />
          ) : null}
        </div>
        <TextArea
          label="Description"
          testId={`${t}-description`}
          rows={2}
          value={tool.description}
          issues={at("description")}
          hint="The model picks tools by it: say what the tool does and when to use it."
          onChange={(v) => set({ description: v }, "description")}
        />
        {tool.kind === "expression" ? (
          <TextField
            label="Expression"
            testId={`${t}-expression`}
            mono
            value={tool.expression}
            issues={at("expression")}
            hint={<>Over the arguments, e.g. {"a * b"}; {"expression|calc"} evaluates the arithmetic the model wrote.</>}
            onChange={(v) => set({ expression: v }, "expression")}
          />
        ) : tool.kind === "http" ? (
          <>
            <TextField
              label="URL template"
              testId={`${t}-url`}
              mono
              value={tool.url}
              issues={at("url")}
              placeholder="https://api.example.com/weather?city={{city}}"
              hint={<>{"{{name}}"} takes an argument (URL-encoded). Private and loopback addresses are refused unless the server allows them.</>}
              onChange={(v) => set({ url: v }, "url")}
            />
            <HeaderList headers={isObject(tool.headers) ? (tool.headers as Record<string, string>) : {}} base={`${base}.headers`} issues={at("headers")} testId={`${t}-header`} onChange={(headers, step) => onChange({ ...tool, headers }, step)} />
          </>
        ) : null}
        <ParamList schema={tool.parameters} base={`${base}.parameters`} issues={at("parameters")} testId={`${t}-param`} onChange={setParams} />
        <div>
          <button type="button" className="btn btn-sm btn-ghost" data-testid={`${t}-remove`} aria-label={`Remove tool ${tool.name}`} onClick={onRemove}>
            Remove tool
          </button>
        </div>
      </div>
    </details>
  );
}
