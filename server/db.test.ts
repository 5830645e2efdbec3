import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, resolveDatabasePath, sqliteConnectionOf } from "./db.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-db-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("resolveDatabasePath", () => {
  it("handles file: URLs, bare paths, the default and :memory:", () => {
    expect(resolveDatabasePath("file:./data/x.db", "/srv")).toBe(path.resolve("/srv/data/x.db"));
    expect(resolveDatabasePath("file:/abs/x.db", "/srv")).toBe(path.resolve("/abs/x.db"));
    expect(resolveDatabasePath("file:///abs/x.db?mode=rwc", "/srv")).toBe(path.resolve("/abs/x.db"));
    expect(resolveDatabasePath("rel.db", "/srv")).toBe(path.resolve("/srv/rel.db"));
    expect(resolveDatabasePath(undefined, "/srv")).toBe(path.resolve("/srv/.flowtune/flowtune.db"));
    expect(resolveDatabasePath("", "/srv")).toBe(path.resolve("/srv/.flowtune/flowtune.db"));
    expect(resolveDatabasePath(":memory:", "/srv")).toBeUndefined();
    expect(resolveDatabasePath("file::memory:", "/srv")).toBeUndefined();
  });
});

describe("openDatabase", () => {
  it("creates the folder, migrates, and sets WAL, FULL sync, foreign keys and busy_timeout", async () => {
    const file = path.join(dir, "nested", "deeper", "a.db");
    const db = await openDatabase({ url: `file:${file}` });
    try {
      expect(db.path).toBe(file);
      expect(db.migrations.applied.length).toBeGreaterThan(0);
      const pragma = async (name: string) => Object.values((await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`))[0])[0];
      expect(await pragma("journal_mode")).toBe("wal");
      expect(Number(await pragma("synchronous"))).toBe(2); // FULL
      expect(Number(await pragma("foreign_keys"))).toBe(1);
      expect(Number(await pragma("busy_timeout"))).toBe(5000);
      // WAL is a property of the file: another connection sees it too.
      const other = new Database(file, { readonly: true });
      expect(other.pragma("journal_mode", { simple: true })).toBe("wal");
      other.close();
      expect(await db.prisma.workflow.count()).toBe(0);
      expect(sqliteConnectionOf(db.prisma)).toBeInstanceOf(Database);
    } finally {
      await db.close();
    }
    expect(sqliteConnectionOf(db.prisma)).toBeUndefined();
    // Re-opening applies nothing new.
    const again = await openDatabase({ url: file, synchronous: "NORMAL" });
    expect(again.migrations.applied).toEqual([]);
    expect(Number(Object.values((await again.prisma.$queryRawUnsafe<Record<string, unknown>[]>("PRAGMA synchronous"))[0])[0])).toBe(1);
    await again.close();
    await again.close(); // idempotent
  });

  it("uses DATABASE_URL when no url is given", async () => {
    const file = path.join(dir, "env.db");
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `file:${file}`;
    try {
      const db = await openDatabase();
      expect(db.path).toBe(file);
      await db.close();
      expect(existsSync(file)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it("gives :memory: a private temp file that close() removes", async () => {
    const a = await openDatabase({ url: ":memory:" });
    const b = await openDatabase({ url: "file::memory:" });
    expect(a.path).not.toBe(b.path);
    await a.prisma.workflow.create({ data: { id: "w", name: "w" } });
    expect(await b.prisma.workflow.count()).toBe(0);
    await a.close();
    await b.close();
    expect(existsSync(a.path)).toBe(false);
  });

  it("enforces foreign keys", async () => {
    const db = await openDatabase({ url: ":memory:" });
    try {
      await expect(
        db.prisma.workflowVersion.create({ data: { workflowId: "missing", version: 1, graph: "{}", checksum: "x" } }),
      ).rejects.toThrow();
    } finally {
      await db.close();
    }
  });
});
