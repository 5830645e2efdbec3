import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FlowtuneError, ProviderError, createProviderRegistry, type HostLookup, type Provider } from "../../engine/index.js";
import { errorBody, startTestServer, type TestServer } from "../../engine/providers/test-server.js";
import { openDatabase, type FlowtuneDatabase } from "../db.js";
import { createSecretCipher } from "../secrets/cipher.js";
import { SecretRedactor } from "../secrets/redact.js";
import { createProviderConfigStore, type ProviderConfigStore } from "../store/provider-configs.js";
import { ProviderConfigService, type ProviderConfigServiceDeps } from "./provider-configs.js";

const KEY = "sk-stored-0123456789abcdef";
const request = { model: "m", messages: [{ role: "user" as const, content: "hi" }] };
const sim: Provider = { id: "sim", complete: async () => ({ text: "sim", usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, latencyMs: 0, finishReason: "stop", model: "sim" }) };

async function failure(p: Promise<unknown>): Promise<FlowtuneError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FlowtuneError);
  return err as FlowtuneError;
}

describe("ProviderConfigService", () => {
  let dir: string;
  let db: FlowtuneDatabase;
  let store: ProviderConfigStore;
  let server: TestServer;
  const masterKey = randomBytes(32);
  const events: Array<{ action: string; actor: string; target?: string; details?: Record<string, unknown> }> = [];
  const lookup: HostLookup = async (host) => (host === "api.example.com" ? ["93.184.216.34"] : host === "imds.example.com" ? ["169.254.169.254"] : []);

  const make = (over: Partial<ProviderConfigServiceDeps> = {}) => {
    const redactor = new SecretRedactor();
    const service = new ProviderConfigService({
      store,
      cipher: createSecretCipher(() => masterKey),
      redactor,
      fixed: createProviderRegistry([sim]),
      log: { record: async (action, actor, target, details) => void events.push({ action, actor, target, details }) },
      lookup,
      providerOptions: { retryBaseMs: 1, maxRetries: 0 },
      onWarning: () => {},
      ...over,
    });
    return { service, redactor };
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "flowtune-provider-service-"));
    db = await openDatabase({ url: `file:${path.join(dir, "x.db")}` });
    store = createProviderConfigStore(db.prisma);
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    server.reset();
    server.setFallback({});
    events.length = 0;
    await db.prisma.providerConfig.deleteMany();
  });

  it("stores the key encrypted, lists without it, and calls the endpoint with it", async () => {
    const { service, redactor } = make();
    const view = await service.upsert({ id: "local", baseUrl: server.baseUrl, apiKey: KEY, allowPrivateNetwork: true }, "alice");
    expect(view).toMatchObject({ id: "local", kind: "openai-compatible", hasApiKey: true, allowPrivateNetwork: true, updatedBy: "alice" });
    expect(JSON.stringify(await service.list())).not.toContain(KEY);
    expect(Object.keys(view).sort()).toEqual(["allowPrivateNetwork", "baseUrl", "hasApiKey", "id", "kind", "updatedAt", "updatedBy"]);

    const row = await db.prisma.providerConfig.findUniqueOrThrow({ where: { id: "local" } });
    expect(row.apiKeyEncrypted).toMatch(/^v1\./);
    expect(row.apiKeyEncrypted).not.toContain(KEY);

    expect(service.registry.ids()).toEqual(["sim", "local"]);
    await expect(service.registry.get("local")!.complete(request)).resolves.toMatchObject({ text: "ok" });
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(redactor.redact(`oops ${KEY}`)).toBe("oops [redacted]");

    expect(events).toEqual([{ action: "provider.create", actor: "alice", target: "local", details: { baseUrl: server.baseUrl, allowPrivateNetwork: true, apiKey: "set" } }]);
    expect(JSON.stringify(events)).not.toContain(KEY);
  });

  it("loads stored providers on start with their decrypted keys", async () => {
    await make().service.upsert({ id: "local", baseUrl: server.baseUrl, apiKey: KEY, allowPrivateNetwork: true }, "alice");
    const { service, redactor } = make();
    expect(service.registry.get("local")).toBeUndefined();
    await service.start();
    await service.registry.get("local")!.complete(request);
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(redactor.redact(KEY)).toBe("[redacted]");
  });

  it("a key that no longer decrypts leaves the provider failing clearly", async () => {
    await make().service.upsert({ id: "local", baseUrl: server.baseUrl, apiKey: KEY, allowPrivateNetwork: true }, "alice");
    const warnings: string[] = [];
    const { service } = make({ cipher: createSecretCipher(() => randomBytes(32)), onWarning: (m) => warnings.push(m) });
    await service.start();
    expect(warnings[0]).toMatch(/"local".*wrong secret key/);
    const err = await service.registry.get("local")!.complete(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/cannot be decrypted.*save the key again/);
    // Keeping the key needs it decrypted: the admin is told to send it again.
    expect((await failure(service.upsert({ id: "local", baseUrl: server.baseUrl, allowPrivateNetwork: true }, "a"))).location).toEqual({ field: "apiKey" });
    // The editor hears it is not usable, and why; testing or listing it says so without a request.
    expect(await service.available()).toEqual([
      { id: "sim", origin: "builtin", type: "sim", usable: true },
      { id: "local", origin: "stored", type: "openai-compatible", usable: false, problem: expect.stringMatching(/cannot be decrypted/) },
    ]);
    expect(await service.test({ id: "local" })).toMatchObject({ ok: false, kind: "unauthorized", message: expect.stringMatching(/cannot be decrypted/) });
    expect(await service.test({ id: "local", baseUrl: server.baseUrl, allowPrivateNetwork: true })).toMatchObject({ ok: false, message: expect.stringMatching(/enter the key again/) });
    await expect(service.models("local")).rejects.toThrow(/cannot be decrypted/);
    expect(server.requests).toHaveLength(0);
    // Saving the key again makes it usable.
    await service.upsert({ id: "local", baseUrl: server.baseUrl, apiKey: KEY, allowPrivateNetwork: true }, "a");
    expect((await service.available()).find((p) => p.id === "local")).toEqual({ id: "local", origin: "stored", type: "openai-compatible", usable: true });
  });

  it("available: a stored id shadowed by a fixed provider, or saved by another process, is not usable", async () => {
    await make().service.upsert({ id: "local", baseUrl: server.baseUrl, allowPrivateNetwork: true }, "alice");
    const { service } = make(); // not started: it has not loaded "local"
    expect((await service.available()).find((p) => p.id === "local")).toMatchObject({ usable: false, problem: expect.stringMatching(/another server process/) });
    const env: Provider = { ...sim, id: "local" };
    const shadowed = make({ fixed: createProviderRegistry([sim, env]) }).service;
    await shadowed.start();
    expect(await shadowed.available()).toEqual([
      { id: "sim", origin: "builtin", type: "sim", usable: true },
      { id: "local", origin: "environment", type: "openai-compatible", usable: true },
    ]);
  });

  it("keeps the key when apiKey is undefined and removes it with null", async () => {
    const { service } = make();
    await service.upsert({ id: "local", baseUrl: server.baseUrl, apiKey: KEY, allowPrivateNetwork: true }, "alice");
    const kept = await service.upsert({ id: "local", baseUrl: `${server.url}/v2`, allowPrivateNetwork: true }, "bob");
    expect(kept).toMatchObject({ hasApiKey: true, updatedBy: "bob", baseUrl: `${server.url}/v2` });
    await service.registry.get("local")!.complete(request);
    expect(server.requests[0].url).toBe("/v2/chat/completions");
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);

    expect(await service.upsert({ id: "local", baseUrl: server.baseUrl, apiKey: null, allowPrivateNetwork: true }, "carol")).toMatchObject({ hasApiKey: false });
    await service.registry.get("local")!.complete(request);
    expect(server.requests[1].headers.authorization).toBeUndefined();
    expect(events.map((e) => `${e.action}:${e.details?.apiKey}`)).toEqual(["provider.create:set", "provider.update:unchanged", "provider.update:removed"]);
  });

  it("refuses refused URLs before writing anything", async () => {
    const { service } = make();
    for (const [baseUrl, allow] of [
      ["http://169.254.169.254/v1", true],
      ["http://metadata.google.internal/v1", true],
      ["https://imds.example.com/v1", true],
      ["http://[fe80::1]/v1", true],
      [server.baseUrl, false],
    ] as const) {
      const err = await failure(service.upsert({ id: "bad", baseUrl, apiKey: KEY, allowPrivateNetwork: allow }, "mallory"));
      expect(err.code, baseUrl).toBe("INPUT_INVALID");
      expect(err.location).toEqual({ field: "baseUrl" });
    }
    expect(await db.prisma.providerConfig.count()).toBe(0);
    expect(service.registry.get("bad")).toBeUndefined();
    expect(events).toEqual([]);
    await expect(service.upsert({ id: "pub", baseUrl: "https://api.example.com/v1", allowPrivateNetwork: false }, "alice")).resolves.toMatchObject({ hasApiKey: false });
  });

  it("pins the vetted addresses at connect time: a host that rebinds to loopback after the checks is refused", async () => {
    // Public to the save-time check and to the check before the request; loopback to the connection.
    let asked = 0;
    const rebinding: HostLookup = async (host) => (host === "llm.example.com" ? (++asked <= 2 ? ["93.184.216.34"] : ["127.0.0.1"]) : []);
    const { service } = make({ lookup: rebinding });
    const port = new URL(server.url).port;
    await service.upsert({ id: "rebind", baseUrl: `http://llm.example.com:${port}/v1`, apiKey: KEY, allowPrivateNetwork: false }, "alice");
    const err = (await service.registry.get("rebind")!.complete(request).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/refused to call .*connection refused: host "llm\.example\.com" resolves to 127\.0\.0\.1/);
    expect(err.retryable).toBe(false);
    expect(asked).toBe(3);
    expect(server.requests).toEqual([]);
    await service.close();
  });

  it("a private-network provider reached by host name connects to the vetted address", async () => {
    const { service } = make({ lookup: async (host) => (host === "ollama.lan" ? ["127.0.0.1"] : []) });
    await service.upsert({ id: "lan", baseUrl: `http://ollama.lan:${new URL(server.url).port}/v1`, allowPrivateNetwork: true }, "alice");
    await expect(service.registry.get("lan")!.complete(request)).resolves.toMatchObject({ text: "ok" });
    expect(server.requests[0].headers.host).toBe(`ollama.lan:${new URL(server.url).port}`);
    await service.close();
  });

  it("CONFLICT for a fixed provider's id; invalid ids refused", async () => {
    const { service } = make();
    expect((await failure(service.upsert({ id: "sim", baseUrl: server.baseUrl, allowPrivateNetwork: true }, "a"))).code).toBe("CONFLICT");
    expect((await failure(service.upsert({ id: "no spaces", baseUrl: server.baseUrl, allowPrivateNetwork: true }, "a"))).code).toBe("INPUT_INVALID");
  });

  it("deletes a stored provider; NOT_FOUND otherwise", async () => {
    const { service } = make();
    await service.upsert({ id: "local", baseUrl: server.baseUrl, allowPrivateNetwork: true }, "alice");
    await service.delete("local", "bob");
    expect(service.registry.get("local")).toBeUndefined();
    expect(await service.list()).toEqual([]);
    expect((await failure(service.delete("local", "bob"))).code).toBe("NOT_FOUND");
    expect((await failure(service.delete("sim", "bob"))).message).toMatch(/built in/);
    expect(events.at(-1)).toEqual({ action: "provider.delete", actor: "bob", target: "local", details: undefined });
  });

  it("upstream errors never carry the key", async () => {
    const { service, redactor } = make();
    await service.upsert({ id: "local", baseUrl: server.baseUrl, apiKey: KEY, allowPrivateNetwork: true }, "alice");
    server.setFallback({ status: 401, body: errorBody(`Incorrect API key provided: ${KEY}`) });
    const err = (await service.registry.get("local")!.complete(request).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/HTTP 401/);
    expect(err.message).not.toContain(KEY);
    expect(redactor.redact(`raw ${KEY}`)).not.toContain(KEY);
  });
});
