/**
 * The run shown in the editor: a reducer over its event stream (run-state.ts) fed by the
 * `runs.events` subscription, plus its stored detail (`runs.get`).
 *
 * - Resume-safe: every event is tracked with its seq, so the SSE link reconnects after the last
 *   event it saw; when the subscription itself is restarted (after an error), it starts after the
 *   last seq folded, and the reducer drops anything at or below it anyway.
 * - A finished run (picked in the history) replays its stored events, then the stored detail is
 *   merged; the stream closes once the run is complete (also for runs interrupted by a restart,
 *   whose log has no terminal event).
 * - Terminal events invalidate `runs.list`; a 401 on the stream ends the session (`expired()`).
 */
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import type { RunEvent } from "../../../engine/browser.js";
import { useAuth } from "../auth/context.js";
import { emptyRun, isTerminalEvent, needsStream, runReducer, type RunState, type StoredRunDetail } from "../run-state.js";
import { isAuthError, isUnauthorized, useTRPC } from "../trpc.js";

/** Restarts of a failed subscription before giving up (each after a longer pause). */
const MAX_RESTARTS = 5;

export interface UseRunResult {
  run: RunState;
  /** Shows a run (a new one just started, or one picked in the history). */
  showRun(runId: string): void;
  /** Shows no run. */
  reset(): void;
  /** The event stream: idle | connecting | pending (open) | error. */
  streamStatus: string;
  streamError?: string;
  /** Re-runs the shown (finished) run from a node, and shows the new run. */
  runFrom(nodeId: string): void;
  rerunPending: boolean;
  rerunError?: string;
}

export function useRun(workflowId: string | null): UseRunResult {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { expired } = useAuth();
  const [run, dispatch] = useReducer(runReducer, null, () => emptyRun());

  // Another workflow: show no run.
  const lastWorkflow = useRef(workflowId);
  useEffect(() => {
    if (lastWorkflow.current !== workflowId) {
      lastWorkflow.current = workflowId;
      dispatch({ type: "reset", runId: null });
    }
  }, [workflowId]);

  const invalidateList = useCallback(() => void queryClient.invalidateQueries(trpc.runs.list.pathFilter()), [queryClient, trpc]);

  // Restarting the subscription (after an error) resumes after the last seq folded.
  const [restarts, setRestarts] = useState(0);
  const showRun = useCallback(
    (runId: string) => {
      dispatch({ type: "reset", runId });
      setRestarts(0);
      invalidateList();
    },
    [invalidateList],
  );
  const reset = useCallback(() => dispatch({ type: "reset", runId: null }), []);

  const lastSeq = useRef(run.lastSeq);
  lastSeq.current = run.lastSeq;
  const streaming = needsStream(run);
  const runId = run.runId;
  const input = useMemo(
    () => (runId !== null ? { runId, lastEventId: lastSeq.current >= 0 ? String(lastSeq.current) : null } : null),
    // The seq is read when (re)subscribing only: not a dependency.
    [runId, restarts],
  );

  const events = useSubscription(
    trpc.runs.events.subscriptionOptions(streaming && input ? input : skipToken, {
      onData: ({ data }) => {
        // Run events are plain JSON, so the serialized type is the event type.
        const event = data as RunEvent;
        dispatch({ type: "event", event });
        if (isTerminalEvent(event)) {
          invalidateList();
          void queryClient.invalidateQueries(trpc.runs.get.queryFilter({ runId: event.runId }));
        }
      },
      // The batched requests report a 401 themselves; the SSE stream's errors come here.
      onError: (err) => {
        if (isUnauthorized(err)) expired();
      },
    }),
  );

  // A failed stream (not an auth error) is restarted a few times, with growing pauses.
  const failed = events.status === "error" && streaming;
  const error = events.error;
  useEffect(() => {
    if (!failed || isAuthError(error) || restarts >= MAX_RESTARTS) return;
    const t = setTimeout(() => setRestarts((n) => n + 1), Math.min(8000, 500 * 2 ** restarts));
    return () => clearTimeout(t);
  }, [failed, error, restarts]);

  // The stored detail: merged once the events cover it (or at once when the stream gave up).
  const detail = useQuery(trpc.runs.get.queryOptions(runId !== null ? { runId } : skipToken, { staleTime: 5_000 }));
  const gaveUp = failed && (isAuthError(error) || restarts >= MAX_RESTARTS);
  useEffect(() => {
    if (!detail.data) return;
    dispatch({ type: "detail", detail: detail.data as unknown as StoredRunDetail, complete: gaveUp });
  }, [detail.data, gaveUp]);

  const rerun = useMutation(trpc.runs.rerun.mutationOptions({ onSuccess: ({ runId: id }) => showRun(id) }));
  const { mutate: rerunMutate } = rerun;
  const runFrom = useCallback(
    (nodeId: string) => {
      if (runId) rerunMutate({ runId, fromNodeId: nodeId });
    },
    [runId, rerunMutate],
  );

  return {
    run,
    showRun,
    reset,
    streamStatus: streaming ? events.status : "idle",
    streamError: streaming && events.error ? events.error.message : undefined,
    runFrom,
    rerunPending: rerun.isPending,
    rerunError: rerun.error?.message,
  };
}
