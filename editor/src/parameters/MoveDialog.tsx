/** The promote / rollback dialog of parameter versions (the version list and the managed-node banner open it). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTRPC } from "../trpc.js";
import { errorText } from "./errors.js";

/** What the dialog moves: promote a given version, or roll production back. */
export type PendingMove = { kind: "promote"; version: number } | { kind: "rollback" };

/** The promote / rollback dialog: asks for the reason recorded in the audit trail. */
export function MoveDialog({
  workflowId,
  nodeId,
  move,
  production,
  targets,
  undoTarget,
  onClose,
}: {
  workflowId: string;
  nodeId: string;
  move: PendingMove;
  production: number;
  targets: number[];
  undoTarget: number | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const reasonId = useId();
  const targetId = useId();
  const [reason, setReason] = useState("");
  const [to, setTo] = useState<number>(undoTarget ?? targets[0] ?? production);
  const [touched, setTouched] = useState(false);

  const onSettled = () => queryClient.invalidateQueries({ queryKey: trpc.parameters.pathKey() });
  const promote = useMutation(trpc.parameters.promote.mutationOptions({ onSettled, onSuccess: () => onClose() }));
  const rollback = useMutation(trpc.parameters.rollback.mutationOptions({ onSettled, onSuccess: () => onClose() }));
  const mutation = move.kind === "promote" ? promote : rollback;

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const trimmed = reason.trim();
  const target = move.kind === "promote" ? move.version : to;
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    setTouched(true);
    if (!trimmed || mutation.isPending) return;
    if (move.kind === "promote") promote.mutate({ workflowId, nodeId, version: move.version, reason: trimmed });
    // The default target is "undo the latest promotion": let the server resolve it (idempotent on repeat).
    else rollback.mutate({ workflowId, nodeId, reason: trimmed, ...(to === undoTarget ? {} : { to }) });
  };

  const title = move.kind === "promote" ? `Promote v${move.version} to production` : "Roll back production";
  return (
    <dialog
      ref={dialog}
      className="pp-dialog"
      aria-labelledby={`${reasonId}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit} className="pp-dialog__form">
        <h3 id={`${reasonId}-title`}>{title}</h3>
        <p className="pp-dialog__lead">
          Production moves from <strong className="mono">v{production}</strong> to <strong className="mono">v{target}</strong> for{" "}
          <span className="mono">{nodeId}</span>. Runs started after this use v{target}.
        </p>
        {move.kind === "rollback" ? (
          <div className="field">
            <label className="field__label" htmlFor={targetId}>
              roll back to
            </label>
            <select id={targetId} value={to} onChange={(e) => setTo(Number(e.target.value))}>
              {targets.map((t) => (
                <option key={t} value={t}>
                  v{t}
                  {t === undoTarget ? " — previous production (undo the last promotion)" : " — earlier production version"}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label className="field__label" htmlFor={reasonId}>
            reason <span className="req">*</span>
          </label>
          <textarea
            id={reasonId}
            data-testid="move-reason"
            rows={3}
            autoFocus
            maxLength={2000}
            value={reason}
            aria-invalid={touched && !trimmed ? "true" : undefined}
            placeholder={move.kind === "promote" ? "e.g. exact match 0.42 → 0.92 on test" : "e.g. regression reported by support"}
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit();
            }}
          />
          <span className="field__hint">Recorded in the audit trail with your name and the time. Ctrl+Enter confirms.</span>
          {touched && !trimmed ? <span className="pp-field-error">A reason is required.</span> : null}
        </div>
        {mutation.error ? (
          <div className="error-box" role="alert" data-testid="move-error">
            {errorText(mutation.error)}
          </div>
        ) : null}
        <div className="button-row pp-dialog__actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" data-testid="move-confirm" disabled={mutation.isPending}>
            {mutation.isPending ? <span className="spinner" aria-hidden="true" /> : null}
            {move.kind === "promote" ? `Promote v${target}` : `Roll back to v${target}`}
          </button>
        </div>
      </form>
    </dialog>
  );
}
