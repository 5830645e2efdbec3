/** Details of the selected node: its configuration and, for the run shown, its output/error/tokens. */
import type { GraphNode } from "../../../engine/browser.js";
import { KindIcon } from "../canvas/icons.js";
import { KIND_LABEL, StatusPill } from "../ui.js";
import { formatCost, formatCostExact, formatDuration, pretty } from "../format.js";
import type { NodeRunState } from "../run-state.js";

function configSummary(node: GraphNode): Array<[string, string]> {
  switch (node.kind) {
    case "input":
      return node.config.fields.map((f) => [f.name, `${f.type}${f.required ? "" : " (optional)"}`]);
    case "ai":
      return [
        ["model", `${node.config.provider} / ${node.config.model}`],
        ["temperature", String(node.config.temperature)],
        ["max tokens", String(node.config.maxTokens)],
        ...(node.config.systemPrompt ? ([["system", node.config.systemPrompt]] as Array<[string, string]>) : []),
        ["prompt", node.config.prompt],
      ];
    case "evaluation":
      return [
        ["metric", node.config.metric],
        ["actual", node.config.actual],
        ...(node.config.expected ? ([["expected", node.config.expected]] as Array<[string, string]>) : []),
        ...(node.config.pattern ? ([["pattern", node.config.pattern]] as Array<[string, string]>) : []),
        ["threshold", String(node.config.threshold)],
      ];
    case "router":
      return [["mode", node.config.mode]];
    case "aggregate":
      return [
        ["strategy", node.config.strategy],
        ["sync", node.config.synchronization],
        ["min responses", String(node.config.minResponses)],
      ];
    case "output":
      return Object.entries(node.config.fields ?? {});
    case "optimizer":
      return [];
  }
}

export function NodeInspector({ node, run, onClose }: { node: GraphNode; run?: NodeRunState; onClose: () => void }) {
  const usage = run?.usage;
  return (
    <section className="panel-section inspector" data-testid="node-inspector" data-node-id={node.id}>
      <div className="inspector__head">
        <span className={`inspector__icon kind-${node.kind}`}>
          <KindIcon kind={node.kind} size={18} />
        </span>
        <div className="inspector__titles">
          <div className="inspector__title">{node.label ?? node.id}</div>
          <div className="muted">
            {KIND_LABEL[node.kind]} · <span className="mono">{node.id}</span>
          </div>
        </div>
        <button type="button" className="icon-btn" aria-label="Close inspector" onClick={onClose}>
          ×
        </button>
      </div>
      {node.description ? <p className="muted small">{node.description}</p> : null}

      <dl className="config-list">
        {configSummary(node).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className={v.length > 40 ? "long" : ""}>{v}</dd>
          </div>
        ))}
      </dl>

      <div className="subtle-title">This run</div>
      {!run ? (
        <div className="muted small">Not run yet — start a run to see this node's output.</div>
      ) : (
        <>
          <div className="run-summary__row">
            <StatusPill status={run.status} testId="inspector-status" />
            {run.durationMs != null ? <span className="muted">{formatDuration(run.durationMs)}</span> : null}
            {run.attempts && run.attempts > 1 ? <span className="muted">{run.attempts} attempts</span> : null}
            {run.costUsd ? (
              <span className="muted" title={formatCostExact(run.costUsd)}>
                {formatCost(run.costUsd)}
              </span>
            ) : null}
            {run.reused ? <span className="muted">reused from parent run</span> : null}
          </div>
          {usage ? (
            <dl className="stats" data-testid="inspector-tokens">
              <div>
                <dt>Prompt</dt>
                <dd>{usage.promptTokens}</dd>
              </div>
              <div>
                <dt>Completion</dt>
                <dd>{usage.completionTokens}</dd>
              </div>
              <div>
                <dt>Total</dt>
                <dd>{usage.totalTokens}</dd>
              </div>
            </dl>
          ) : null}
          {run.reason ? <div className="muted small">{run.reason}</div> : null}
          {run.error ? (
            <div className="error-box" data-testid="inspector-error">
              <strong>{run.error.code}</strong> {run.error.message}
            </div>
          ) : null}
          {run.output !== undefined ? (
            <>
              <div className="subtle-title">Output</div>
              <pre className="code" data-testid="inspector-output">
                {pretty(run.output)}
              </pre>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
