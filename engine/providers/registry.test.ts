import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProviderRegistry, providersFromEnv } from "./registry.js";
import { startTestServer, type TestServer } from "./test-server.js";
import type { Provider } from "./types.js";

const stub = (id: string): Provider => ({
  id,
  complete: async () => ({
    text: id,
    usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    latencyMs: 0,
    finishReason: "stop",
    model: "x",
  }),
});

describe("createProviderRegistry", () => {
  it("looks providers up by id and lists ids in order", () => {
    const a = stub("sim");
    const b = stub("openai-compatible");
    const registry = createProviderRegistry([a, b]);
    expect(registry.get("sim")).toBe(a);
    expect(registry.get("openai-compatible")).toBe(b);
    expect(registry.get("nope")).toBeUndefined();
    expect(registry.ids()).toEqual(["sim", "openai-compatible"]);
  });

  it("rejects duplicate ids", () => {
    expect(() => createProviderRegistry([stub("a"), stub("a")])).toThrow(/duplicate provider id "a"/);
  });

  it("ids() returns a copy", () => {
    const registry = createProviderRegistry([stub("a")]);
    registry.ids().push("b");
    expect(registry.ids()).toEqual(["a"]);
  });
});

describe("providersFromEnv", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const call = async (providers: Provider[]) => {
    server.reset();
    expect(providers).toHaveLength(1);
    expect(providers[0].id).toBe("openai-compatible");
    await providers[0].complete({ model: "m", messages: [{ role: "user", content: "hi" }] });
    return server.requests[0];
  };

  it("builds nothing from an empty environment (or empty values)", () => {
    expect(providersFromEnv({})).toEqual([]);
    expect(providersFromEnv({ FLOWTUNE_OPENAI_BASE_URL: " ", OPENAI_API_KEY: "" })).toEqual([]);
  });

  it("uses FLOWTUNE_OPENAI_BASE_URL with FLOWTUNE_OPENAI_API_KEY", async () => {
    const req = await call(providersFromEnv({ FLOWTUNE_OPENAI_BASE_URL: server.baseUrl, FLOWTUNE_OPENAI_API_KEY: "sk-local" }));
    expect(req.url).toBe("/v1/chat/completions");
    expect(req.headers.authorization).toBe("Bearer sk-local");
  });

  it("never sends OPENAI_API_KEY to a custom base URL", async () => {
    const req = await call(providersFromEnv({ FLOWTUNE_OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: "sk-real-openai" }));
    expect(req.headers.authorization).toBeUndefined();
  });

  it("OPENAI_API_KEY alone targets api.openai.com", async () => {
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      seen.push(`${String(input)} ${new Headers(init?.headers).get("authorization")}`);
      return new Response(JSON.stringify({ model: "m", choices: [{ message: { content: "hi" }, finish_reason: "stop" }] }));
    };
    const [p] = providersFromEnv({ OPENAI_API_KEY: "sk-abc" }, { fetch: fakeFetch });
    await p.complete({ model: "m", messages: [{ role: "user", content: "hi" }] });
    expect(seen).toEqual(["https://api.openai.com/v1/chat/completions Bearer sk-abc"]);
  });

  it("names the variable when the base URL is invalid", () => {
    expect(() => providersFromEnv({ FLOWTUNE_OPENAI_BASE_URL: "localhost:11434" })).toThrow(/^FLOWTUNE_OPENAI_BASE_URL: /);
  });
});
