import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { roleTable, roleTableMarkdown } from "./role-table.js";

describe("role table", () => {
  it("gives every procedure and endpoint a role", () => {
    const rows = roleTable();
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.filter((r) => r.role === "(none)")).toEqual([]);
    // Only sign-in and the API description are open to anonymous callers.
    expect(rows.filter((r) => r.role === "public").map((r) => r.name)).toEqual([
      "POST /api/auth/login",
      "GET /api/auth/session",
      "POST /api/auth/logout",
      "GET /api/openapi.json",
    ]);
    // No mutation is open to viewers.
    expect(rows.filter((r) => r.kind === "mutation" && r.role === "viewer")).toEqual([]);
  });

  it("matches the table in docs/security.md (regenerate with `npx tsx scripts/role-table.ts`)", () => {
    const doc = readFileSync(path.join(import.meta.dirname, "../../docs/security.md"), "utf8");
    const embedded = /<!-- role-table:start -->\n([\s\S]*?)\n<!-- role-table:end -->/.exec(doc)?.[1];
    expect(embedded).toBe(roleTableMarkdown());
  });
});
