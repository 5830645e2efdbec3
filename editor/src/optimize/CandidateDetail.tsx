/** The selected candidate: its parameters and scores, "Save as version", and "Promote" (save and promote in one step, reason inline). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type JSX } from "react";
import { formatCost } from "../format.js";
import { useTRPC } from "../trpc.js";
import { formatNumber, metricValue, summarizeParams, testFigure, type CandidateLike } from "./model.js";
import { PromoteForm } from "./PromoteCandidate.js";

export function CandidateDetail(props: {
  runId: string;
  workflowId: string;
  candidate: CandidateLike;
  test?: CandidateLike;
  objectives: Array<{ metric: string; direction: "max" | "min" }>;
  canEdit: boolean;
  onFront: boolean;
  /** The run's baseline (candidate #0), for the suggested reason. */
  baseline?: CandidateLike;
}): JSX.Element {
  const { runId, candidate, test, objectives, canEdit, onFront, baseline } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const save = useMutation(
    trpc.optimizations.saveCandidate.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.parameters.pathFilter()),
    }),
  );
  const rejected = candidate.status !== "evaluated";
  const summaries = summarizeParams(candidate.params);
  const saved = save.data;
  const versionsLabel = saved?.map((s) => `${s.nodeId} v${s.version}${s.created ? " (new)" : ""}`).join(", ");

  return (
    <section className="opt-detail" data-testid="candidate-detail" data-index={candidate.index} aria-label={`Candidate ${candidate.index}`}>
      <div className="opt-detail__head">
        <strong>Candidate #{candidate.index}</strong>
        <span className="muted small">
          gen {candidate.generation}
          {candidate.parentIds.length ? ` · from #${candidate.parentIds.join(", #")}` : ""}
          {typeof candidate.metrics?.origin === "string" && candidate.metrics.origin ? ` · ${candidate.metrics.origin}` : ""}
        </span>
        <span className={`opt-cstatus opt-cstatus--${candidate.status}`}>{candidate.status}</span>
        {onFront ? <span className="opt-tag">front</span> : null}
      </div>
      {candidate.rejectReason ? <div className="notice-box small">{candidate.status === "failed" ? "Failed" : "Rejected"}: {candidate.rejectReason}</div> : null}

      <dl className="stats opt-scores">
        {objectives.map((o) => (
          <div key={o.metric}>
            <dt>{o.metric}</dt>
            <dd>
              {o.metric === "cost" ? formatCost(metricValue(candidate, o.metric)) || "—" : formatNumber(metricValue(candidate, o.metric))}
              <TestFigure figure={testFigure(test, o.metric)} />
            </dd>
          </div>
        ))}
      </dl>

      {summaries.map((s) => (
        <div key={s.nodeId} className="opt-params">
          <dl className="config-list">
            {summaries.length > 1 ? (
              <div>
                <dt>node</dt>
                <dd className="mono">{s.nodeId}</dd>
              </div>
            ) : null}
            <div>
              <dt>model</dt>
              <dd>
                {s.provider ? `${s.provider} / ` : ""}
                {s.model}
              </dd>
            </div>
            <div>
              <dt>temperature</dt>
              <dd>{s.temperature ?? "—"}</dd>
            </div>
            {s.topP !== undefined && s.topP !== 1 ? (
              <div>
                <dt>top_p</dt>
                <dd>{s.topP}</dd>
              </div>
            ) : null}
            <div>
              <dt>max tokens</dt>
              <dd>{s.maxTokens ?? "—"}</dd>
            </div>
            <div>
              <dt>demos</dt>
              <dd>{s.demos}</dd>
            </div>
          </dl>
          <div className="subtle-title">Instructions (system prompt)</div>
          <pre className="code opt-prompt" data-testid="candidate-system-prompt">
            {s.systemPrompt || "(none)"}
          </pre>
          <div className="subtle-title">Prompt</div>
          <pre className="code opt-prompt">{s.prompt}</pre>
        </div>
      ))}

      <div className="opt-actions">
        <button
          type="button"
          className="btn btn-sm"
          data-testid="save-candidate"
          disabled={!canEdit || rejected || save.isPending}
          title={!canEdit ? "Needs the editor role" : rejected ? "Rejected candidates cannot be saved" : "Save these parameters as a candidate version"}
          onClick={() => save.mutate({ runId, index: candidate.index })}
        >
          {saved ? "Saved" : save.isPending ? "Saving…" : "Save as version"}
        </button>
        {canEdit ? (
          <button
            type="button"
            className="btn btn-sm btn-accent"
            data-testid="promote-candidate"
            disabled={rejected || asking}
            title={rejected ? "Rejected candidates cannot be promoted" : "Save these parameters as a version and point production at it"}
            onClick={() => setAsking(true)}
          >
            Promote
          </button>
        ) : null}
      </div>
      {saved ? (
        <div className="muted small" data-testid="saved-versions">
          Saved as {versionsLabel}.
        </div>
      ) : null}
      {save.error ? <div className="error-box">{save.error.message}</div> : null}

      {asking && canEdit ? <PromoteForm runId={runId} candidate={candidate} baseline={baseline} objectives={objectives} onCancel={() => setAsking(false)} /> : null}
    </section>
  );
}

// A test figure, or "not scored" (never 0) when the re-score was cut short.
function TestFigure({ figure }: { figure: ReturnType<typeof testFigure> }): JSX.Element | null {
  if (!figure) return null;
  if ("notScored" in figure) {
    return (
      <span className="opt-test" title={figure.notScored}>
        {" "}
        test not scored
      </span>
    );
  }
  return (
    <span className="opt-test" title="on the held-out test split">
      {" "}
      test {formatNumber(figure.value)}
    </span>
  );
}
