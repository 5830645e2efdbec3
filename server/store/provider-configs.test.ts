import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { createProviderConfigStore, type ProviderConfigStore } from "./provider-configs.js";

describe("provider config store", () => {
  let dir: string;
  let db: FlowtuneDatabase;
  let store: ProviderConfigStore;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-provider-configs-"));
    db = await openDatabase({ url: `file:${path.join(dir, "x.db")}` });
    store = createProviderConfigStore(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates, reads and lists configs", async () => {
    const { record, created } = await store.upsert({ id: "ollama", kind: "openai-compatible", baseUrl: "http://127.0.0.1:11434/v1", allowPrivateNetwork: true, actor: "alice" });
    expect(created).toBe(true);
    expect(record).toMatchObject({ id: "ollama", apiKeyEncrypted: null, allowPrivateNetwork: true, updatedBy: "alice" });
    expect(record.createdAt).toBeInstanceOf(Date);
    await store.upsert({ id: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1", apiKeyEncrypted: "v1.a.b.c", allowPrivateNetwork: false, actor: "bob" });
    expect((await store.list()).map((r) => r.id)).toEqual(["ollama", "openai"]);
    expect(await store.get("openai")).toMatchObject({ apiKeyEncrypted: "v1.a.b.c", updatedBy: "bob" });
    expect(await store.get("nope")).toBeUndefined();
  });

  it("keeps the key when undefined, replaces it, and removes it with null", async () => {
    const first = (await store.get("openai"))!;
    const kept = await store.upsert({ id: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v2", allowPrivateNetwork: false, actor: "carol" });
    expect(kept.created).toBe(false);
    expect(kept.record).toMatchObject({ baseUrl: "https://api.openai.com/v2", apiKeyEncrypted: "v1.a.b.c", updatedBy: "carol" });
    expect(kept.record.createdAt).toEqual(first.createdAt);
    expect((await store.upsert({ id: "openai", kind: "openai-compatible", baseUrl: "https://x/v1", apiKeyEncrypted: "v1.d.e.f", allowPrivateNetwork: false, actor: "c" })).record.apiKeyEncrypted).toBe("v1.d.e.f");
    expect((await store.upsert({ id: "openai", kind: "openai-compatible", baseUrl: "https://x/v1", apiKeyEncrypted: null, allowPrivateNetwork: false, actor: "c" })).record.apiKeyEncrypted).toBeNull();
  });

  it("deletes", async () => {
    expect(await store.delete("ollama")).toBe(true);
    expect(await store.delete("ollama")).toBe(false);
    expect((await store.list()).map((r) => r.id)).toEqual(["openai"]);
  });
});
