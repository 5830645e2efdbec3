/**
 * The 32-byte master key that encrypts provider secrets at rest: from `FLOWTUNE_SECRET_KEY`
 * (base64 or hex), or else from a key file (default `<database dir>/secret.key`) that is
 * generated on first use with mode 0600 and refused when group or others can access it.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Length of an AES-256 key. */
export const MASTER_KEY_BYTES = 32;

export interface KeyringOptions {
  /** The key itself (base64 or hex); overrides `FLOWTUNE_SECRET_KEY`. */
  secretKey?: string;
  /** Key file path; overrides `FLOWTUNE_SECRET_KEY_FILE` and the default next to the database. */
  keyFile?: string;
  /** Absolute path of the database file; the default key file lives in its directory. */
  databasePath?: string;
  /** Environment to read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Where the key came from (for start-up messages; never the key). */
export type KeySource = { kind: "env" } | { kind: "file"; path: string; created: boolean };

/**
 * Decodes a 32-byte key written as 64 hex digits or base64/base64url; throws an error naming
 * `source` (never the value) otherwise.
 */
export function parseMasterKey(text: string, source: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length === MASTER_KEY_BYTES) return bytes;
  }
  throw new Error(`${source} must be ${MASTER_KEY_BYTES} bytes written as base64 (44 characters) or hex (64 digits); generate one with \`openssl rand -base64 32\``);
}

/** The default key file: `secret.key` beside the database. */
export function defaultKeyFilePath(databasePath: string): string {
  return path.join(path.dirname(databasePath), "secret.key");
}

/**
 * Holds the master key, loading it on first use: a process that never stores or reads a secret
 * creates no key file. A malformed `FLOWTUNE_SECRET_KEY` fails at construction (fail fast).
 */
export class Keyring {
  private cached: Buffer | undefined;
  private sourceInfo: KeySource | undefined;
  private readonly envKey: Buffer | undefined;
  private readonly file: string | undefined;

  constructor(opts: KeyringOptions = {}) {
    const env = opts.env ?? process.env;
    const fromOption = opts.secretKey?.trim();
    const fromEnv = env.FLOWTUNE_SECRET_KEY?.trim();
    if (fromOption) this.envKey = parseMasterKey(fromOption, "the secret key option");
    else if (fromEnv) this.envKey = parseMasterKey(fromEnv, "FLOWTUNE_SECRET_KEY");
    const fileOverride = opts.keyFile ?? (env.FLOWTUNE_SECRET_KEY_FILE?.trim() || undefined);
    this.file = fileOverride ? path.resolve(fileOverride) : opts.databasePath ? defaultKeyFilePath(opts.databasePath) : undefined;
  }

  /** The 32-byte key; reads or generates the key file on the first call. */
  key(): Buffer {
    if (this.cached) return this.cached;
    if (this.envKey) {
      this.cached = this.envKey;
      this.sourceInfo = { kind: "env" };
      return this.cached;
    }
    if (!this.file) throw new Error("no secret key: set FLOWTUNE_SECRET_KEY or FLOWTUNE_SECRET_KEY_FILE");
    const { key, created } = loadOrCreateKeyFile(this.file);
    this.cached = key;
    this.sourceInfo = { kind: "file", path: this.file, created };
    return key;
  }

  /** Where the key came from, once `key()` was called. */
  source(): KeySource | undefined {
    return this.sourceInfo;
  }
}

/**
 * Reads the key file, or creates it (exclusive create, mode 0600) when it does not exist.
 * Refuses a file that group or others can access, telling the user to chmod 600 it.
 */
export function loadOrCreateKeyFile(file: string): { key: Buffer; created: boolean } {
  try {
    return { key: readKeyFile(file), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(MASTER_KEY_BYTES);
  try {
    // `wx` fails if another process created the file meanwhile; then we use theirs.
    writeFileSync(file, `${key.toString("base64")}\n`, { flag: "wx", mode: 0o600 });
    return { key, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`cannot create secret key file ${file}: ${(err as Error).message}`, { cause: err });
    return { key: readKeyFile(file), created: false };
  }
}

function readKeyFile(file: string): Buffer {
  const stat = statSync(file);
  // POSIX permissions only: Windows reports synthetic modes.
  if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(3, "0");
    throw new Error(`refusing to use secret key file ${file}: it is accessible by group or others (mode ${mode}); run \`chmod 600 ${file}\``);
  }
  return parseMasterKey(readFileSync(file, "utf8"), `secret key file ${file}`);
}
