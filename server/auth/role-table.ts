/**
 * The role every API procedure and REST endpoint requires, read from the code itself (tRPC
 * `meta.role`, REST `role`): docs/security.md embeds this table and a test keeps them equal.
 */
import { restRoutes } from "../rest/router.js";
import { appRouter } from "../router.js";
import type { Meta } from "../trpc.js";

export interface RoleRow {
  api: "trpc" | "rest";
  /** `runs.start`, or `POST /api/workflows/{workflow_id}/optimize`. */
  name: string;
  kind: "query" | "mutation" | "subscription" | "endpoint";
  role: Meta["role"] | "(none)";
}

/** Every tRPC procedure and REST route with its required role, in a stable order. */
export function roleTable(): RoleRow[] {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: RoleRow["kind"]; meta?: Meta } }>;
  const trpc: RoleRow[] = Object.entries(procedures)
    .map(([name, p]) => ({ api: "trpc" as const, name, kind: p._def.type, role: p._def.meta?.role ?? ("(none)" as const) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const rest: RoleRow[] = restRoutes.map((r) => ({ api: "rest" as const, name: `${r.method} ${r.path}`, kind: "endpoint" as const, role: r.role }));
  return [...trpc, ...rest];
}

/** The table as Markdown. */
export function roleTableMarkdown(): string {
  const lines = ["| API | Procedure / endpoint | Kind | Required role |", "| --- | --- | --- | --- |"];
  for (const r of roleTable()) lines.push(`| ${r.api} | \`${r.name}\` | ${r.kind} | ${r.role} |`);
  return lines.join("\n");
}
