/**
 * Object-level authorization: whether a principal may touch a workflow (and so its runs,
 * optimizations and parameters). Roles are checked per procedure/endpoint (see `requireRole`);
 * these checks add the per-workflow grants of a limited token.
 */
import type { AppServices } from "../services/app.js";
import { forbidden, unauthenticated } from "./errors.js";
import { grantsWorkflow, type Principal } from "./principal.js";
import { roleAtLeast, type Role } from "./roles.js";
import { assertUnrestricted } from "./scope.js";

/** The principal, if it has at least `role`: UNAUTHENTICATED (401) for no one, FORBIDDEN (403) for too weak a role. */
export function requireRole(principal: Principal | null | undefined, role: Role | "public"): Principal | null {
  if (role === "public") return principal ?? null;
  if (!principal) throw unauthenticated();
  if (!roleAtLeast(principal.role, role)) throw forbidden(`"${principal.name}" has role ${principal.role}; this needs ${role}`);
  return principal;
}

/** Per-request access checks for one principal. */
export class Access {
  constructor(
    private readonly services: AppServices,
    readonly principal: Principal,
  ) {}

  /** FORBIDDEN unless the principal's grants include the workflow. */
  workflow(workflowId: string): void {
    if (!grantsWorkflow(this.principal, workflowId)) {
      throw forbidden(`"${this.principal.name}" has no grant for workflow "${workflowId}"`);
    }
  }

  /** FORBIDDEN for a principal limited to some workflows (e.g. deleting a shared dataset, changing a provider). */
  unlimited(what: string): void {
    assertUnrestricted(this.principal, what);
  }

  /** The workflow filter a listing must apply: undefined for every workflow. */
  workflowFilter(): string[] | undefined {
    return this.principal.workflows ?? undefined;
  }

  /**
   * Checks the grant for a run's workflow and returns that workflow; undefined for an unknown run
   * (the procedure reports NOT_FOUND). A started run is in the history before its id is returned.
   */
  async run(runId: string): Promise<string | undefined> {
    const workflowId = await this.services.runs.workflowOf(runId);
    if (workflowId) this.workflow(workflowId);
    return workflowId;
  }

  /** Checks the grant for an optimization run's workflow; unknown runs pass (NOT_FOUND follows). */
  async optimization(runId: string): Promise<void> {
    const run = await this.services.optimizer.get(runId);
    if (run) this.workflow(run.workflowId);
  }
}
