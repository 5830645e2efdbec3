/**
 * One provider: where it points, its key state, "Test connection" (admins), edit and delete with a
 * confirmation (admins, stored providers only), and its model list as the server reads it.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatRelative } from "../format.js";
import { errorText } from "../parameters/errors.js";
import { useTRPC } from "../trpc.js";
import type { ProviderRow } from "./model.js";
import { TestResultBox } from "./TestResultBox.js";
import { invalidateProviderQueries } from "./useProviders.js";

const ORIGIN_TEXT: Record<ProviderRow["origin"], string> = {
  builtin: "Built in: the deterministic simulator, always there.",
  environment: "Configured in the server's environment (FLOWTUNE_OPENAI_BASE_URL or OPENAI_API_KEY); change it there.",
  stored: "Stored by an admin; the API key is encrypted at rest.",
};

export function ProviderDetail({ row, isAdmin, onEdit, onDeleted }: { row: ProviderRow; isAdmin: boolean; onEdit: () => void; onDeleted: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const test = useMutation(trpc.providers.test.mutationOptions());
  const remove = useMutation(trpc.providers.delete.mutationOptions());
  const models = useQuery({ ...trpc.providers.models.queryOptions({ id: row.id }), enabled: row.usable, staleTime: 60_000, retry: false });
  const s = row.stored;

  // Asks the server to list again (it may still answer from its cache if it just did), then shows that.
  const [refreshing, setRefreshing] = useState(false);
  const refresh = async () => {
    setRefreshing(true);
    try {
      const fresh = await queryClient.fetchQuery({ ...trpc.providers.models.queryOptions({ id: row.id, refresh: true }), staleTime: 0 });
      queryClient.setQueryData(trpc.providers.models.queryKey({ id: row.id }), fresh);
    } catch {
      await models.refetch();
    } finally {
      setRefreshing(false);
    }
  };

  const del = async () => {
    try {
      await remove.mutateAsync({ id: row.id });
      setConfirming(false);
      await invalidateProviderQueries(queryClient, trpc);
      onDeleted();
    } catch {
      // shown from remove.error
    }
  };

  return (
    <div className="pv-card pv-detail" data-testid="provider-detail" data-provider-id={row.id}>
      <div className="pv-detail__head">
        <div>
          <div className="pv-detail__title mono">{row.id}</div>
          <div className="muted small">{ORIGIN_TEXT[row.origin]}</div>
        </div>
        {isAdmin && s ? (
          <div className="button-row">
            <button type="button" className="btn btn-sm" data-testid="provider-edit" onClick={onEdit}>
              Edit
            </button>
            <button type="button" className="btn btn-sm pv-danger" data-testid="provider-delete" onClick={() => setConfirming(true)}>
              Delete
            </button>
          </div>
        ) : null}
      </div>
      {s ? (
        <dl className="pv-facts">
          <dt>Base URL</dt>
          <dd className="mono" data-testid="provider-detail-url">
            {s.baseUrl}
          </dd>
          <dt>API key</dt>
          <dd>{s.hasApiKey ? "set (hidden)" : "none"}</dd>
          <dt>Private network</dt>
          <dd>{s.allowPrivateNetwork ? "allowed" : "refused"}</dd>
          <dt>Updated</dt>
          <dd>
            {formatRelative(s.updatedAt)} by {s.updatedBy}
          </dd>
        </dl>
      ) : null}
      {!row.usable ? (
        <div className="error-box" role="alert">
          Not usable: {row.problem ?? "unknown reason"}
        </div>
      ) : null}
      {confirming ? (
        <div className="pv-confirm" role="alertdialog" aria-label={`Delete provider ${row.id}`} data-testid="provider-delete-confirm">
          <div>
            Delete <strong className="mono">{row.id}</strong>? Graphs naming it stop validating and cannot run until it is added again. Its key is forgotten.
          </div>
          <div className="button-row">
            <button type="button" className="btn btn-sm" data-testid="provider-delete-cancel" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button type="button" className="btn btn-sm pv-danger-solid" data-testid="provider-delete-confirm-button" disabled={remove.isPending} onClick={() => void del()}>
              Delete
            </button>
          </div>
        </div>
      ) : null}
      {remove.error ? <div className="error-box">{errorText(remove.error)}</div> : null}

      {isAdmin ? (
        <div className="pv-detail__test">
          <button type="button" className="btn btn-sm" data-testid="provider-detail-test" disabled={test.isPending} onClick={() => test.mutate({ id: row.id })}>
            {test.isPending ? "Testing…" : "Test connection"}
          </button>
          {test.data ? <TestResultBox result={test.data} /> : null}
          {test.error ? <div className="error-box">{errorText(test.error)}</div> : null}
        </div>
      ) : null}

      <div className="pv-models" data-testid="provider-models">
        <div className="pv-models__head">
          <div className="section-title">Models</div>
          {models.data ? (
            <span className="muted small" data-testid="provider-models-count">
              {models.data.models.length} {models.data.cached ? "· cached" : ""}
            </span>
          ) : null}
          <button type="button" className="btn btn-sm btn-ghost" data-testid="provider-models-refresh" disabled={!row.usable || refreshing} onClick={() => void refresh()}>
            Refresh
          </button>
        </div>
        {!row.usable ? <div className="muted small">Fix the provider to list its models.</div> : null}
        {models.isPending && row.usable ? <div className="muted small">Loading models…</div> : null}
        {models.error ? (
          <div className="error-box" data-testid="provider-models-error">
            {errorText(models.error)}
          </div>
        ) : null}
        {models.data && models.data.models.length === 0 ? <div className="muted small">{models.data.listable ? "The provider lists no models." : "This provider does not list its models."}</div> : null}
        {models.data && models.data.models.length > 0 ? (
          <ul className="pv-models__list mono">
            {models.data.models.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
