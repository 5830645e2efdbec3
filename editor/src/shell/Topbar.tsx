/** The workflow's top bar: its name, id and description, the save state and the workflow toolbar. */
import type { Graph } from "../../../engine/browser.js";
import { UserBadge } from "../auth/UserBadge.js";
import type { Session, useSaving } from "../document/session.js";
import { MOD } from "./keys.js";
import { SaveIndicator } from "./SaveIndicator.js";

/** The top bar; the toolbar shows only while a workflow is open. */
export function Topbar({
  graph,
  loading,
  session,
  saving,
  readOnly,
  historyOpen,
  onSave,
  onToggleHistory,
  onExport,
  onCommands,
}: {
  graph: Graph | null;
  loading: boolean;
  session: Session | null;
  saving: ReturnType<typeof useSaving>;
  readOnly: boolean;
  historyOpen: boolean;
  onSave: () => void;
  onToggleHistory: () => void;
  onExport: () => void;
  onCommands: () => void;
}) {
  return (
    <header className="topbar">
      <div className="topbar__titles">
        <h1 data-testid="workflow-title">{graph ? graph.name : loading ? "Loading…" : "Select a workflow"}</h1>
        {graph ? (
          <p>
            <span className="mono">{graph.id}</span>
            {graph.description ? ` · ${graph.description}` : ""}
          </p>
        ) : null}
      </div>
      {graph && session ? (
        <div className="topbar__right">
          <SaveIndicator state={saving.state} version={session.savedVersion} issues={saving.issueCount} error={saving.error} />
          <div className="toolbar" role="toolbar" aria-label="Workflow">
            <button type="button" className="btn btn-sm btn-primary-solid" data-testid="save-button" disabled={readOnly || session.ephemeral || saving.state === "saving"} onClick={onSave} title={`Save (${MOD}S)`}>
              Save
            </button>
            <button type="button" className="btn btn-sm" data-testid="history-button" disabled={!session.savedId} onClick={onToggleHistory} aria-expanded={historyOpen}>
              History
            </button>
            <button type="button" className="btn btn-sm" data-testid="export-button" onClick={onExport}>
              Export
            </button>
            <button type="button" className="btn btn-sm command-btn" data-testid="command-button" onClick={onCommands} aria-label="Open the command palette" title={`Commands (${MOD}K)`}>
              {MOD}K
            </button>
          </div>
          <UserBadge />
        </div>
      ) : (
        <div className="topbar__right">
          <UserBadge />
        </div>
      )}
    </header>
  );
}
