/** The left sidebar: brand and theme toggle, the section navigation, new / import, the workflow list. */
import type { ReactNode } from "react";
import { WorkflowList } from "../panels/WorkflowList.js";
import { BrandLogo } from "../ui.js";
import { MOD } from "./keys.js";
import { ThemeToggle } from "./ThemeToggle.js";
import type { View } from "./useCommands.js";

const SECTIONS: Array<{ view: View; label: string }> = [
  { view: "workflows", label: "Workflows" },
  { view: "datasets", label: "Datasets" },
  { view: "providers", label: "Providers" },
];

/** The sidebar; `children` go at its end (the shell's hidden file input). */
export function Sidebar({
  view,
  onView,
  readOnly,
  onNew,
  onImport,
  openWorkflowId,
  onOpenWorkflow,
  children,
}: {
  view: View;
  onView: (v: View) => void;
  readOnly: boolean;
  onNew: () => void;
  onImport: () => void;
  /** The workflow shown on the canvas (highlighted in the list). */
  openWorkflowId: string | null;
  onOpenWorkflow: (id: string) => void;
  children?: ReactNode;
}) {
  return (
    <aside className="sidebar">
      <div className="brand">
        <BrandLogo />
        <span className="brand__name">Flowtune</span>
        <ThemeToggle />
      </div>
      <nav className="topnav" aria-label="Sections">
        {SECTIONS.map((s) => (
          <button key={s.view} type="button" className={`topnav__item${view === s.view ? " active" : ""}`} aria-current={view === s.view ? "page" : undefined} data-testid={`nav-${s.view}`} onClick={() => onView(s.view)}>
            {s.label}
          </button>
        ))}
      </nav>
      {!readOnly ? (
        <div className="sidebar__actions">
          <button type="button" className="btn btn-sm btn-dark" data-testid="new-workflow" onClick={onNew}>
            + New workflow
          </button>
          <button type="button" className="btn btn-sm btn-dark" data-testid="import-workflow" onClick={onImport}>
            Import…
          </button>
        </div>
      ) : null}
      <WorkflowList selectedId={view === "workflows" ? openWorkflowId : null} onSelect={onOpenWorkflow} />
      <div className="sidebar__foot muted small">
        <kbd>{MOD}K</kbd> commands
      </div>
      {children}
    </aside>
  );
}
