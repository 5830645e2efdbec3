/** Test helpers for a run's event stream: events with increasing seq, and folding them through the run reducer. */
import type { RunEvent } from "../../../engine/browser.js";
import { emptyRun, runReducer, type RunState } from "../run-state.js";

/**
 * Events of run `runId`: `ev` stamps each with the next seq (and a ts after it), `restart` starts
 * the seq again at 0 (each test's own stream), `fold` runs events through `runReducer`.
 */
export function runEvents(runId: string) {
  let seq = 0;
  const ev = (e: Record<string, unknown>): RunEvent => ({ runId, seq: seq++, ts: 1000 + seq, ...e }) as RunEvent;
  const fold = (events: RunEvent[], start: RunState = emptyRun(runId)): RunState => events.reduce((s, event) => runReducer(s, { type: "event", event }), start);
  const restart = () => {
    seq = 0;
  };
  return { ev, fold, restart };
}
