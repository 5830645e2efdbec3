/**
 * The tool calls of an AI node execution (its output's `toolCalls`, recorded by engine/tools/loop.ts):
 * one compact row per call with the tool, its arguments, the result or error and how long it took,
 * and the recorded stop when the node hit its maxToolCalls.
 */
import { formatDuration } from "../format.js";

/** One call as the AI node's output records it. */
export interface ToolCallView {
  id: string;
  tool: string;
  arguments?: unknown;
  result?: unknown;
  error?: string;
  durationMs?: number;
  truncated?: boolean;
}

/** The tool calls and stop note of a node output, when it has any. */
export function toolCallsOf(output: unknown): { calls: ToolCallView[]; stop?: string } | undefined {
  if (!output || typeof output !== "object") return undefined;
  const o = output as { toolCalls?: unknown; toolStop?: unknown };
  if (!Array.isArray(o.toolCalls)) return undefined;
  const calls = o.toolCalls.filter((c): c is ToolCallView => !!c && typeof c === "object" && typeof (c as ToolCallView).tool === "string");
  return { calls, ...(typeof o.toolStop === "string" ? { stop: o.toolStop } : {}) };
}

/** At most this many calls are listed. */
const MAX_CALLS = 50;

function short(v: unknown, max = 160): string {
  const s = typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function ToolCalls({ output }: { output: unknown }) {
  const found = toolCallsOf(output);
  if (!found || (found.calls.length === 0 && !found.stop)) return null;
  const { calls, stop } = found;
  const failed = calls.filter((c) => c.error !== undefined).length;
  return (
    <details className="runs-items runs-tools" data-testid="node-run-tools" open>
      <summary>
        {calls.length} tool {calls.length === 1 ? "call" : "calls"}
        {failed ? ` · ${failed} failed` : ""}
      </summary>
      <ol>
        {calls.slice(0, MAX_CALLS).map((c, i) => (
          <li key={`${c.id}-${i}`} data-testid="tool-call" data-tool={c.tool} data-status={c.error !== undefined ? "error" : "ok"}>
            <span className="mono">{c.tool}</span>
            <span className="mono muted">({short(c.arguments ?? {}, 120)})</span>
            {c.durationMs !== undefined ? <span className="muted"> · {formatDuration(c.durationMs)}</span> : null}
            <div className={c.error !== undefined ? "runs-tools__error small" : "mono small"} data-testid="tool-call-result">
              {c.error !== undefined ? `Error: ${c.error}` : `→ ${short(c.result)}`}
              {c.truncated ? <span className="muted"> (truncated)</span> : null}
            </div>
          </li>
        ))}
      </ol>
      {calls.length > MAX_CALLS ? <div className="muted small">… and {calls.length - MAX_CALLS} more</div> : null}
      {stop ? (
        <div className="runs-node__skipped" data-testid="tool-stop" role="note">
          {stop}
        </div>
      ) : null}
    </details>
  );
}
