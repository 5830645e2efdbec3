/**
 * "Promote" on a candidate in one step: an inline reason (suggested from its scores, editable) and
 * a confirm button; the server saves the candidate as a version and promotes it atomically
 * (optimizations.promoteCandidate). Errors stay inline. Rendered only for editors.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type JSX } from "react";
import { useEscape } from "../shell/useEscape.js";
import { useTRPC } from "../trpc.js";
import type { CandidateLike } from "./model.js";
import { suggestReason } from "./promote.js";

export interface PromoteFormProps {
  runId: string;
  candidate: CandidateLike;
  baseline?: CandidateLike;
  objectives: ReadonlyArray<{ metric: string }>;
  /** Closes the form (Cancel, Escape). */
  onCancel: () => void;
}

/** The inline reason field, confirm and outcome of one candidate's promotion. */
export function PromoteForm(props: PromoteFormProps): JSX.Element {
  const { runId, candidate, baseline, objectives, onCancel } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [reason, setReason] = useState(() => suggestReason({ runId, candidate, baseline, objectives }));
  const promote = useMutation(
    trpc.optimizations.promoteCandidate.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.parameters.pathFilter()),
    }),
  );
  useEscape(onCancel, !promote.isSuccess);
  const formRef = useRef<HTMLFormElement>(null);
  // The form opens below the table: bring all of it (reason and confirm) into view.
  useEffect(() => {
    formRef.current?.scrollIntoView?.({ block: "nearest" });
  }, []);
  const done = promote.data;

  if (done) {
    const moved = done.some((m) => m.changed);
    return (
      <div className="opt-success small" data-testid="promote-done" role="status">
        {moved ? "Production is now " : "Already production: "}
        {done.map((m) => `${m.nodeId} v${m.version}${m.changed ? ` (was v${m.from})` : ""}`).join(", ")}.
      </div>
    );
  }
  return (
    <form
      ref={formRef}
      className="opt-promote"
      data-testid={`promote-form-${candidate.index}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) promote.mutate({ runId, index: candidate.index, reason: reason.trim() });
      }}
    >
      <label htmlFor={id} className="small">
        Promote candidate #{candidate.index} to production: why?
      </label>
      <textarea id={id} data-testid="promote-reason" autoFocus rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
      {promote.error ? (
        <div className="opt-field-error" role="alert" data-testid="promote-error">
          {promote.error.message}
        </div>
      ) : null}
      <div className="button-row">
        <button type="button" className="btn btn-sm btn-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-sm btn-accent" data-testid="promote-confirm" disabled={!reason.trim() || promote.isPending}>
          {promote.isPending ? <span className="spinner" /> : null}
          Save and promote
        </button>
      </div>
    </form>
  );
}
