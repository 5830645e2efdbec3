/**
 * Opens Flowtune's SQLite database: resolves the path, applies the committed migrations, sets
 * the connection pragmas and returns a Prisma client on the better-sqlite3 driver adapter.
 *
 * The generated client lives in `generated/prisma` (git-ignored; `npm install` runs
 * `prisma generate` offline through scripts/postinstall.mjs).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.js";
import { applyMigrations, type ApplyMigrationsResult } from "./migrate.js";

export { PrismaClient };
export type { Prisma } from "../generated/prisma/client.js";

/** Where the database goes when neither `url` nor `DATABASE_URL` says otherwise (under cwd). */
export const DEFAULT_DATABASE_PATH = path.join(".flowtune", "flowtune.db");

export type SynchronousMode = "FULL" | "NORMAL";

export interface OpenDatabaseOptions {
  /**
   * `file:<path>` or a bare path; relative paths resolve against process.cwd().
   * `:memory:` (or `file::memory:`) gives a private database in a temp file removed on close()
   * (Prisma and the migrator need two connections, so a real in-memory database cannot work).
   * Defaults to `DATABASE_URL`, then `.flowtune/flowtune.db`.
   */
  url?: string;
  /** Defaults to the committed prisma/migrations. */
  migrationsDir?: string;
  /**
   * `FULL` (the default) fsyncs the WAL on every commit: a commit that returned survives a
   * power loss or OS crash. `NORMAL` skips that fsync (WAL mode stays consistent and survives
   * an application crash, but the last commits before a power loss may be lost) and makes each
   * commit much cheaper on slow disks. Flowtune's history writes are batched, so FULL is the
   * default; see docs/development.md for the measured costs.
   */
  synchronous?: SynchronousMode;
  /** Milliseconds a connection waits on a locked database before failing (default 5000). */
  busyTimeoutMs?: number;
  onWarning?: (message: string) => void;
}

export interface FlowtuneDatabase {
  prisma: PrismaClient;
  /** Absolute path of the database file. */
  path: string;
  /** What start-up did about migrations. */
  migrations: ApplyMigrationsResult;
  /** Disconnects Prisma (and removes the temp file of a `:memory:` database). Idempotent. */
  close(): Promise<void>;
}

/**
 * The better-sqlite3 adapter factory, remembering the connection it opens so that hot write
 * paths (server/store/run-history.ts) can run prepared statements on Prisma's own connection
 * instead of paying Prisma's per-query cost. It reads the adapter's `client` field, which is not
 * public API: if a future adapter version drops it, `connection()` returns undefined and the
 * stores fall back to Prisma queries (tests cover both paths).
 */
class ConnectionCapturingAdapter extends PrismaBetterSqlite3 {
  #connection: Database.Database | undefined;

  override async connect() {
    const connected = await super.connect();
    const client = (connected as unknown as { client?: unknown }).client;
    this.#connection = client instanceof Database ? client : undefined;
    return connected;
  }

  connection(): Database.Database | undefined {
    return this.#connection?.open ? this.#connection : undefined;
  }
}

const connections = new WeakMap<PrismaClient, () => Database.Database | undefined>();

/**
 * The better-sqlite3 connection behind a client made by openDatabase(), or undefined (another
 * kind of client, or not connected). Only for synchronous work that checks `inTransaction`
 * first: Prisma's interactive transactions hold this same connection across awaits.
 */
export function sqliteConnectionOf(prisma: PrismaClient): Database.Database | undefined {
  return connections.get(prisma)?.();
}

/**
 * Turns `url` (or, when it is empty, the default) into an absolute file path; `undefined` for
 * in-memory. Pure: the caller decides whether DATABASE_URL applies (openDatabase does).
 */
export function resolveDatabasePath(url: string | undefined, cwd = process.cwd()): string | undefined {
  const raw = url?.trim() || DEFAULT_DATABASE_PATH;
  let file = raw.startsWith("file:") ? raw.slice("file:".length) : raw;
  if (file.startsWith("//")) file = file.slice(2); // file://C:/… or file:///abs
  const query = file.indexOf("?");
  if (query >= 0) file = file.slice(0, query);
  if (file === ":memory:" || file === "") return undefined;
  return path.resolve(cwd, file);
}

/** Opens (creating if needed) and migrates the database; see OpenDatabaseOptions. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<FlowtuneDatabase> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const synchronous: SynchronousMode = options.synchronous ?? "FULL";
  let dbPath = resolveDatabasePath(options.url ?? process.env.DATABASE_URL);
  let tempDir: string | undefined;
  if (dbPath === undefined) {
    tempDir = mkdtempSync(path.join(os.tmpdir(), "flowtune-db-"));
    dbPath = path.join(tempDir, "memory.db");
  } else {
    mkdirSync(path.dirname(dbPath), { recursive: true });
  }

  // Migrate over a short-lived connection of our own. journal_mode=WAL is stored in the file,
  // so it applies to Prisma's connection too.
  let migrations: ApplyMigrationsResult;
  const setup = new Database(dbPath, { timeout: busyTimeoutMs });
  try {
    const mode = setup.pragma("journal_mode = WAL", { simple: true });
    if (String(mode).toLowerCase() !== "wal") throw new Error(`could not switch ${dbPath} to WAL (got ${String(mode)})`);
    setup.pragma("foreign_keys = ON");
    migrations = applyMigrations(setup, { migrationsDir: options.migrationsDir, onWarning: options.onWarning });
  } finally {
    setup.close();
  }

  // better-sqlite3's `timeout` option is SQLite's busy_timeout for Prisma's connection.
  const adapter = new ConnectionCapturingAdapter({ url: `file:${dbPath}`, timeout: busyTimeoutMs });
  const prisma = new PrismaClient({ adapter });
  connections.set(prisma, () => adapter.connection());
  try {
    // Per-connection settings, on the one connection the adapter keeps.
    await prisma.$executeRawUnsafe(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    await prisma.$executeRawUnsafe(`PRAGMA synchronous = ${synchronous}`);
  } catch (error) {
    await prisma.$disconnect().catch(() => {});
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }

  let closed = false;
  return {
    prisma,
    path: dbPath,
    migrations,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
