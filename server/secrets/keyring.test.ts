import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Keyring, defaultKeyFilePath, loadOrCreateKeyFile, parseMasterKey } from "./keyring.js";

const posix = process.platform !== "win32";
const KEY = Buffer.alloc(32, 7);

describe("parseMasterKey", () => {
  it("accepts 32 bytes as hex, base64 or base64url", () => {
    expect(parseMasterKey(KEY.toString("hex"), "X")).toEqual(KEY);
    expect(parseMasterKey(KEY.toString("base64"), "X")).toEqual(KEY);
    expect(parseMasterKey(` ${KEY.toString("base64url")}\n`, "X")).toEqual(KEY);
  });

  it("refuses other lengths and garbage with an error naming the source, not the value", () => {
    for (const bad of ["", "short", Buffer.alloc(16).toString("base64"), Buffer.alloc(33).toString("hex"), "not base64 at all!"]) {
      expect(() => parseMasterKey(bad, "FLOWTUNE_SECRET_KEY"), bad).toThrow(/FLOWTUNE_SECRET_KEY must be 32 bytes written as base64 .* or hex/);
    }
    const value = "c2VjcmV0LXRoYXQtaXMtdG9vLXNob3J0";
    let message = "";
    try {
      parseMasterKey(value, "FLOWTUNE_SECRET_KEY");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/FLOWTUNE_SECRET_KEY/);
    expect(message).not.toContain(value);
  });
});

describe("Keyring", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-keyring-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("uses FLOWTUNE_SECRET_KEY when set, and creates no file", () => {
    const ring = new Keyring({ env: { FLOWTUNE_SECRET_KEY: KEY.toString("base64") }, databasePath: path.join(dir, "x.db") });
    expect(ring.key()).toEqual(KEY);
    expect(ring.source()).toEqual({ kind: "env" });
    expect(() => statSync(path.join(dir, "secret.key"))).toThrow();
  });

  it("fails fast on a malformed FLOWTUNE_SECRET_KEY", () => {
    expect(() => new Keyring({ env: { FLOWTUNE_SECRET_KEY: "hunter2" } })).toThrow(/FLOWTUNE_SECRET_KEY must be 32 bytes/);
  });

  it("generates secret.key next to the database on first use, mode 0600, and reuses it", () => {
    const ring = new Keyring({ env: {}, databasePath: path.join(dir, "x.db") });
    const file = defaultKeyFilePath(path.join(dir, "x.db"));
    expect(() => statSync(file)).toThrow(); // lazy: nothing yet
    const key = ring.key();
    expect(key).toHaveLength(32);
    expect(ring.source()).toEqual({ kind: "file", path: file, created: true });
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = new Keyring({ env: {}, databasePath: path.join(dir, "x.db") });
    expect(again.key()).toEqual(key);
    expect(again.source()).toMatchObject({ created: false });
  });

  it("honours FLOWTUNE_SECRET_KEY_FILE and the keyFile option", () => {
    const envFile = path.join(dir, "sub", "env.key");
    expect(new Keyring({ env: { FLOWTUNE_SECRET_KEY_FILE: envFile } }).key()).toHaveLength(32);
    expect(readFileSync(envFile, "utf8").trim()).toHaveLength(44);
    const optFile = path.join(dir, "opt.key");
    new Keyring({ env: { FLOWTUNE_SECRET_KEY_FILE: envFile }, keyFile: optFile }).key();
    expect(statSync(optFile).isFile()).toBe(true);
  });

  it.skipIf(!posix)("refuses a key file that group or others can read, telling the user to chmod 600", () => {
    const file = path.join(dir, "secret.key");
    writeFileSync(file, KEY.toString("base64"));
    chmodSync(file, 0o644);
    expect(() => loadOrCreateKeyFile(file)).toThrow(/accessible by group or others \(mode 644\); run `chmod 600 .*secret\.key`/);
    chmodSync(file, 0o600);
    expect(loadOrCreateKeyFile(file)).toEqual({ key: KEY, created: false });
  });

  it("refuses a key file with the wrong content", () => {
    const file = path.join(dir, "secret.key");
    writeFileSync(file, "nope\n", { mode: 0o600 });
    expect(() => new Keyring({ env: {}, keyFile: file }).key()).toThrow(/secret key file .* must be 32 bytes/);
  });

  it("needs a key source", () => {
    expect(() => new Keyring({ env: {} }).key()).toThrow(/FLOWTUNE_SECRET_KEY/);
  });
});
