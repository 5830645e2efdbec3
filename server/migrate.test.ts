import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, readMigrations } from "./migrate.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-migrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = () => path.join(dir, `m${n++}.db`);

const tables = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

describe("applyMigrations", () => {
  it("applies the committed migrations to a fresh file, then does nothing", () => {
    const file = freshFile();
    const first = applyMigrations(file);
    const names = readMigrations().map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect(first).toEqual({ applied: names, alreadyApplied: [] });

    const again = applyMigrations(file);
    expect(again).toEqual({ applied: [], alreadyApplied: names });

    const db = new Database(file, { readonly: true });
    expect(tables(db)).toEqual(
      expect.arrayContaining(["Workflow", "WorkflowVersion", "Run", "NodeExecution", "RunEvent", "ProviderCache", "_prisma_migrations"]),
    );
    const rows = db.prepare(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`).all() as Record<string, unknown>[];
    expect(rows).toHaveLength(names.length);
    const sql = readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, names[0], "migration.sql"), "utf8");
    // Prisma's format: sha256 of the file, finished, one step.
    expect(rows[0]).toMatchObject({
      migration_name: names[0],
      checksum: createHash("sha256").update(sql).digest("hex"),
      rolled_back_at: null,
      applied_steps_count: 1,
    });
    expect(String(rows[0].finished_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    db.close();
  });

  it("works on an open handle and leaves it open", () => {
    const db = new Database(freshFile());
    applyMigrations(db);
    applyMigrations(db);
    expect(db.open).toBe(true);
    expect(db.prepare(`SELECT count(*) AS c FROM "_prisma_migrations"`).get()).toEqual({ c: readMigrations().length });
    db.close();
  });

  it("rolls a failing migration back whole and keeps the earlier ones", () => {
    const migrations = path.join(dir, "bad-migrations");
    cpSync(DEFAULT_MIGRATIONS_DIR, migrations, { recursive: true });
    mkdirSync(path.join(migrations, "99990101000000_broken"));
    writeFileSync(
      path.join(migrations, "99990101000000_broken", "migration.sql"),
      `CREATE TABLE "Half" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "Nope" VALUES (1);\n`,
    );
    const file = freshFile();
    expect(() => applyMigrations(file, { migrationsDir: migrations })).toThrow(/99990101000000_broken failed and was rolled back/);
    const db = new Database(file, { readonly: true });
    expect(tables(db)).not.toContain("Half");
    expect(tables(db)).toContain("Run");
    expect((db.prepare(`SELECT migration_name FROM "_prisma_migrations"`).all() as { migration_name: string }[]).map((r) => r.migration_name)).toEqual(
      readMigrations().map((m) => m.name),
    );
    db.close();
  });

  it("warns when an applied migration's file changed", () => {
    const migrations = path.join(dir, "edited-migrations");
    cpSync(DEFAULT_MIGRATIONS_DIR, migrations, { recursive: true });
    const file = freshFile();
    applyMigrations(file, { migrationsDir: migrations });
    const first = readMigrations(migrations)[0];
    writeFileSync(path.join(migrations, first.name, "migration.sql"), first.sql + "\n-- edited\n");
    const warnings: string[] = [];
    const result = applyMigrations(file, { migrationsDir: migrations, onWarning: (m) => warnings.push(m) });
    expect(result.applied).toEqual([]);
    expect(warnings.join("\n")).toMatch(/modified after it was applied/);
  });
});

describe("committed migrations vs prisma/schema.prisma (drift check)", () => {
  const repo = path.resolve(DEFAULT_MIGRATIONS_DIR, "..", "..");
  const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  /** `prisma migrate diff --exit-code` through the offline engine shim: 0 = in sync, 2 = drift. */
  const diff = (schema: string) =>
    spawnSync(process.execPath, [prismaCli, "migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema", schema, "--exit-code"], {
      cwd: repo,
      encoding: "utf8",
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: path.join(repo, "scripts", "prisma-engine-shim.mjs"),
        CHECKPOINT_DISABLE: "1",
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        DATABASE_URL: `file:${path.join(dir, "drift.db")}`,
      },
    });

  it("finds no difference", () => {
    const result = diff("prisma/schema.prisma");
    expect(result.stderr + result.stdout).toMatch(/No difference detected/);
    expect(result.status).toBe(0);
  });

  it("reports a schema change that has no migration", () => {
    const changed = path.join(dir, "changed.prisma");
    const schema = readFileSync(path.join(repo, "prisma", "schema.prisma"), "utf8");
    writeFileSync(changed, schema.replace(/(model ProviderCache \{\n)/, "$1  lastHitAt DateTime?\n"));
    const result = diff(changed);
    expect(result.stdout).toMatch(/Added column `lastHitAt`/);
    expect(result.status).toBe(2);
  });
});
