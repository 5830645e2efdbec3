/** The "delete this dataset version?" dialog (a version an optimization ran on is refused by the server). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef } from "react";
import { errorText } from "../parameters/errors.js";
import { useTRPC } from "../trpc.js";
import type { DatasetInfo } from "./shared.js";

/** Asks before deleting `info`'s version; closes itself once deleted. */
export function DeleteDatasetDialog({ info, onClose }: { info: DatasetInfo; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const del = useMutation(
    trpc.datasets.delete.mutationOptions({
      onSuccess: () => onClose(),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.datasets.pathKey() }),
    }),
  );
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="ds-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="ds-dialog__body">
        <h3 id={titleId}>
          Delete {info.name} v{info.version}?
        </h3>
        <p>
          Its {info.rows} rows are removed for good. Other versions stay. A version an optimization ran on cannot be deleted.
        </p>
        {del.error ? (
          <div className="error-box" role="alert" data-testid="dataset-delete-error">
            {errorText(del.error)}
          </div>
        ) : null}
        <div className="button-row ds-dialog__actions">
          <button type="button" className="btn" onClick={onClose} autoFocus>
            Cancel
          </button>
          <button
            type="button"
            className="btn ds-danger-solid"
            data-testid="dataset-delete-confirm"
            disabled={del.isPending}
            onClick={() => del.mutate({ nameOrId: info.name, version: info.version })}
          >
            {del.isPending ? <span className="spinner" aria-hidden="true" /> : null}
            Delete version
          </button>
        </div>
      </div>
    </dialog>
  );
}
