#!/usr/bin/env node
// A stand-in for Prisma's native `schema-engine` binary, which the Prisma CLI downloads from
// Prisma's servers (unreachable here). Point PRISMA_SCHEMA_ENGINE_BINARY at this file and the CLI
// spawns it and speaks JSON-RPC over stdin/stdout as it would with the real engine; requests are
// served by the schema engine compiled to WebAssembly that the `prisma` package itself ships
// (node_modules/prisma/build/schema_engine_bg.wasm) on top of the better-sqlite3 driver adapter.
//
// Dev tooling only (authoring migrations, the drift check): the app applies the committed
// migrations itself (server/migrate.ts). It leans on Prisma's internal protocol, so it is pinned to
// the installed prisma version and exercised by the drift-check tests in server/migrate.test.ts.
// See docs/development.md.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));

function log(level, message) {
  process.stderr.write(JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message }, target: "flowtune_engine_shim" }) + "\n");
}

// ---- arguments: --datamodels <file> (repeated), --datasource <json>, others ignored ----
const args = process.argv.slice(2);
if (args.includes("--version") || args.includes("-V")) {
  process.stdout.write(`schema-engine-cli ${enginesHash()}\n`);
  process.exit(0);
}
const datamodelFiles = [];
let datasource = {};
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--datamodels") datamodelFiles.push(args[++i]);
  else if (args[i] === "--datasource") datasource = JSON.parse(args[++i]);
}

// One-shot commands: `--datasource <json> cli <command>` (exit status and stderr are the answer).
const cliAt = args.indexOf("cli");
if (cliAt >= 0) {
  const command = args[cliAt + 1];
  const file = datasource.url ? sqlitePath(datasource.url) : ":memory:";
  const fail = (code, message) => {
    process.stderr.write(JSON.stringify({ level: "ERROR", target: "schema_engine::logger", fields: { error_code: code, message } }) + "\n");
    process.exit(1);
  };
  // The CLI skips the first stderr line (the native engine's start-up log) when parsing errors.
  log("INFO", `Starting the offline schema engine shim (${command})`);
  if (file === ":memory:") process.exit(0);
  if (command === "can-connect-to-database") {
    if (!existsSync(file)) fail("P1003", `Database \`${path.basename(file)}\` does not exist at \`${file}\``);
    process.exit(0);
  } else if (command === "create-database") {
    mkdirSync(path.dirname(file), { recursive: true });
    const Database = require("better-sqlite3");
    new Database(file).close();
    process.exit(0);
  } else if (command === "drop-database") {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    process.exit(0);
  }
  fail("P1000", `unsupported engine cli command: ${command}`);
}

function enginesHash() {
  try {
    return require("@prisma/engines-version/package.json").prisma.enginesVersion;
  } catch {
    return "unknown";
  }
}

// ---- load the wasm engine shipped with the prisma CLI ----
async function loadEngine() {
  const bg = await import(pathToFileURL(path.join(root, "scripts", "prisma-engine-shim-glue.mjs")).href);
  const wasmPath = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "schema_engine_bg.wasm");
  if (!existsSync(wasmPath)) throw new Error(`schema engine wasm not found at ${wasmPath}`);
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (typeof bg[imp.name] !== "function") throw new Error(`the vendored glue lacks ${imp.name}: the prisma version changed; refresh scripts/prisma-engine-shim-glue.mjs`);
    (imports[imp.module] ??= {})[imp.name] = bg[imp.name];
  }
  const instance = new WebAssembly.Instance(module, imports);
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  return bg;
}

function sqlitePath(url) {
  let file = String(url).replace(/^file:/, "");
  if (file.startsWith("//")) file = file.slice(2);
  file = file.split("?")[0];
  return file === ":memory:" ? file : path.resolve(process.cwd(), file);
}

async function makeAdapter() {
  const { PrismaBetterSqlite3 } = await import(pathToFileURL(require.resolve("@prisma/adapter-better-sqlite3")).href);
  const { bindMigrationAwareSqlAdapterFactory } = await import(pathToFileURL(require.resolve("@prisma/driver-adapter-utils")).href);
  const url = datasource.url ? `file:${sqlitePath(datasource.url)}` : ":memory:";
  // SQLite creates the file but not its folder (e.g. the default .flowtune/).
  if (url !== ":memory:") mkdirSync(path.dirname(url.slice("file:".length)), { recursive: true });
  const shadow = datasource.shadowDatabaseUrl ? `file:${sqlitePath(datasource.shadowDatabaseUrl)}` : ":memory:";
  const inner = new PrismaBetterSqlite3({ url }, { shadowDatabaseUrl: shadow });
  const scriptFriendly = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => allowScripts(await inner.connect()),
    connectToShadowDb: async () => allowScripts(await inner.connectToShadowDb()),
  };
  return { url, factory: bindMigrationAwareSqlAdapterFactory(scriptFriendly) };
}

/**
 * The wasm engine replays whole migration.sql files (several statements) through
 * executeRaw/queryRaw, which better-sqlite3 prepares as one statement and rejects; run those
 * through the adapter's executeScript instead.
 */
function allowScripts(adapter) {
  const isMultiStatement = (error, query) =>
    query.args.length === 0 && /more than one statement/i.test(`${error?.cause?.message ?? ""} ${error?.message ?? ""}`);
  const executeRaw = adapter.executeRaw.bind(adapter);
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (!isMultiStatement(error, query)) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  adapter.queryRaw = async (query) => {
    try {
      return await queryRaw(query);
    } catch (error) {
      if (!isMultiStatement(error, query)) throw error;
      await adapter.executeScript(query.sql);
      return { columnNames: [], columnTypes: [], rows: [] };
    }
  };
  return adapter;
}

/** The real message behind the wasm engine's "External error id#N" (a driver adapter error). */
function explain(error) {
  const message = error instanceof Error ? error.message : String(error);
  const id = /External error id#(\d+)/.exec(message)?.[1];
  const entry = id !== undefined ? factory?.errorRegistry?.consumeError(Number(id)) : undefined;
  const cause = entry?.error;
  if (!cause) return message;
  return cause.cause?.originalMessage ?? cause.cause?.message ?? cause.message ?? JSON.stringify(cause.cause ?? cause);
}

// The wasm engine reports a missing `_prisma_migrations` table as an error (P1014) where the
// native one treats it as "no migrations yet" (e.g. the first `migrate dev` on a fresh file), so
// create it up front with the DDL Prisma uses (the same as server/migrate.ts).
function ensureMigrationsTable(file) {
  const Database = require("better-sqlite3");
  const db = new Database(file);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`);
  } finally {
    db.close();
  }
}

let url;
let factory;
let engine;
try {
  const bg = await loadEngine();
  ({ url, factory } = await makeAdapter());
  if (url !== ":memory:") ensureMigrationsTable(url.slice("file:".length));
  const datamodels = datamodelFiles.map((file) => [file, readFileSync(path.resolve(process.cwd(), file), "utf8")]);
  engine = await bg.SchemaEngine.new(
    { datamodels: datamodels.length ? datamodels : undefined },
    (line) => process.stderr.write(String(line) + "\n"),
    factory,
  );
} catch (error) {
  // The CLI reports the last ERROR line of stderr when the engine exits with 1.
  log("ERROR", `could not start the offline schema engine shim: ${explain(error)}`);
  process.exit(1);
}

// This wasm build does not hand createMigration/evaluateDataLoss the external shadow database
// ("SQLite shadow DB must be provided through an external factory"); `diff` from the migrations
// (replayed into the shadow database) to the schema gives the same script.
const needsShadowWorkaround = (error) => /shadow DB must be provided/i.test(explain(error));

async function scriptFromMigrations(params) {
  const { stdout } = await engine.diff({
    from: { tag: "migrations", ...params.migrationsList },
    to: { tag: "schemaDatamodel", ...params.schema },
    script: true,
    exitCode: null,
    filters: params.filters,
  });
  return stdout ?? "";
}

/** `<UTC yyyyMMddHHmmss>_<name>`, as Prisma names migration folders. */
function migrationName(name) {
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return name ? `${stamp}_${name}` : stamp;
}

// Methods the CLI calls that the wasm engine names differently or lacks.
const special = {
  async getDatabaseVersion() {
    return engine.version();
  },
  async version() {
    return engine.version();
  },
  async createDatabase() {
    // SQLite creates the file on first connection.
    if (url !== ":memory:") {
      const Database = require("better-sqlite3");
      new Database(url.slice("file:".length)).close();
    }
    return { databaseName: url === ":memory:" ? url : path.basename(url) };
  },
  async getDatabaseDescription() {
    throw Object.assign(new Error("getDatabaseDescription is not supported by the offline engine shim"), { code: "P1000" });
  },
  async createMigration(params) {
    try {
      return await engine.createMigration(params);
    } catch (error) {
      if (!needsShadowWorkaround(error)) throw error;
      const script = await scriptFromMigrations(params);
      if (!script.trim() && !params.draft) {
        return { connectorType: "sqlite", generatedMigrationName: migrationName(params.migrationName), migrationScript: null, extension: "sql" };
      }
      return {
        connectorType: "sqlite",
        generatedMigrationName: migrationName(params.migrationName),
        migrationScript: script.trim() ? script : "-- This is an empty migration.",
        extension: "sql",
      };
    }
  },
  async evaluateDataLoss(params) {
    try {
      return await engine.evaluateDataLoss(params);
    } catch (error) {
      if (!needsShadowWorkaround(error)) throw error;
      // Prisma's script starts with its data-loss warnings.
      const script = await scriptFromMigrations(params);
      const steps = script.split("\n").filter((line) => /^-- [A-Z][A-Za-z]*$/.test(line)).length;
      const warningBlock = /\/\*\s*Warnings:([\s\S]*?)\*\//.exec(script)?.[1] ?? "";
      const warnings = warningBlock
        .split(/\n\s*- /)
        .slice(1)
        .map((message) => ({ message: message.replace(/\s+/g, " ").trim(), stepIndex: 0 }));
      return { migrationSteps: steps || (script.trim() ? 1 : 0), warnings, unexecutableSteps: [] };
    }
  },
  async debugPanic() {
    throw Object.assign(new Error("debug panic"), { panic: true });
  },
};

function errorResponse(id, error) {
  const message = explain(error);
  const code = typeof error?.code === "string" && /^P\d{4}$/.test(error.code) ? error.code : /\b(P\d{4})\b/.exec(message)?.[1];
  const isPanic = error?.panic === true || /panicked|RuntimeError|unreachable/.test(message);
  if (error?.stack) log("ERROR", message);
  return {
    jsonrpc: "2.0",
    id,
    error: {
      code: 4466,
      message: "An error happened. Check the data field for details.",
      data: { is_panic: isPanic, message, ...(code ? { error_code: code } : {}), meta: error?.meta ?? null, error: { message } },
    },
  };
}

async function handle(request) {
  const { id, method, params } = request;
  try {
    let result;
    if (special[method]) result = await special[method](params);
    else if (typeof engine[method] === "function") result = await engine[method](params ?? {});
    else throw new Error(`method ${method} is not supported by the offline engine shim`);
    if (method === "diff" && typeof result?.stdout === "string") {
      // The native engine prints the diff through a `print` request to the CLI (which honours
      // --output); its response carries no stdout.
      if (result.stdout.length > 0) {
        process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: `print-${id}`, method: "print", params: { content: result.stdout } }) + "\n");
      }
      result = { ...result, stdout: null };
    }
    return { jsonrpc: "2.0", id, result: result === undefined ? null : result };
  } catch (error) {
    return errorResponse(id, error);
  }
}

// One request at a time, in order (the CLI sends them one by one anyway).
let queue = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (!line.trim()) return;
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    log("ERROR", `not JSON-RPC: ${line.slice(0, 200)}`);
    return;
  }
  if (request.method === undefined) return; // a reply to something we sent (none expected)
  queue = queue.then(async () => process.stdout.write(JSON.stringify(await handle(request)) + "\n"));
});
lines.on("close", () => {
  queue.finally(() => process.exit(0));
});
