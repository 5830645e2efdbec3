/**
 * The provider and model of an AI node: a select of the providers a graph may name (built-in,
 * environment, stored; an unknown current value stays shown, flagged) and a combobox of that
 * provider's models as the server lists them, where free text stays allowed for a model the
 * list does not have.
 */
import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState, type KeyboardEvent, type ReactNode } from "react";
import type { GraphIssue } from "../../../engine/browser.js";
import { errorText } from "../parameters/errors.js";
import type { ProviderEntry } from "../providers/catalog.js";
import { useProviderCatalog } from "../providers/useProviders.js";
import { useTRPC } from "../trpc.js";
import "../providers/providers.css";

export interface ModelPickerProps {
  provider: string | undefined;
  model: string | undefined;
  providerIssues?: GraphIssue[];
  modelIssues?: GraphIssue[];
  disabled?: boolean;
  onProvider: (id: string) => void;
  onModel: (model: string) => void;
  /** Shown in the empty model field (e.g. the model used when none is set). */
  modelPlaceholder?: string;
  /** Test-id prefix: `${prefix}-provider`, `${prefix}-model`, … (default "inspector"). */
  testIdPrefix?: string;
}

const ORIGIN_LABEL: Record<ProviderEntry["origin"], string> = { builtin: "built-in", environment: "environment", stored: "stored" };

/** Provider select + model combobox, side by side. */
export function ModelPicker(p: ModelPickerProps) {
  const prefix = p.testIdPrefix ?? "inspector";
  const provider = p.provider ?? "sim";
  return (
    <div className="irow">
      <ProviderSelect value={provider} issues={p.providerIssues} disabled={p.disabled} testId={`${prefix}-provider`} onChange={p.onProvider} />
      <ModelCombobox provider={provider} value={p.model} placeholder={p.modelPlaceholder} issues={p.modelIssues} disabled={p.disabled} testId={`${prefix}-model`} onChange={p.onModel} />
    </div>
  );
}

function Issues({ id, issues }: { id: string; issues?: GraphIssue[] }) {
  if (!issues?.length) return null;
  return (
    <div className="field__error" id={id} role="alert">
      {issues.map((i, k) => (
        <div key={k}>{i.message}</div>
      ))}
    </div>
  );
}

function ProviderSelect({ value, issues, disabled, testId, onChange }: { value: string; issues?: GraphIssue[]; disabled?: boolean; testId: string; onChange: (v: string) => void }) {
  const id = useId();
  const catalog = useProviderCatalog();
  const entries = catalog?.entries ?? [];
  const known = entries.some((e) => e.id === value);
  const invalid = Boolean(issues?.length);
  return (
    <div className={`ifield${invalid ? " ifield--invalid" : ""}`}>
      <label className="ifield__label" htmlFor={id}>
        Provider
      </label>
      <select id={id} data-testid={testId} value={value} disabled={disabled} aria-invalid={invalid || undefined} aria-describedby={invalid ? `${id}-err` : undefined} onChange={(e) => onChange(e.target.value)}>
        {known ? null : (
          <option value={value}>
            {value}
            {catalog ? " (not configured)" : ""}
          </option>
        )}
        {entries.map((e) => (
          <option key={e.id} value={e.id}>
            {e.id} · {ORIGIN_LABEL[e.origin]}
            {e.usable ? "" : " · unusable"}
          </option>
        ))}
      </select>
      <Issues id={`${id}-err`} issues={issues} />
    </div>
  );
}

function ModelCombobox({ provider, value, placeholder, issues, disabled, testId, onChange }: { provider: string; value: string | undefined; placeholder?: string; issues?: GraphIssue[]; disabled?: boolean; testId: string; onChange: (v: string) => void }) {
  const id = useId();
  const listId = `${id}-list`;
  const trpc = useTRPC();
  const catalog = useProviderCatalog();
  const entry = catalog?.byId.get(provider);
  // Only a provider known to be usable is asked (free text works meanwhile, and for the others).
  const askable = Boolean(entry?.usable);
  const listing = useQuery({ ...trpc.providers.models.queryOptions({ id: provider }), enabled: askable && !disabled, staleTime: 60_000, retry: false });
  const models = useMemo(() => listing.data?.models ?? [], [listing.data]);

  const [open, setOpen] = useState(false);
  // Filter only by what was typed since the list opened: opening shows every model.
  const [typed, setTyped] = useState<string | null>(null);
  const [active, setActive] = useState(-1);
  const shown = useMemo(() => {
    if (typed === null || typed.trim() === "") return models;
    const q = typed.trim().toLowerCase();
    return models.filter((m) => m.toLowerCase().includes(q));
  }, [models, typed]);

  const show = (from: number) => {
    setOpen(true);
    setActive(from);
  };
  const close = () => {
    setOpen(false);
    setTyped(null);
    setActive(-1);
  };
  const pick = (m: string) => {
    onChange(m);
    close();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open) show(Math.max(0, shown.indexOf(value ?? "")));
      else setActive((a) => Math.min(shown.length - 1, a + 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (open) setActive((a) => Math.max(0, a - 1));
    } else if (e.key === "Enter" && open && active >= 0 && active < shown.length) {
      e.preventDefault();
      pick(shown[active]);
    } else if (e.key === "Escape" && open) {
      // Closes the list only, not the drawer or dialog around it.
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  };

  const invalid = Boolean(issues?.length);
  const offList = Boolean(value) && listing.isSuccess && models.length > 0 && !models.includes(value!);
  let status: ReactNode;
  if (!askable) status = null;
  else if (listing.isPending && listing.fetchStatus !== "idle") status = "Loading models…";
  else if (listing.error)
    status = (
      <span className="mp-status mp-status--error">
        Could not list the models: {errorText(listing.error)}{" "}
        <button type="button" className="mp-link" data-testid={`${testId}-retry`} onClick={() => void listing.refetch()}>
          Retry
        </button>
      </span>
    );
  else if (listing.data && !listing.data.listable) status = "This provider does not list its models: type one.";
  else if (listing.data)
    status = offList ? (
      <span className="mp-status mp-status--warn">
        "{value}" is not in {provider}'s list of {models.length} — kept as typed.
      </span>
    ) : (
      `${models.length} model${models.length === 1 ? "" : "s"} from ${provider}`
    );

  return (
    <div className={`ifield mp-combo${invalid ? " ifield--invalid" : ""}`}>
      <label className="ifield__label" htmlFor={id}>
        Model
      </label>
      <div className="mp-combo__box">
        <input
          id={id}
          type="text"
          role="combobox"
          data-testid={testId}
          autoComplete="off"
          spellCheck={false}
          value={value ?? ""}
          placeholder={placeholder}
          disabled={disabled}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? `${id}-err` : undefined}
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && active >= 0 && active < shown.length ? `${listId}-${active}` : undefined}
          onChange={(e) => {
            onChange(e.target.value);
            setTyped(e.target.value);
            show(-1);
          }}
          onKeyDown={onKeyDown}
          onBlur={close}
        />
        <button
          type="button"
          className="mp-combo__toggle"
          tabIndex={-1}
          aria-label={open ? "Hide the models" : "Show the models"}
          data-testid={`${testId}-toggle`}
          disabled={disabled || models.length === 0}
          // Keep the focus in the input, so its blur does not close the list this opens.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => {
            if (open) close();
            else {
              document.getElementById(id)?.focus();
              show(Math.max(0, models.indexOf(value ?? "")));
            }
          }}
        >
          ▾
        </button>
        {open && shown.length > 0 ? (
          <ul className="mp-combo__list" id={listId} role="listbox" aria-label={`Models of ${provider}`} data-testid={`${testId}-list`} onMouseDown={(e) => e.preventDefault()}>
            {shown.map((m, i) => (
              <li
                key={m}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={`mp-combo__opt${i === active ? " active" : ""}${m === value ? " current" : ""}`}
                data-testid={`${testId}-option-${m}`}
                onMouseEnter={() => setActive(i)}
                onClick={() => pick(m)}
              >
                {m}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {status ? (
        <div className="ifield__hint" data-testid={`${testId}-status`}>
          {status}
        </div>
      ) : null}
      <Issues id={`${id}-err`} issues={issues} />
    </div>
  );
}
