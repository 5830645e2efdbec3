/**
 * Credential scope: what a principal may hand out. A credential (API token, login code) grants a
 * role and a set of workflows (null: every workflow); a principal may only mint, invite, list or
 * revoke credentials whose grant is within its own — role at most its own, workflows a subset of
 * its own (an unrestricted principal may mint restricted credentials, never the reverse).
 */
import { forbidden } from "./errors.js";
import type { Principal } from "./principal.js";
import { roleAtLeast, type Role } from "./roles.js";

/** A workflow list for a message, at most 10 ids (lists may hold 1 000). */
function shown(ids: readonly string[]): string {
  return ids.length <= 10 ? JSON.stringify(ids) : `${JSON.stringify(ids.slice(0, 10))} and ${ids.length - 10} more`;
}

/** What a credential grants. */
export interface Grant {
  role: Role;
  /** Workflow ids; null for every workflow. */
  workflows: string[] | null;
}

/** The stored form of a workflow list: sorted, deduplicated, and null (every workflow) for none or an empty list. */
export function normalizeWorkflows(workflows: readonly string[] | null | undefined): string[] | null {
  return workflows?.length ? [...new Set(workflows)].sort() : null;
}

/** True when `inner` grants nothing `outer` does not: role at most outer's, workflows a subset (null = all). */
export function grantWithin(inner: Grant, outer: Grant): boolean {
  if (!roleAtLeast(outer.role, inner.role)) return false;
  if (outer.workflows === null) return true;
  const inWorkflows = normalizeWorkflows(inner.workflows);
  return inWorkflows !== null && inWorkflows.every((w) => outer.workflows!.includes(w));
}

/**
 * FORBIDDEN unless `principal` may hand out a `what` (e.g. "token") granting `wanted`; the message
 * names the field that goes beyond the principal's own scope (`role` or `workflows`).
 */
export function assertMayGrant(principal: Principal, wanted: Grant, what: string): void {
  if (!roleAtLeast(principal.role, wanted.role)) {
    throw forbidden(`"${principal.name}" has role ${principal.role} and cannot create a ${what} with role ${wanted.role} (field "role")`);
  }
  if (principal.workflows === null) return;
  const own = principal.workflows;
  const workflows = normalizeWorkflows(wanted.workflows);
  if (workflows === null) {
    throw forbidden(
      `"${principal.name}" is limited to workflows ${shown(own)}: a ${what} without a "workflows" list would grant every workflow; set "workflows" to some of its grants`,
    );
  }
  const beyond = workflows.filter((w) => !own.includes(w));
  if (beyond.length > 0) {
    throw forbidden(`"${principal.name}" has no grant for workflow${beyond.length > 1 ? "s" : ""} ${shown(beyond)} named in "workflows" (its grants: ${shown(own)})`);
  }
}

/** True when the principal may see and revoke a credential with this grant (it is within the principal's own). */
export function mayManage(principal: Principal, grant: Grant): boolean {
  return grantWithin(grant, principal);
}

/**
 * FORBIDDEN for a principal limited to some workflows: `what` (e.g. "changing a provider") affects
 * or reveals every workflow, so it needs an unrestricted principal.
 */
export function assertUnrestricted(principal: Principal, what: string): void {
  if (principal.workflows !== null) {
    throw forbidden(`${what} needs a token that is not limited to some workflows ("${principal.name}" is limited to ${shown(principal.workflows)})`);
  }
}
