/**
 * Add or edit a stored provider: id (fixed once saved), base URL, the API key (write-only: never
 * shown; when one is stored, keep / replace / remove it), allow-private with its warning, "Test
 * connection" on what is typed (nothing saved), Save and Cancel.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { errorText } from "../parameters/errors.js";
import { useTRPC } from "../trpc.js";
import { apiKeyParam, formProblem, type KeyMode, type StoredProvider, type TestResult } from "./model.js";
import { TestResultBox } from "./TestResultBox.js";
import { useEscape } from "../shell/useEscape.js";
import { invalidateProviderQueries } from "./useProviders.js";

export interface ProviderFormProps {
  /** The provider edited; undefined to add one. */
  editing?: StoredProvider;
  /** Ids a new provider cannot take. */
  takenIds: readonly string[];
  onSaved: (id: string) => void;
  onCancel: () => void;
}

export function ProviderForm({ editing, takenIds, onSaved, onCancel }: ProviderFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const uid = useId();
  const isNew = !editing;
  const [id, setId] = useState(editing?.id ?? "");
  const [baseUrl, setBaseUrl] = useState(editing?.baseUrl ?? "");
  const [keyMode, setKeyMode] = useState<KeyMode>(editing?.hasApiKey ? "keep" : "replace");
  const [apiKey, setApiKey] = useState("");
  const [allowPrivate, setAllowPrivate] = useState(editing?.allowPrivateNetwork ?? false);
  const [problem, setProblem] = useState<string | null>(null);
  const [tested, setTested] = useState<TestResult | null>(null);
  useEscape(onCancel);

  const upsert = useMutation(trpc.providers.upsert.mutationOptions());
  const test = useMutation(trpc.providers.test.mutationOptions());
  const form = { id, baseUrl, keyMode, apiKey };
  const keyParam = apiKeyParam(keyMode, apiKey);

  const check = (): boolean => {
    const p = formProblem(form, isNew, takenIds);
    setProblem(p);
    return p === null;
  };

  const runTest = async () => {
    setTested(null);
    if (!check()) return;
    try {
      // A new provider's untouched key field means "no key" (undefined would mean "keep" the stored one of that id).
      const sent = isNew && keyParam === undefined ? null : keyParam;
      setTested(await test.mutateAsync({ id: id.trim() || undefined, baseUrl: baseUrl.trim(), apiKey: sent, allowPrivateNetwork: allowPrivate }));
    } catch {
      // shown from test.error
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!check()) return;
    try {
      const saved = await upsert.mutateAsync({ id: id.trim(), baseUrl: baseUrl.trim(), apiKey: keyParam, allowPrivateNetwork: allowPrivate });
      await invalidateProviderQueries(queryClient, trpc);
      onSaved(saved.id);
    } catch {
      // shown from upsert.error
    }
  };

  const error = upsert.error ? errorText(upsert.error) : test.error ? errorText(test.error) : null;
  return (
    <form className="pv-card pv-form" onSubmit={(e) => void save(e)} data-testid="provider-form" aria-labelledby={`${uid}-title`} noValidate>
      <div className="section-title" id={`${uid}-title`}>
        {isNew ? "Add a provider" : `Edit ${editing.id}`}
      </div>
      <p className="muted small pv-form__lead">An OpenAI-compatible endpoint: OpenAI, Ollama, vLLM, LM Studio, a gateway… AI nodes name it by its id.</p>
      <div className="ifield">
        <label className="ifield__label" htmlFor={`${uid}-id`}>
          Id
        </label>
        <input id={`${uid}-id`} type="text" className="mono" data-testid="provider-id" value={id} disabled={!isNew} placeholder="local" autoComplete="off" spellCheck={false} onChange={(e) => setId(e.target.value)} />
        {isNew ? <div className="ifield__hint">What graphs name: letters, digits, _ and -. It cannot change once saved.</div> : null}
      </div>
      <div className="ifield">
        <label className="ifield__label" htmlFor={`${uid}-url`}>
          Base URL
        </label>
        <input id={`${uid}-url`} type="text" className="mono" data-testid="provider-base-url" value={baseUrl} placeholder="http://localhost:11434/v1" autoComplete="off" spellCheck={false} onChange={(e) => setBaseUrl(e.target.value)} />
        <div className="ifield__hint">The API root: requests go to {"{base URL}"}/chat/completions and /models.</div>
      </div>
      <fieldset className="ifield pv-key">
        <legend className="ifield__label">API key</legend>
        {editing?.hasApiKey ? (
          <div className="pv-key__modes" role="radiogroup" aria-label="Stored API key">
            {(["keep", "replace", "remove"] as const).map((m) => (
              <label key={m} className="pv-key__mode">
                <input type="radio" name={`${uid}-keymode`} value={m} checked={keyMode === m} data-testid={`provider-key-${m}`} onChange={() => setKeyMode(m)} />
                {m === "keep" ? "Keep the stored key" : m === "replace" ? "Replace it" : "Remove it"}
              </label>
            ))}
          </div>
        ) : null}
        {keyMode === "replace" ? (
          <input
            type="password"
            className="mono"
            aria-label="API key"
            data-testid="provider-api-key"
            value={apiKey}
            placeholder={editing?.hasApiKey ? "the new key" : "sk-… (leave empty for none)"}
            autoComplete="new-password"
            spellCheck={false}
            onChange={(e) => setApiKey(e.target.value)}
          />
        ) : null}
        <div className="ifield__hint">Stored encrypted; never shown again, not even to admins.</div>
      </fieldset>
      <label className="pv-private">
        <input type="checkbox" data-testid="provider-allow-private" checked={allowPrivate} onChange={(e) => setAllowPrivate(e.target.checked)} />
        Allow private-network addresses
      </label>
      {allowPrivate ? (
        <div className="pv-warning" role="note" data-testid="provider-private-warning">
          The server may then call loopback and private addresses (a local Ollama, a model server in your network) for this provider. Turn it on only for an address you trust: it lets this
          provider reach services inside your network. Cloud metadata and link-local addresses stay refused.
        </div>
      ) : null}
      {problem ? (
        <div className="error-box" role="alert" data-testid="provider-form-problem">
          {problem}
        </div>
      ) : null}
      {error ? (
        <div className="error-box" role="alert" data-testid="provider-form-error">
          {error}
        </div>
      ) : null}
      {tested ? <TestResultBox result={tested} /> : null}
      <div className="button-row pv-form__buttons">
        <button type="button" className="btn btn-sm" data-testid="provider-test" disabled={test.isPending} onClick={() => void runTest()}>
          {test.isPending ? "Testing…" : "Test connection"}
        </button>
        <span className="pv-spacer" />
        <button type="button" className="btn btn-sm btn-ghost" data-testid="provider-cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-sm btn-primary-solid" data-testid="provider-save" disabled={upsert.isPending}>
          {upsert.isPending ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}
