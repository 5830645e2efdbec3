import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configureLimits } from "../limits.js";
import { HttpToolSchema, type HttpTool } from "../schema/tools.js";
import { httpTool } from "./http.js";
import { configureToolNetwork } from "./network.js";
import { startToolTestService, type ToolTestService } from "./test-service.js";

let svc: ToolTestService;
beforeAll(async () => {
  svc = await startToolTestService();
});
afterAll(() => svc.close());
afterEach(() => {
  configureToolNetwork();
  configureLimits({});
});

const tool = (over: Partial<HttpTool> & { url: string }): HttpTool =>
  HttpToolSchema.parse({ kind: "http", name: "t", description: "d", parameters: { type: "object", properties: { q: { type: "string" } } }, ...over });
const ctx = () => ({ signal: new AbortController().signal, nodeId: "n" });
const allowLoopback = () => configureToolNetwork({ allowPrivateNetwork: true });

describe("http tools", () => {
  it("refuses loopback by default, naming the address and the operator's switch; nothing reaches the service", async () => {
    configureToolNetwork({ allowPrivateNetwork: false });
    const before = svc.requests.length;
    await expect(httpTool.run(tool({ url: `${svc.url}/calc?expression={{q}}` }), { q: "1+1" }, ctx())).rejects.toThrow(
      /refused to call http:\/\/127\.0\.0\.1:\d+\/calc: address 127\.0\.0\.1 is a loopback address; the operator must set FLOWTUNE_TOOLS_ALLOW_PRIVATE_NETWORK=1/,
    );
    expect(svc.requests.length).toBe(before);
  });

  it("refuses metadata and link-local addresses even when private networks are allowed", async () => {
    allowLoopback();
    await expect(httpTool.run(tool({ url: "http://169.254.169.254/latest/{{q}}" }), { q: "x" }, ctx())).rejects.toThrow(/cloud metadata address; provider requests to it are always refused/);
    await expect(httpTool.run(tool({ url: "http://metadata.google.internal/{{q}}" }), { q: "x" }, ctx())).rejects.toThrow(/metadata/);
  });

  it("fills the URL template with URL-encoded arguments and returns the JSON body", async () => {
    allowLoopback();
    // "&x=1" stays inside the value: the service sees it (and refuses it as an expression), with its 400 in the error.
    await expect(httpTool.run(tool({ url: `${svc.url}/calc?expression={{q}}` }), { q: "(12 + 5) * 3&x=1" }, ctx())).rejects.toThrow(/answered HTTP 400: .*Invalid expression token: &/);
    const ok = await httpTool.run(tool({ url: `${svc.url}/calc?expression={{q}}` }), { q: "(12 + 5) * 3" }, ctx());
    expect(ok).toEqual({ result: 51 });
    // An argument cannot add a query parameter or change the path.
    const echoed = (await httpTool.run(tool({ url: `${svc.url}/echo?q={{q}}` }), { q: "a&admin=1/../x" }, ctx())) as { query: Record<string, string> };
    expect(echoed.query).toEqual({ q: "a&admin=1/../x" });
  });

  it("sends headers (templated) and a JSON body of the arguments the URL does not use for POST", async () => {
    allowLoopback();
    const t = HttpToolSchema.parse({
      kind: "http", name: "t", description: "d", method: "POST", url: `${svc.url}/echo?city={{city}}`, headers: { "X-Key": "k-{{tag}}" },
      parameters: { type: "object", properties: { city: { type: "string" }, tag: { type: "string" }, n: { type: "number" } } },
    });
    const r = (await httpTool.run(t, { city: "Oslo", tag: "a", n: 3 }, ctx())) as { method: string; headers: Record<string, string>; body: string };
    expect(r.method).toBe("POST");
    expect(r.headers["x-key"]).toBe("k-a");
    expect(JSON.parse(r.body)).toEqual({ tag: "a", n: 3 });
    await expect(httpTool.run(t, { city: "Oslo", tag: "a\r\nX-Evil: 1", n: 3 }, ctx())).rejects.toThrow(/line breaks/);
    await expect(httpTool.run(t, { tag: "a" }, ctx())).rejects.toThrow(/the argument "city" the tool's template uses is missing/);
  });

  it("bounds the response size, the time, and does not follow redirects", async () => {
    allowLoopback();
    configureLimits({ toolHttpResponseBytes: 1000, toolHttpTimeoutMs: 200 });
    await expect(httpTool.run(tool({ url: `${svc.url}/big?bytes=5000` }), {}, ctx())).rejects.toThrow(/response body over 1,000 bytes \(toolHttpResponseBytes\)/);
    expect(await httpTool.run(tool({ url: `${svc.url}/big?bytes=900` }), {}, ctx())).toBe("x".repeat(900));
    const started = performance.now();
    await expect(httpTool.run(tool({ url: `${svc.url}/slow?ms=5000` }), {}, ctx())).rejects.toThrow(/timed out after 200 ms \(toolHttpTimeoutMs\)/);
    expect(performance.now() - started).toBeLessThan(3000);
    await expect(httpTool.run(tool({ url: `${svc.url}/redirect` }), {}, ctx())).rejects.toThrow(/HTTP 302 \(a redirect\); tool requests do not follow redirects/);
    await expect(httpTool.run(tool({ url: `${svc.url}/status/503` }), {}, ctx())).rejects.toThrow(/answered HTTP 503/);
  });

  it("refuses non-http URLs and a URL the arguments break", async () => {
    allowLoopback();
    await expect(httpTool.run(tool({ url: "file:///etc/{{q}}" }), { q: "passwd" }, ctx())).rejects.toThrow(/must be http or https, got file:/);
    await expect(httpTool.run(tool({ url: "{{q}}" }), { q: "http://x" }, ctx())).rejects.toThrow(/not a valid URL/);
  });
});
