/**
 * "New workflow": asks for the template a new workflow starts from (blank, single prompt, RAG-style,
 * judge, router), its name and the id derived from it (editable, checked against the engine's id
 * rule and the existing workflows). A modal <dialog>: Enter creates, Escape cancels, Tab stays
 * inside, the arrow keys move between templates, and focus goes back to the trigger on close.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { NodeIdSchema } from "../../../engine/browser.js";
import { KindIcon } from "../canvas/icons.js";
import { slugId } from "../document/defaults.js";
import { TEMPLATES, type TemplateId } from "../document/templates.js";
import "./new-workflow.css";
import { useEscape } from "../shell/useEscape.js";

export const DEFAULT_WORKFLOW_NAME = "Untitled workflow";

/** Why `id` cannot be the id of a new workflow, or null when it can. */
export function workflowIdError(id: string, existingIds: readonly string[]): string | null {
  if (!id) return "Enter an id.";
  const parsed = NodeIdSchema.safeParse(id);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === "too_big") return "The id must be at most 64 characters.";
    return `The id ${issue?.message ?? "is not valid"}.`;
  }
  if (existingIds.includes(id)) return `A workflow with the id "${id}" already exists: choose another id.`;
  return null;
}

const FOCUSABLE = "button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href]";

export function NewWorkflowDialog({
  existingIds,
  returnFocusTo,
  onCreate,
  onClose,
}: {
  /** Ids of the saved workflows (a new one must not reuse them). */
  existingIds: readonly string[];
  /** Focused when the dialog closes (else the element focused when it opened). */
  returnFocusTo?: HTMLElement | null;
  onCreate: (name: string, id: string, template: TemplateId) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const idInput = useRef<HTMLInputElement>(null);
  const baseId = useId();
  const [suffix] = useState(() => Math.random().toString(36).slice(2, 6));
  const [name, setName] = useState(DEFAULT_WORKFLOW_NAME);
  // null: follow the name.
  const [customId, setCustomId] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [template, setTemplate] = useState<TemplateId>("blank");

  const title = name.trim() || DEFAULT_WORKFLOW_NAME;
  const derivedId = useMemo(() => slugId(title, suffix), [title, suffix]);
  const id = customId ?? derivedId;
  const error = workflowIdError(id.trim(), existingIds);
  const showError = error && (submitted || customId !== null);

  // Open as a modal, focus and select the name; on close, give the focus back.
  useEscape(onClose);
  const returnTo = useRef(returnFocusTo);
  useEffect(() => {
    const opener = returnTo.current ?? (document.activeElement instanceof HTMLElement ? document.activeElement : null);
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    nameInput.current?.focus();
    nameInput.current?.select();
    return () => {
      if (d?.open) d.close();
      // After the dialog is gone from the page.
      setTimeout(() => {
        if (opener?.isConnected) opener.focus();
      }, 0);
    };
  }, []);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    setSubmitted(true);
    if (error) {
      idInput.current?.focus();
      idInput.current?.select();
      return;
    }
    onCreate(title, id.trim(), template);
  };

  // Tab and Shift+Tab cycle through the dialog's controls.
  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key !== "Tab") return;
    const focusable = [...(dialog.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && (document.activeElement === first || !dialog.current?.contains(document.activeElement))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  const titleId = `${baseId}-title`;
  const nameId = `${baseId}-name`;
  const idId = `${baseId}-id`;
  const hintId = `${baseId}-hint`;
  const errorId = `${baseId}-error`;
  return (
    <dialog
      ref={dialog}
      className="nw-dialog"
      aria-labelledby={titleId}
      data-testid="new-workflow-dialog"
      onKeyDown={onKeyDown}
      onCancel={(e) => {
        // The browser's own close request (Escape itself goes through the shared Escape stack first).
        e.preventDefault();
        onClose();
      }}
      onMouseDown={(e) => {
        // A click on the backdrop (outside the form) cancels.
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <form className="nw-dialog__form" noValidate onSubmit={submit}>
        <h2 id={titleId}>New workflow</h2>
        <fieldset className="nw-templates" data-testid="new-workflow-templates">
          <legend className="ifield__label">Start from</legend>
          {TEMPLATES.map((t) => (
            <label key={t.id} className={`nw-template${template === t.id ? " is-selected" : ""}`} data-testid={`template-${t.id}`}>
              <input type="radio" name={`${baseId}-template`} value={t.id} checked={template === t.id} onChange={() => setTemplate(t.id)} />
              <span className="nw-template__kinds" aria-hidden="true">
                {t.kinds.map((k, i) => (
                  <span key={i} className={`nw-template__kind kind-${k}`}>
                    <KindIcon kind={k} size={12} />
                  </span>
                ))}
              </span>
              <span className="nw-template__name">{t.label}</span>
              <span className="nw-template__desc">{t.description}</span>
            </label>
          ))}
        </fieldset>
        <div className="ifield">
          <label className="ifield__label" htmlFor={nameId}>
            Name
          </label>
          <input
            ref={nameInput}
            id={nameId}
            type="text"
            data-testid="new-workflow-name"
            autoFocus
            autoComplete="off"
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className={`ifield${showError ? " ifield--invalid" : ""}`}>
          <label className="ifield__label" htmlFor={idId}>
            Id <span className="nw-dialog__opt">optional</span>
          </label>
          <input
            ref={idInput}
            id={idId}
            type="text"
            className="mono"
            data-testid="new-workflow-id"
            autoComplete="off"
            spellCheck={false}
            value={id}
            aria-invalid={showError ? "true" : undefined}
            aria-describedby={showError ? `${errorId} ${hintId}` : hintId}
            onChange={(e) => setCustomId(e.target.value)}
          />
          <div aria-live="polite">
            {showError ? (
              <div className="field__error" id={errorId} data-testid="new-workflow-error">
                {error}
              </div>
            ) : null}
          </div>
          <span className="ifield__hint" id={hintId}>
            Derived from the name; it names the workflow in URLs, the API and the CLI, and cannot change after the first save.
            {customId !== null && customId !== derivedId ? (
              <>
                {" "}
                <button type="button" className="nw-dialog__reset" onClick={() => setCustomId(null)}>
                  Use <span className="mono">{derivedId}</span>
                </button>
              </>
            ) : null}
          </span>
        </div>
        <div className="button-row nw-dialog__actions">
          <button type="button" className="btn" data-testid="new-workflow-cancel" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" data-testid="new-workflow-create">
            Create
          </button>
        </div>
      </form>
    </dialog>
  );
}
