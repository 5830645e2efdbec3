import type { Role } from "./roles.js";

/** Who is calling: from an API token, a browser session, or the local process (CLI, tests). */
export interface Principal {
  /** Stable id: the token id (`tok_…`), `login:<name>` for the login URL's session, or `local`. */
  id: string;
  /** Human-readable name: recorded as the actor in audit trails, and the "user" of per-user caps. */
  name: string;
  role: Role;
  /** Workflow ids the principal is limited to; null for every workflow. */
  workflows: string[] | null;
  via: "token" | "session" | "local";
}

/** The trusted in-process principal (the CLI and tests talk to the database directly). */
export function localPrincipal(name = "local"): Principal {
  return { id: "local", name, role: "admin", workflows: null, via: "local" };
}

/** True when the principal's grants include this workflow (roles are checked separately). */
export function grantsWorkflow(p: Principal, workflowId: string): boolean {
  return p.workflows === null || p.workflows.includes(workflowId);
}
