import { z } from "zod";

/** Roles, weakest first: viewers read; editors run, optimize and promote; admins also manage tokens and providers. */
export const ROLES = ["viewer", "editor", "admin"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** True when `role` includes everything `required` may do. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
