/**
 * The Providers page: every provider a graph may name (built-in, environment, stored), and for
 * admins adding, editing, testing and deleting the stored OpenAI-compatible ones. Others see the
 * list and the model lists read-only.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type JSX } from "react";
import { useAuth } from "../auth/context.js";
import { errorText } from "../parameters/errors.js";
import { useTRPC } from "../trpc.js";
import { providerRows, type ProviderRow } from "./model.js";
import { ProviderDetail } from "./ProviderDetail.js";
import { ProviderForm } from "./ProviderForm.js";
import "../shell/page-cards.css";
import "./providers.css";

export const PROVIDERS_READ_ONLY = "Read-only: managing providers needs the admin role.";

const ORIGIN_BADGE: Record<ProviderRow["origin"], string> = { builtin: "built-in", environment: "environment", stored: "stored" };

export function ProvidersPanel(): JSX.Element {
  const trpc = useTRPC();
  const { user } = useAuth();
  const isAdmin = user.role === "admin" && user.workflows === null;
  const available = useQuery(trpc.providers.available.queryOptions());
  const stored = useQuery(trpc.providers.list.queryOptions());
  const rows = useMemo(() => providerRows(available.data, stored.data), [available.data, stored.data]);
  const [selected, setSelected] = useState<string | null>(null);
  // "new": the add form; an id: that provider's edit form.
  const [form, setForm] = useState<"new" | string | null>(null);

  // Keep the selection on a row that exists: the first stored provider, else the first one.
  useEffect(() => {
    if (!available.data) return;
    if (selected && rows.some((r) => r.id === selected)) return;
    setSelected((rows.find((r) => r.origin === "stored") ?? rows[0])?.id ?? null);
  }, [available.data, rows, selected]);

  const row = rows.find((r) => r.id === selected);
  const editing = form && form !== "new" ? rows.find((r) => r.id === form)?.stored : undefined;
  const error = available.error ?? stored.error;

  return (
    <section className="providers-panel" data-testid="providers-panel" aria-labelledby="providers-title">
      <header className="pv-header">
        <div>
          <h2 id="providers-title">Providers</h2>
          <p className="muted">Where AI nodes send their prompts. An AI node names a provider by its id and picks one of its models in the inspector.</p>
        </div>
        {isAdmin ? (
          <button type="button" className="btn btn-sm btn-primary-solid" data-testid="provider-add" onClick={() => setForm("new")}>
            + Add provider
          </button>
        ) : null}
      </header>
      {!isAdmin ? (
        <div className="notice-box" data-testid="providers-readonly">
          {user.role === "admin" ? "Read-only: providers serve every workflow, so only an admin without a workflow limit may change them." : PROVIDERS_READ_ONLY}
        </div>
      ) : null}
      {error ? (
        <div className="error-box" role="alert">
          {errorText(error)}
        </div>
      ) : null}

      <div className="pv-layout">
        <div className="pv-card pv-list">
          <div className="pv-card__head">
            <div className="section-title">Configured providers</div>
            {available.data ? <span className="muted small">{rows.length}</span> : null}
          </div>
          {available.isPending ? <div className="muted small pad">Loading providers…</div> : null}
          {rows.length > 0 ? (
            <table className="pv-table">
              <thead>
                <tr>
                  <th scope="col">id</th>
                  <th scope="col">origin</th>
                  <th scope="col">base URL</th>
                  <th scope="col">key</th>
                  <th scope="col">status</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const active = r.id === selected;
                  return (
                    <tr key={r.id} className={active ? "active" : undefined} data-testid={`provider-row-${r.id}`} aria-selected={active}>
                      <th scope="row">
                        <button
                          type="button"
                          className="pv-link mono"
                          aria-pressed={active}
                          onClick={() => {
                            setSelected(r.id);
                            setForm(null);
                          }}
                        >
                          {r.id}
                        </button>
                      </th>
                      <td>
                        <span className={`pv-badge pv-badge--${r.origin}`}>{ORIGIN_BADGE[r.origin]}</span>
                      </td>
                      <td className="mono small pv-url" title={r.stored?.baseUrl}>
                        {r.stored?.baseUrl ?? (r.type === "sim" ? "—" : "(environment)")}
                      </td>
                      <td className="small">{r.stored ? (r.stored.hasApiKey ? "set" : "none") : "—"}</td>
                      <td className="small">
                        <span className={`pv-status ${r.usable ? "pv-status--ok" : "pv-status--bad"}`} title={r.problem}>
                          {r.usable ? "usable" : "not usable"}
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : null}
          {available.data && !rows.some((r) => r.origin === "stored") ? (
            <div className="pv-empty muted small" data-testid="providers-empty">
              No stored providers yet.{isAdmin ? " Add one to use a real model: a local Ollama (http://localhost:11434/v1), OpenAI (https://api.openai.com/v1), or any OpenAI-compatible server." : ""}
            </div>
          ) : null}
        </div>

        <div className="pv-side">
          {form && isAdmin ? (
            <ProviderForm
              key={form}
              editing={editing}
              takenIds={rows.map((r) => r.id)}
              onSaved={(id) => {
                setForm(null);
                setSelected(id);
              }}
              onCancel={() => setForm(null)}
            />
          ) : row ? (
            <ProviderDetail key={row.id} row={row} isAdmin={isAdmin} onEdit={() => setForm(row.id)} onDeleted={() => setSelected(null)} />
          ) : null}
        </div>
      </div>
    </section>
  );
}
