/**
 * What the selected node did in the run shown: status and timings (queued → started →
 * finished), inputs, output, error with its retries, tokens and cost, mapped items' partial
 * results, and "Run from here" for a finished run. The error (or why the node did not run) and
 * the output come first; the node inspector shows this above the configuration once the node has
 * a result in the run shown (see hasNodeResult), below it otherwise.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Graph } from "../../../engine/browser.js";
import { canRun, EDITOR_ROLE_NEEDED, useAuth } from "../auth/context.js";
import { formatClock, formatCost, formatCostExact, formatDuration, formatOffset, pretty, shortId } from "../format.js";
import { isFinished, type NodeRunState, type RunState } from "../run-state.js";
import { useTRPC } from "../trpc.js";
import { StatusPill } from "../ui.js";
import { CopyButton, Elapsed } from "./bits.js";
import { ToolCalls } from "./ToolCalls.js";
import "./runs.css";

export interface NodeRunDetailsProps {
  graph: Graph;
  nodeId: string;
  run: RunState;
  /**
   * Re-runs the shown run from this node (the shell passes useRun's runFrom, which also shows the
   * new run). Without it the component starts the re-run itself; it then appears in the history.
   */
  onRunFromHere?(nodeId: string): void;
  /** State of the shell's re-run (useRun's rerunPending / rerunError), when onRunFromHere is given. */
  rerunPending?: boolean;
  rerunError?: string;
  /** Rendered inside another panel section (the node inspector): no section padding of its own. */
  embedded?: boolean;
  /** Shown above the node's configuration (set off from it). */
  first?: boolean;
}

/** True when the run shown has a result (or a reason it did not run) for the node: the inspector then opens on it. */
export function hasNodeResult(run: RunState, nodeId: string): boolean {
  return run.runId !== null && run.nodes[nodeId] !== undefined;
}

/** At most this many mapped items are listed. */
const MAX_ITEMS = 50;

export function NodeRunDetails({ graph, nodeId, run, onRunFromHere, rerunPending, rerunError, embedded, first }: NodeRunDetailsProps) {
  const node = graph.nodes.find((n) => n.id === nodeId);
  const state = run.nodes[nodeId];
  const finished = run.runId !== null && (isFinished(run.status) || run.settled === true);

  return (
    <section
      className={`${embedded ? "" : "panel-section "}runs-node${first ? " runs-node--first" : ""}`}
      data-testid="node-run-details"
      data-node-id={nodeId}
      data-run-id={run.runId ?? undefined}
      data-position={first ? "first" : "after-config"}
    >
      <div className="runs-titlebar">
        <div className="subtle-title">This run</div>
        {run.runId ? (
          <span className="mono muted small" title={run.runId}>
            {shortId(run.runId)}
          </span>
        ) : null}
      </div>
      {!node ? <div className="muted small">This node is not in the workflow.</div> : null}
      {!run.runId ? (
        <div className="muted small">Not run yet — start a run to see this node's inputs and output.</div>
      ) : !state ? (
        <div className="muted small" data-testid="node-run-none">
          {finished ? "This node did not run in this run." : "Waiting for this node…"}
        </div>
      ) : (
        <NodeState state={state} runStartedTs={run.startedTs} />
      )}
      {run.runId && finished && node ? (
        <RunFromHere runId={run.runId} nodeId={nodeId} onRunFromHere={onRunFromHere} pending={rerunPending} error={rerunError} />
      ) : null}
    </section>
  );
}

function NodeState({ state, runStartedTs }: { state: NodeRunState; runStartedTs?: number }) {
  const usage = state.usage;
  const items = state.items ? Object.entries(state.items).map(([i, v]) => [Number(i), v] as const).sort((a, b) => a[0] - b[0]) : [];
  // What the user looks for first: the error (or why it did not run), then the output; the rest after.
  return (
    <>
      <div className="run-summary__row">
        <StatusPill status={state.status} testId="inspector-status" />
        {state.status === "running" && state.startedTs ? (
          <span className="muted">
            <Elapsed since={state.startedTs} />
          </span>
        ) : state.durationMs != null ? (
          <span className="muted" data-testid="node-run-duration">
            {formatDuration(state.durationMs)}
          </span>
        ) : null}
        {state.attempts && state.attempts > 1 ? <span className="muted">{state.attempts} attempts</span> : null}
        {state.costUsd ? (
          <span className="muted" title={formatCostExact(state.costUsd)} data-testid="node-run-cost">
            {formatCost(state.costUsd)}
          </span>
        ) : null}
        {state.reused ? <span className="badge badge-soft">reused from parent run</span> : null}
      </div>

      {state.error || (state.retries && state.retries.length > 0) ? (
        <div className="error-box runs-error runs-node__error" data-testid="node-run-error" role={state.status === "failed" ? "alert" : undefined}>
          {state.error ? (
            <div data-testid="inspector-error">
              <strong className="mono">{state.error.code}</strong> {state.error.message}
              {state.continued ? <div className="small">The error policy let the run go on.</div> : null}
            </div>
          ) : null}
          {state.retries && state.retries.length > 0 ? (
            <details className="runs-retries" open={state.status === "failed"}>
              <summary>
                {state.retries.length} {state.retries.length === 1 ? "retry" : "retries"}
                {state.attempts ? ` · ${state.attempts} attempts` : ""}
              </summary>
              <ol>
                {state.retries.map((r) => (
                  <li key={`${r.attempt}-${r.ts}`}>
                    attempt {r.attempt}: <span className="mono">{r.error.code}</span> {r.error.message}
                    <span className="muted"> · retried after {formatDuration(r.delayMs)}</span>
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
        </div>
      ) : null}

      {state.reason && !state.error ? (
        <div className={state.status === "skipped" || state.status === "cancelled" ? "runs-node__skipped" : "muted small"} data-testid="node-run-reason">
          {state.status === "skipped" ? "Skipped: " : state.status === "cancelled" ? "Cancelled: " : ""}
          {state.reason}
        </div>
      ) : null}

      {state.output !== undefined ? (
        <Block
          title={state.status === "running" ? "Output so far" : "Output"}
          text={pretty(state.output)}
          testId="inspector-output"
        />
      ) : null}

      <ToolCalls output={state.output} />

      {items.length > 0 ? (
        <details className="runs-items" data-testid="node-run-items" open={state.status === "running"}>
          <summary>
            {items.length} mapped {items.length === 1 ? "item" : "items"}
            {state.status === "running" ? " so far" : ""}
          </summary>
          <ol>
            {items.slice(0, MAX_ITEMS).map(([i, v]) => (
              <li key={i}>
                <span className="mono muted">[{i}]</span> <span className="mono">{oneLine(v)}</span>
              </li>
            ))}
          </ol>
          {items.length > MAX_ITEMS ? <div className="muted small">… and {items.length - MAX_ITEMS} more</div> : null}
        </details>
      ) : state.partials && state.status === "running" ? (
        <div className="muted small">{state.partials} partial results so far</div>
      ) : null}

      {state.input !== undefined ? (
        <Block title="Inputs" text={pretty(state.input)} testId="node-run-inputs" />
      ) : null}

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

      <ol className="runs-timeline" data-testid="node-run-timeline" aria-label="Timings">
        {/* node.queued comes only for a node that waited for a concurrency slot. */}
        {state.queuedTs != null ? <TimelineStep label="queued" ts={state.queuedTs} from={runStartedTs} /> : null}
        {state.startedTs != null || (state.status !== "skipped" && state.status !== "cancelled") ? (
          <TimelineStep label="started" ts={state.startedTs} from={runStartedTs} />
        ) : null}
        <TimelineStep label={finishLabel(state)} ts={state.finishedTs} from={runStartedTs} />
      </ol>
    </>
  );
}

function finishLabel(s: NodeRunState): string {
  switch (s.status) {
    case "failed":
      return "failed";
    case "skipped":
      return "skipped";
    case "cancelled":
      return "cancelled";
    default:
      return "finished";
  }
}

function TimelineStep({ label, ts, from }: { label: string; ts?: number; from?: number }) {
  return (
    <li className={ts != null ? "done" : undefined}>
      <span className="runs-timeline__label">{label}</span>
      <span className="mono" title={ts != null ? new Date(ts).toISOString() : undefined}>
        {ts != null ? formatClock(ts) : "—"}
      </span>
      <span className="muted">{formatOffset(ts, from)}</span>
    </li>
  );
}

function Block({ title, text, testId }: { title: string; text: string; testId: string }) {
  return (
    <div className="runs-block">
      <div className="runs-titlebar">
        <div className="subtle-title">{title}</div>
        <CopyButton text={text} label={`Copy ${title.toLowerCase()}`} />
      </div>
      <pre className="code" data-testid={testId}>
        {text}
      </pre>
    </div>
  );
}

function oneLine(v: unknown): string {
  const s = typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

function RunFromHere({
  runId,
  nodeId,
  onRunFromHere,
  pending,
  error,
}: {
  runId: string;
  nodeId: string;
  onRunFromHere?(nodeId: string): void;
  pending?: boolean;
  error?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user } = useAuth();
  const readOnly = !canRun(user.role);
  const rerun = useMutation(
    trpc.runs.rerun.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries(trpc.runs.list.pathFilter()) }),
  );
  return (
    <div className="runs-rerun">
      <div className="button-row" title={readOnly ? EDITOR_ROLE_NEEDED : "Re-run this run from this node, reusing the outputs upstream of it"}>
        <button
          type="button"
          className="btn btn-sm"
          data-testid="run-from-here"
          disabled={readOnly || rerun.isPending || pending === true}
          onClick={() => (onRunFromHere ? onRunFromHere(nodeId) : rerun.mutate({ runId, fromNodeId: nodeId }))}
        >
          ↻ Run from here
        </button>
      </div>
      {rerun.data ? (
        <div className="muted small" data-testid="run-from-here-started">
          Re-run started: <span className="mono" title={rerun.data.runId}>{shortId(rerun.data.runId)}</span> (see the history)
        </div>
      ) : null}
      {rerun.error || error ? <div className="error-box">{rerun.error?.message ?? error}</div> : null}
    </div>
  );
}
