/**
 * Applies the committed `prisma/migrations/<name>/migration.sql` files at start-up, so running
 * Flowtune needs neither the Prisma CLI nor its schema engine.
 *
 * Applied migrations are recorded in Prisma's own `_prisma_migrations` table, in the format
 * Prisma's schema engine writes (sha256 checksum of the file, ISO timestamps), so a developer's
 * `prisma migrate status` / `migrate dev` (see docs/development.md) agrees with what the app did.
 *
 * Each migration runs in its own `BEGIN IMMEDIATE` transaction together with its bookkeeping row,
 * and is re-checked inside that transaction, so two processes starting at once apply it once.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

/** The committed migrations folder of this checkout. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("../prisma/migrations", import.meta.url));

export interface MigrationFile {
  /** Folder name, e.g. `20261122023000_init`; migrations apply in name order. */
  name: string;
  sql: string;
  /** sha256 (hex) of the file, as Prisma computes it. */
  checksum: string;
}

export interface ApplyMigrationsOptions {
  migrationsDir?: string;
  /** Called for things worth a warning (e.g. an applied migration whose file changed since). */
  onWarning?: (message: string) => void;
}

export interface ApplyMigrationsResult {
  /** Names applied by this call, in order. */
  applied: string[];
  /** Names that were already applied. */
  alreadyApplied: string[];
}

const MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** Reads the migration folders (those holding a migration.sql), sorted by name. */
export function readMigrations(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  if (!existsSync(migrationsDir)) throw new Error(`migrations folder not found: ${migrationsDir}`);
  return readdirSync(migrationsDir)
    .filter((name) => statSync(path.join(migrationsDir, name)).isDirectory())
    .filter((name) => existsSync(path.join(migrationsDir, name, "migration.sql")))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Prisma's timestamp format for SQLite (what the better-sqlite3 adapter writes by default). */
function isoNow(): string {
  return new Date().toISOString().replace("Z", "+00:00");
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: string | null;
  rolled_back_at: string | null;
}

/**
 * Applies every committed migration not yet applied to `target` (a file path or an open
 * better-sqlite3 database, which is left open). Idempotent.
 */
export function applyMigrations(
  target: string | Database.Database,
  options: ApplyMigrationsOptions = {},
): ApplyMigrationsResult {
  const db = typeof target === "string" ? new Database(target, { timeout: 5000 }) : target;
  try {
    return applyTo(db, readMigrations(options.migrationsDir), options.onWarning ?? ((m) => console.warn(`[flowtune] ${m}`)));
  } finally {
    if (typeof target === "string") db.close();
  }
}

function applyTo(db: Database.Database, migrations: MigrationFile[], warn: (m: string) => void): ApplyMigrationsResult {
  if (db.inTransaction) throw new Error("applyMigrations: the database is inside a transaction");
  db.exec(MIGRATIONS_TABLE_SQL);
  const appliedRows = () =>
    db
      .prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`)
      .all() as AppliedRow[];

  const result: ApplyMigrationsResult = { applied: [], alreadyApplied: [] };
  const known = new Set(migrations.map((m) => m.name));
  const rows = appliedRows();
  for (const row of rows) {
    if (row.rolled_back_at === null && row.finished_at === null) {
      throw new Error(
        `migration ${row.migration_name} was started but never finished (a failed \`prisma migrate\`?): ` +
          "fix the database, then mark it with `prisma migrate resolve`",
      );
    }
    if (row.finished_at !== null && row.rolled_back_at === null && !known.has(row.migration_name)) {
      warn(`the database has migration ${row.migration_name}, which this checkout does not have (a newer version?)`);
    }
  }

  const foreignKeys = db.pragma("foreign_keys", { simple: true }) as number;
  for (const migration of migrations) {
    const done = (list: AppliedRow[]) =>
      list.find((r) => r.migration_name === migration.name && r.finished_at !== null && r.rolled_back_at === null);
    const before = done(rows);
    if (before) {
      if (before.checksum !== migration.checksum) {
        warn(`migration ${migration.name} was modified after it was applied (checksum differs); it is not re-applied`);
      }
      result.alreadyApplied.push(migration.name);
      continue;
    }
    // Table redefinitions need foreign keys off; the pragma is a no-op inside a transaction,
    // so it is switched around it and the constraints are checked before committing.
    if (foreignKeys) db.pragma("foreign_keys = OFF");
    try {
      const startedAt = isoNow();
      let appliedHere = false;
      db.exec("BEGIN IMMEDIATE");
      try {
        if (done(appliedRows())) {
          result.alreadyApplied.push(migration.name); // another process got there first
        } else {
          db.exec(migration.sql);
          const violations = db.pragma("foreign_key_check") as unknown[];
          if (violations.length > 0) {
            throw new Error(`foreign key violations after the migration: ${JSON.stringify(violations.slice(0, 5))}`);
          }
          db.prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
             VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
          ).run(randomUUID(), migration.checksum, isoNow(), migration.name, startedAt);
          appliedHere = true;
        }
        db.exec("COMMIT");
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`migration ${migration.name} failed and was rolled back: ${message}`, { cause: error });
      }
      if (appliedHere) result.applied.push(migration.name);
    } finally {
      if (foreignKeys) db.pragma("foreign_keys = ON");
    }
  }
  return result;
}
