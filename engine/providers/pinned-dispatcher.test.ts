// The connect-time SSRF pin: real sockets on 127.0.0.1, the resolver injected so a host can answer
// one thing to the URL check and another to the connection (DNS rebinding).
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fetch as undiciFetch } from "undici";
import { ProviderError } from "../errors.js";
import { createOpenAICompatibleProvider } from "./openai-compatible.js";
import { AddressRefusedError, createPinnedDispatcher, findAddressRefusal, guardedTransport, vettedLookup } from "./pinned-dispatcher.js";
import { startTestServer, type TestServer } from "./test-server.js";
import type { HostLookup } from "./url-guard.js";

const request = { model: "m", messages: [{ role: "user" as const, content: "hi" }] };
const PUBLIC = "93.184.216.34";

/** A resolver answering `answers[i]` to its i-th call (the last answer repeats); records the hosts asked. */
function sequence(...answers: string[][]): HostLookup & { hosts: string[] } {
  const hosts: string[] = [];
  const lookup = async (host: string) => {
    hosts.push(host);
    return answers[Math.min(hosts.length - 1, answers.length - 1)];
  };
  return Object.assign(lookup, { hosts });
}

/** A TCP listener on 127.0.0.1 that counts connections: the proof a refused request never reached it. */
let tripwire: NetServer;
let tripwirePort: number;
let connections = 0;
/** An OpenAI-compatible server on 127.0.0.1 for the allowed paths. */
let llm: TestServer;
const closeAfter: Array<{ close(): Promise<unknown> }> = [];

beforeAll(async () => {
  tripwire = createNetServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((r) => tripwire.listen(0, "127.0.0.1", r));
  tripwirePort = (tripwire.address() as AddressInfo).port;
  llm = await startTestServer();
});
afterAll(async () => {
  await new Promise<void>((r) => tripwire.close(() => r()));
  await llm.close();
});
afterEach(async () => {
  await Promise.all(closeAfter.splice(0).map((d) => d.close()));
});

/** A provider guarded like a stored one: URL check before each request, pinned dispatcher at connect. */
function guarded(baseUrl: string, lookup: HostLookup, allowPrivateNetwork: boolean, maxRetries = 2) {
  const transport = guardedTransport({ allowPrivateNetwork, lookup });
  closeAfter.push(transport.dispatcher);
  return createOpenAICompatibleProvider({ baseUrl, maxRetries, retryBaseMs: 1, ...transport });
}

async function providerError(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe("DNS rebinding between the check and the connection", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["169.254.169.254", "metadata"],
    ["::ffff:127.0.0.1", "loopback"],
  ])("public at check time, %s at connect time: refused at connect, no connection made, not retried", async (rebound, category) => {
    const lookup = sequence([PUBLIC], [rebound]);
    const before = connections;
    const err = await providerError(guarded(`http://rebind.test:${tripwirePort}/v1`, lookup, false).complete(request));
    expect(err.message).toMatch(/refused to call/);
    expect(err.message).toContain(rebound);
    expect(err.message).toContain(category);
    expect(err.retryable).toBe(false);
    expect(findAddressRefusal(err.cause)).toBeInstanceOf(AddressRefusedError);
    // Check, then connect: two lookups, and no retry re-ran them.
    expect(lookup.hosts).toEqual(["rebind.test", "rebind.test"]);
    expect(connections).toBe(before);
  });

  it("the metadata address is refused at connect even with allowPrivateNetwork", async () => {
    const before = connections;
    // No retries: the refusal must come from the connection, not from a re-check before a retry.
    const err = await providerError(guarded(`http://rebind.test:${tripwirePort}/v1`, sequence([PUBLIC], ["169.254.169.254"]), true, 0).complete(request));
    expect(err.message).toMatch(/connection refused: .*always refused/);
    expect(connections).toBe(before);
  });

  it("with allowPrivateNetwork the same rebinding to loopback is allowed and reaches the server", async () => {
    llm.reset();
    const port = new URL(llm.url).port;
    const lookup = sequence([PUBLIC], ["127.0.0.1"]);
    await expect(guarded(`http://rebind.test:${port}/v1`, lookup, true).complete(request)).resolves.toMatchObject({ text: "ok" });
    expect(llm.requests).toHaveLength(1);
  });

  it("the OS resolver's own answer is vetted too (localhost checked as public, connected as loopback)", async () => {
    // The URL check is told "public"; the dispatcher asks the real resolver, which says loopback.
    const transport = guardedTransport({ allowPrivateNetwork: false });
    closeAfter.push(transport.dispatcher);
    const provider = createOpenAICompatibleProvider({
      baseUrl: `http://localhost:${tripwirePort}/v1`,
      maxRetries: 0,
      urlGuard: guardedTransport({ allowPrivateNetwork: false, lookup: async () => [PUBLIC] }).urlGuard,
      dispatcher: transport.dispatcher,
    });
    const before = connections;
    const err = await providerError(provider.complete(request));
    expect(err.message).toMatch(/refused to call .*localhost.*loopback/);
    expect(connections).toBe(before);
  });
});

describe("the answer at connect time", () => {
  it.each([
    [[PUBLIC, "127.0.0.1"], "127.0.0.1"],
    [["127.0.0.1", PUBLIC], "127.0.0.1"],
    [[PUBLIC, "10.0.0.7"], "10.0.0.7"],
    [["2606:2800:220:1:248:1893:25c8:1946", "fd00:ec2::254"], "fd00:ec2::254"],
  ])("a mixed answer %j is refused whole (naming %s)", async (answer, bad) => {
    const before = connections;
    const err = await providerError(guarded(`http://mixed.test:${tripwirePort}/v1`, sequence([PUBLIC], answer), false, 0).complete(request));
    expect(err.message).toMatch(/connection refused/);
    expect(err.message).toContain(bad);
    expect(err.retryable).toBe(false);
    expect(connections).toBe(before);
  });

  it("an empty or failing answer is a DNS error (ENOTFOUND), not a refusal and not a crash", async () => {
    const failing: HostLookup = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND gone.test"), { code: "ENOTFOUND" });
    };
    for (const lookup of [sequence([]), failing]) {
      const dispatcher = createPinnedDispatcher({ allowPrivateNetwork: false, lookup });
      closeAfter.push(dispatcher);
      const err = await undiciFetch(`http://gone.test:${tripwirePort}/`, { dispatcher }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).cause).toMatchObject({ code: "ENOTFOUND" });
      expect(findAddressRefusal(err)).toBeUndefined();
    }
  });
});

describe("IP-literal hosts (net connects without a lookup)", () => {
  it("a loopback literal is refused by the dispatcher itself without allowPrivateNetwork", async () => {
    for (const host of ["127.0.0.1", "[::ffff:127.0.0.1]"]) {
      const dispatcher = createPinnedDispatcher({ allowPrivateNetwork: false, lookup: async () => [PUBLIC] });
      closeAfter.push(dispatcher);
      const before = connections;
      const err = await undiciFetch(`http://${host}:${tripwirePort}/`, { dispatcher }).catch((e: unknown) => e);
      expect(findAddressRefusal(err)?.message, host).toMatch(/loopback/);
      expect(connections).toBe(before);
    }
  });

  it("an allowed literal still works, through the OpenAI-compatible test server", async () => {
    llm.reset();
    const lookup = sequence(["203.0.113.1"]); // must not be asked: the host is a literal
    await expect(guarded(llm.baseUrl, lookup, true).complete(request)).resolves.toMatchObject({ text: "ok" });
    expect(lookup.hosts).toEqual([]);
    expect(llm.requests.map((r) => r.url)).toEqual(["/v1/chat/completions"]);
  });
});

describe("the connection keeps the host name", () => {
  let http: HttpServer;
  let tls: TlsServer;
  const hosts: string[] = [];
  const servernames: string[] = [];
  beforeAll(async () => {
    http = createHttpServer((req, res) => {
      hosts.push(req.headers.host ?? "");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ choices: [{ message: { content: "named" } }] }));
    });
    // No certificate needed: the SNI callback sees the server name, then the handshake is dropped.
    tls = createTlsServer({
      SNICallback: (name, cb) => {
        servernames.push(name);
        cb(new Error("test server has no certificate"));
      },
    });
    tls.on("tlsClientError", () => undefined);
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
    await new Promise<void>((r) => tls.close(() => r()));
  });

  it("sends Host: <name>:<port> while connecting to the vetted address", async () => {
    const port = (http.address() as AddressInfo).port;
    await expect(guarded(`http://llm.internal.test:${port}/v1`, sequence(["127.0.0.1"]), true).complete(request)).resolves.toMatchObject({ text: "named" });
    expect(hosts).toEqual([`llm.internal.test:${port}`]);
  });

  it("uses the host name for TLS SNI (and so for the certificate check)", async () => {
    const port = (tls.address() as AddressInfo).port;
    const err = await providerError(guarded(`https://secure.llm.test:${port}/v1`, sequence(["127.0.0.1"]), true).complete(request));
    expect(err.message).toMatch(/network error/);
    expect(servernames[0]).toBe("secure.llm.test");
  });
});

describe("redirects stay unfollowed with the pinned dispatcher", () => {
  it("a 3xx to a metadata URL is an error; the Location is never requested", async () => {
    llm.reset();
    llm.enqueue({ status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/" }, rawBody: "" });
    const err = await providerError(guarded(llm.baseUrl, sequence([PUBLIC]), true).complete(request));
    expect(err.message).toMatch(/HTTP 302/);
    expect(llm.requests.map((r) => r.url)).toEqual(["/v1/chat/completions"]);
  });
});

describe("vettedLookup (net's lookup contract)", () => {
  const call = (lookup: ReturnType<typeof vettedLookup>, options: object) =>
    new Promise<{ err: unknown; address: unknown; family: unknown }>((resolve) => lookup("h.test", options, (err, address, family) => resolve({ err, address, family })));

  it("answers one address, or all of them with `all`, filtered by `family`", async () => {
    const lookup = vettedLookup(async () => [PUBLIC, "2606:2800:220:1:248:1893:25c8:1946"], false);
    expect(await call(lookup, {})).toMatchObject({ err: null, address: PUBLIC, family: 4 });
    expect(await call(lookup, { all: true })).toMatchObject({ err: null, address: [{ address: PUBLIC, family: 4 }, { address: "2606:2800:220:1:248:1893:25c8:1946", family: 6 }] });
    expect(await call(lookup, { family: 6 })).toMatchObject({ err: null, address: "2606:2800:220:1:248:1893:25c8:1946", family: 6 });
    expect((await call(vettedLookup(async () => [PUBLIC], false), { family: 6 })).err).toMatchObject({ code: "ENOTFOUND" });
  });

  it("refuses an answer with a refused or unparseable address", async () => {
    expect((await call(vettedLookup(async () => [PUBLIC, "0.0.0.0"], true), { all: true })).err).toBeInstanceOf(AddressRefusedError);
    expect((await call(vettedLookup(async () => ["not-an-ip"], true), {})).err).toBeInstanceOf(AddressRefusedError);
  });
});
