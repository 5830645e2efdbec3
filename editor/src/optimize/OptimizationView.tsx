/**
 * The live view of one optimization: status and progress (the `optimizations.progress`
 * subscription, resume-safe, plus `optimizations.get`), the best-score chart, the Pareto plot,
 * the candidate table, the lineage graph, cancel/resume, and the selected candidate.
 */
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useMemo, useRef, useState, type JSX } from "react";
import { formatCost, formatDuration, formatTokens } from "../format.js";
import { useAuth } from "../auth/context.js";
import { isUnauthorized, useTRPC, useTRPCClient, type RouterOutputs } from "../trpc.js";
import { useEscape } from "../shell/useEscape.js";
import { CandidateDetail } from "./CandidateDetail.js";
import { CandidateTable } from "./CandidateTable.js";
import { BestScoreChart, LineageView, ParetoPlot } from "./charts.js";
import { paretoFront2D, plotPoints, validationCandidates, type CandidateLike, type Direction } from "./model.js";
import { STRATEGY_INFO } from "./config-form.js";
import "./optimize.css";

// Each item of the stream is tracked: `{ id: seq, data: event }`.
type Progress = (RouterOutputs["optimizations"]["progress"] extends AsyncIterable<infer T> ? T : never)["data"];
type RunRecord = RouterOutputs["optimizations"]["get"];

interface RunConfig {
  strategy?: keyof typeof STRATEGY_INFO;
  objectives?: Array<{ metric: string; direction: Direction }>;
  limits?: { maxCandidates?: number; budgetTokens?: number; budgetCostUsd?: number; maxTimeMs?: number };
}

const TERMINAL = new Set(["completed", "failed", "cancelled", "interrupted"]);

/** status → the editor's status-pill colour class. */
const PILL: Record<string, string> = { running: "running", completed: "succeeded", failed: "failed", cancelled: "cancelled", interrupted: "paused" };

export function OptimizationStatusPill({ status, testId }: { status: string; testId?: string }) {
  return (
    <span className={`status-pill status-${PILL[status] ?? "pending"}`} data-testid={testId} data-status={status}>
      <span className="status-dot" />
      {status}
    </span>
  );
}

/** Every candidate of a run (all splits), read page by page. */
function useAllCandidates(runId: string, live: boolean) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  return useQuery({
    queryKey: [...trpc.optimizations.candidates.queryKey({ runId }), "all"],
    queryFn: async ({ signal }) => {
      const out: CandidateLike[] = [];
      let cursor: number | undefined;
      do {
        const page = await client.optimizations.candidates.query({ runId, limit: 500, cursor }, { signal });
        out.push(...(page.candidates as unknown as CandidateLike[]));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return out;
    },
    refetchInterval: live ? 3000 : false,
    placeholderData: (prev) => prev,
  });
}

export function OptimizationView({ runId, workflowId, onClose }: { runId: string; workflowId: string; onClose?: () => void }): JSX.Element {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user, expired } = useAuth();
  const canEdit = user.role !== "viewer";
  const run = useQuery(trpc.optimizations.get.queryOptions({ runId }));
  const [progress, setProgress] = useState<Progress | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [expanded, setExpanded] = useState(false);
  const [now, setNow] = useState(() => Date.now());

  const status = progress?.status ?? run.data?.status;
  const live = status === "running";
  const candidates = useAllCandidates(runId, live);

  // Candidate events refresh the candidates (throttled) so the charts grow as they arrive.
  const lastRefresh = useRef(0);
  const pendingRefresh = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshCandidates = () => {
    const wait = Math.max(0, 700 - (Date.now() - lastRefresh.current));
    if (pendingRefresh.current) return;
    pendingRefresh.current = setTimeout(() => {
      pendingRefresh.current = null;
      lastRefresh.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: [...trpc.optimizations.candidates.queryKey({ runId }), "all"] });
    }, wait);
  };
  useEffect(
    () => () => {
      if (pendingRefresh.current) clearTimeout(pendingRefresh.current);
    },
    [],
  );

  // Subscribed while the run is (or may be) running; the link resumes after the last seq it saw.
  const subscribed = run.data !== undefined && (run.data.status === "running" || (progress !== null && !TERMINAL.has(progress.status)));
  const stream = useSubscription(
    trpc.optimizations.progress.subscriptionOptions(subscribed ? { runId } : skipToken, {
      onData: ({ data: event }) => {
        setProgress(event);
        if (event.type === "candidate") refreshCandidates();
        if (event.type === "status") {
          void queryClient.invalidateQueries(trpc.optimizations.get.queryFilter({ runId }));
          void queryClient.invalidateQueries(trpc.optimizations.list.queryFilter());
          refreshCandidates();
          if (event.status === "completed") void queryClient.invalidateQueries(trpc.parameters.pathFilter());
        }
      },
      onError: (err) => {
        if (isUnauthorized(err)) expired();
      },
    }),
  );

  // A run that ends (seen by the stream or by a refetch) refreshes the list of optimizations.
  const prevStatus = useRef(status);
  useEffect(() => {
    if (prevStatus.current === status) return;
    prevStatus.current = status;
    if (status && TERMINAL.has(status)) void queryClient.invalidateQueries(trpc.optimizations.list.queryFilter());
  }, [status, queryClient, trpc]);

  // The elapsed time ticks while running.
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [live]);

  const cancel = useMutation(
    trpc.optimizations.cancel.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.optimizations.get.queryFilter({ runId })),
    }),
  );
  const resume = useMutation(
    trpc.optimizations.resume.mutationOptions({
      onSuccess: () => {
        setProgress(null);
        void queryClient.invalidateQueries(trpc.optimizations.get.queryFilter({ runId }));
        void queryClient.invalidateQueries(trpc.optimizations.list.queryFilter());
      },
    }),
  );

  // Escape leaves the expanded view.
  useEscape(() => setExpanded(false), expanded);

  const record = run.data as RunRecord | undefined;
  const config = (record?.config ?? {}) as RunConfig;
  const objectives = config.objectives ?? [];
  const all = candidates.data ?? [];
  const validation = useMemo(() => validationCandidates(all), [all]);
  const testByIndex = useMemo(() => new Map(all.filter((c) => c.split === "test").map((c) => [c.index, c])), [all]);
  const qualityMetrics = objectives.filter((o) => !["tokens", "latency", "cost"].includes(o.metric)).map((o) => o.metric);
  const directions = Object.fromEntries(objectives.map((o) => [o.metric, o.direction])) as Record<string, Direction>;
  const primary = objectives[0] ?? { metric: "passRate", direction: "max" as const };
  const quality = qualityMetrics[0] ?? "passRate";
  const front = useMemo(() => paretoFront2D(plotPoints(validation, quality, "tokens"), directions[quality] ?? "max"), [validation, quality, directions]);
  const maxCandidates = progress?.maxCandidates || config.limits?.maxCandidates || 0;
  const done = progress?.candidates ?? validation.length;
  const spentTokens = progress?.spend.tokens ?? record?.tokensSpent ?? 0;
  const spentCost = progress?.spend.costUsd ?? record?.costSpent ?? 0;
  const startedAt = record ? new Date(record.startedAt as unknown as string).getTime() : undefined;
  const finishedAt = record?.finishedAt && !live ? new Date(record.finishedAt as unknown as string).getTime() : undefined;
  const elapsed = startedAt !== undefined ? (finishedAt ?? now) - startedAt : undefined;
  // While running, the stream's best so far; once finished, the run's reported best (the front member best on the first objective).
  const stored = record?.best as { index: number; validation?: Record<string, number> } | undefined;
  const best = live || !stored ? (progress?.best ?? stored) : stored;
  const bestValue = live || !stored ? (progress?.best?.objectives[primary.metric] ?? stored?.validation?.[primary.metric]) : stored.validation?.[primary.metric];
  const selectedCandidate = validation.find((c) => c.index === selected);
  const error = progress?.error ?? record?.error?.message;

  // Select the best candidate once one is known and nothing is selected.
  useEffect(() => {
    if (selected === null && !live && best && validation.some((c) => c.index === best.index)) setSelected(best.index);
  }, [selected, live, best, validation]);

  if (run.error) return <div className="error-box">{run.error.message}</div>;
  if (!record) return <div className="muted small pad">Loading optimization…</div>;

  return (
    <section className={`opt-live${expanded ? " is-expanded" : ""}`} data-testid="optimization-view" data-run-id={runId} aria-label="Optimization">
      {expanded ? <div className="opt-live__scrim" onClick={() => setExpanded(false)} /> : null}
      <div className="opt-live__inner">
        <header className="opt-live__head">
          <OptimizationStatusPill status={status ?? "running"} testId="optimization-status" />
          <span className="opt-live__title">
            {STRATEGY_INFO[config.strategy ?? "random"]?.label ?? config.strategy} · <span className="mono">{record.targetNodeIds.join(", ")}</span>
          </span>
          <span className="opt-live__tools">
            {live ? (
              <button type="button" className="btn btn-sm" data-testid="optimization-cancel" disabled={!canEdit || cancel.isPending} onClick={() => cancel.mutate({ runId })}>
                Cancel
              </button>
            ) : status === "cancelled" || status === "interrupted" || (status === "failed" && resumableFailure(record.error?.code)) ? (
              <button type="button" className="btn btn-sm" data-testid="optimization-resume" disabled={!canEdit || resume.isPending} onClick={() => resume.mutate({ runId })}>
                Resume
              </button>
            ) : null}
            <button type="button" className="btn btn-sm" aria-pressed={expanded} onClick={() => setExpanded((e) => !e)} data-testid="optimization-expand">
              {expanded ? "Collapse" : "Expand"}
            </button>
            {onClose ? (
              <button type="button" className="icon-btn" aria-label="Close optimization" onClick={onClose}>
                ×
              </button>
            ) : null}
          </span>
        </header>
        {error && status !== "completed" ? <div className="error-box small">{error}</div> : null}
        {status === "completed" && record.stopReason ? (
          <div className={record.budgetExhausted ? "notice-box small" : "muted small"} data-testid="optimization-stop-reason">
            Stopped: {record.stopReason}
          </div>
        ) : null}
        {cancel.error ? <div className="error-box small">{cancel.error.message}</div> : null}
        {resume.error ? <div className="error-box small">{resume.error.message}</div> : null}
        {stream.status === "connecting" && live ? <div className="muted small">Connecting to live progress…</div> : null}

        <div className="opt-progress" data-testid="optimization-progress" data-done={done} data-max={maxCandidates}>
          <div className="opt-bar" role="progressbar" aria-label="Candidates evaluated" aria-valuemin={0} aria-valuemax={maxCandidates || undefined} aria-valuenow={done}>
            <span style={{ width: `${maxCandidates ? Math.min(100, (done / maxCandidates) * 100) : 0}%` }} />
          </div>
          <dl className="stats">
            <div>
              <dt>Candidates</dt>
              <dd>
                {done}
                <span className="opt-budget">of {maxCandidates || "—"}</span>
              </dd>
            </div>
            <div>
              <dt>Best {primary.metric}</dt>
              <dd>{bestValue !== undefined ? Number(bestValue.toPrecision(3)) : "—"}</dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd title={config.limits?.budgetTokens ? `budget ${config.limits.budgetTokens}` : "no token budget"}>
                {formatTokens(spentTokens)}
                {config.limits?.budgetTokens ? <span className="opt-budget">of {formatTokens(config.limits.budgetTokens)}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd>
                {formatCost(spentCost) || "$0"}
                {config.limits?.budgetCostUsd ? <span className="opt-budget">of ${config.limits.budgetCostUsd}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Elapsed</dt>
              <dd>
                {formatDuration(elapsed) || "—"}
                {config.limits?.maxTimeMs ? <span className="opt-budget">of {formatDuration(config.limits.maxTimeMs)}</span> : null}
              </dd>
            </div>
          </dl>
        </div>

        <div className="opt-live__charts">
          <BestScoreChart candidates={validation} metric={primary.metric} direction={primary.direction} maxCandidates={maxCandidates} />
          <ParetoPlot candidates={validation} qualityMetrics={qualityMetrics.length ? qualityMetrics : ["passRate"]} qualityDirections={directions} selected={selected} onSelect={setSelected} />
        </div>

        <div className="opt-live__lower">
          <div className="opt-live__table">
            <div className="subtle-title">Candidates</div>
            <CandidateTable candidates={validation} objectives={objectives} front={front} selected={selected} onSelect={setSelected} runId={runId} canEdit={canEdit && !live} best={live ? null : (best?.index ?? null)} />
            <LineageView candidates={validation} selected={selected} onSelect={setSelected} />
          </div>
          <div className="opt-live__detail">
            {selectedCandidate ? (
              <CandidateDetail
                key={`${runId}:${selectedCandidate.index}`}
                runId={runId}
                workflowId={workflowId}
                candidate={selectedCandidate}
                test={testByIndex.get(selectedCandidate.index)}
                objectives={objectives}
                canEdit={canEdit}
                onFront={front.has(selectedCandidate.index)}
                baseline={validation.find((c) => c.index === 0)}
              />
            ) : (
              <div className="muted small opt-empty">Select a candidate — a point, a row or a lineage node — to see its parameters, save it as a version and promote it.</div>
            )}
          </div>
        </div>
      </div>
    </section>
  );
}

// A failure whose cause was not the run's own (server/store/optimizations.ts RESUMABLE_FAILURE_CODES) can be resumed.
function resumableFailure(code: string | undefined): boolean {
  return code === "TRANSIENT" || code === "INTERRUPTED";
}
