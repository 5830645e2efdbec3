import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlowtuneError, ProviderError } from "../errors.js";
import { createOpenAICompatibleProvider } from "./openai-compatible.js";
import { startTestServer, type TestServer } from "./test-server.js";
import { checkProviderUrl, classifyAddress, isMetadataHostname, parseIPv6, providerUrlGuard, type HostLookup } from "./url-guard.js";

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "private"],
    ["100.127.255.255", "private"],
    ["100.128.0.1", "public"],
    ["169.254.1.1", "link-local"],
    ["169.254.169.254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["8.8.8.8", "public"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fd00:ec2::254", "metadata"],
    ["FD00:EC2:0:0:0:0:0:254", "metadata"],
    ["ff02::1", "multicast"],
    ["2001:4860:4860::8888", "public"],
    ["2001:db8::1", "reserved"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:8.8.8.8", "public"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["2002:a9fe:a9fe::1", "metadata"],
  ])("%s is %s", (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });

  it("rejects what is not an IP address", () => {
    expect(() => classifyAddress("example.com")).toThrow(/not an IP address/);
    expect(() => classifyAddress("1.2.3.256")).toThrow();
    expect(parseIPv6("1::2::3")).toBeUndefined();
    expect(parseIPv6("1:2:3:4:5:6:7:8:9")).toBeUndefined();
  });

  it("knows the metadata host names", () => {
    expect(isMetadataHostname("metadata.google.internal")).toBe(true);
    expect(isMetadataHostname("METADATA.google.internal.")).toBe(true);
    expect(isMetadataHostname("metadata")).toBe(true);
    expect(isMetadataHostname("api.openai.com")).toBe(false);
  });
});

/** Resolves every host through a fixed table; unknown hosts fail like ENOTFOUND. */
const table =
  (entries: Record<string, string[]>): HostLookup =>
  async (host) => {
    if (!entries[host]) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return entries[host];
  };

async function refusal(p: Promise<unknown>): Promise<FlowtuneError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FlowtuneError);
  expect((err as FlowtuneError).code).toBe("INPUT_INVALID");
  expect((err as FlowtuneError).location).toEqual({ field: "baseUrl" });
  return err as FlowtuneError;
}

describe("checkProviderUrl", () => {
  const lookup = table({
    "api.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "rebind.example.com": ["93.184.216.34", "169.254.169.254"],
    "ollama.lan": ["192.168.1.20"],
  });
  const pub = { allowPrivateNetwork: false, lookup };
  const priv = { allowPrivateNetwork: true, lookup };

  it("accepts a public host and returns what it resolved to", async () => {
    const r = await checkProviderUrl("https://api.example.com/v1", pub);
    expect(r.url.hostname).toBe("api.example.com");
    expect(r.addresses).toHaveLength(2);
  });

  it("requires http(s) and refuses credentials and garbage", async () => {
    expect((await refusal(checkProviderUrl("ftp://api.example.com", pub))).message).toMatch(/http or https/);
    expect((await refusal(checkProviderUrl("file:///etc/passwd", pub))).message).toMatch(/http or https/);
    expect((await refusal(checkProviderUrl("https://user:pw@api.example.com/v1", pub))).message).toMatch(/user name or password/);
    expect((await refusal(checkProviderUrl("not a url", pub))).message).toMatch(/not a valid URL/);
  });

  it("always refuses link-local, metadata, unspecified and multicast, even with allowPrivateNetwork", async () => {
    for (const url of [
      "http://169.254.169.254/latest",
      "http://169.254.10.1/",
      "http://[fd00:ec2::254]/",
      "http://[fe80::1]/",
      "http://0.0.0.0:11434/v1",
      "http://[::]/",
      "http://224.0.0.1/",
      "http://[::ffff:169.254.169.254]/",
      "http://metadata.google.internal/computeMetadata/v1",
      "http://metadata/",
      "http://100.100.100.200/",
    ]) {
      const err = await refusal(checkProviderUrl(url, priv));
      expect(err.message, url).toMatch(/always refused/);
    }
    const named = await refusal(checkProviderUrl("http://169.254.169.254/", priv));
    expect(named.message).toContain("169.254.169.254");
    expect(named.message).toContain("metadata");
  });

  it("refuses loopback and private addresses unless allowed", async () => {
    for (const url of ["http://127.0.0.1:11434/v1", "http://[::1]/v1", "http://10.0.0.5/v1", "http://ollama.lan:11434/v1", "http://[::ffff:127.0.0.1]/", "http://100.64.1.1/"]) {
      const err = await refusal(checkProviderUrl(url, pub));
      expect(err.message, url).toMatch(/allowPrivateNetwork/);
      await expect(checkProviderUrl(url, priv)).resolves.toBeTruthy();
    }
    expect((await refusal(checkProviderUrl("http://ollama.lan/v1", pub))).message).toContain(`host "ollama.lan" resolves to 192.168.1.20`);
  });

  it("refuses when ANY resolved address is bad", async () => {
    const err = await refusal(checkProviderUrl("https://rebind.example.com/v1", priv));
    expect(err.message).toContain("169.254.169.254");
  });

  it("reports hosts that do not resolve", async () => {
    expect((await refusal(checkProviderUrl("https://nowhere.example/v1", pub))).message).toMatch(/could not be resolved/);
  });

  it("normalises odd IPv4 spellings through the URL parser", async () => {
    // WHATWG URL turns 0x7f.1 and 2130706433 into 127.0.0.1.
    await refusal(checkProviderUrl("http://0x7f.1/", pub));
    await refusal(checkProviderUrl("http://2130706433/", pub));
    await refusal(checkProviderUrl("http://0xa9fea9fe/", priv));
  });
});

describe("urlGuard on the openai-compatible provider", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("checks before every request, so a host that starts resolving to a refused address is caught", async () => {
    const host = "llm.test";
    const addresses = { current: ["127.0.0.1"] };
    const lookup: HostLookup = async () => addresses.current;
    let checks = 0;
    const guard = providerUrlGuard({ allowPrivateNetwork: true, lookup });
    const provider = createOpenAICompatibleProvider({
      baseUrl: `http://${host}:${new URL(server.url).port}/v1`,
      retryBaseMs: 1,
      urlGuard: async (url) => {
        checks++;
        await guard(url);
      },
      // The test host is not in DNS: send the request to the test server once the guard passed.
      fetch: (input, init) => fetch(String(input).replace(host, "127.0.0.1"), init),
    });
    const request = { model: "m", messages: [{ role: "user" as const, content: "hi" }] };
    await expect(provider.complete(request)).resolves.toMatchObject({ text: "ok" });
    expect(checks).toBe(1);

    addresses.current = ["169.254.169.254"]; // DNS rebinding after configuration
    const before = server.requests.length;
    const err = await provider.complete(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/refused to call .*169\.254\.169\.254/);
    expect(server.requests.length).toBe(before);
  });

  it("does not follow redirects when guarded (a public URL cannot bounce the call to a metadata address)", async () => {
    server.reset();
    server.enqueue({ status: 307, headers: { location: `${server.url}/latest/meta-data` }, rawBody: "" });
    server.setFallback({ rawBody: "ami-id instance-id iam/security-credentials" });
    const provider = createOpenAICompatibleProvider({ baseUrl: server.baseUrl, maxRetries: 0, urlGuard: providerUrlGuard({ allowPrivateNetwork: true }) });
    const err = (await provider.complete({ model: "m", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/HTTP 307/);
    expect(err.message).not.toMatch(/security-credentials/);
    expect(server.requests.map((r) => r.url)).toEqual(["/v1/chat/completions"]);
    server.setFallback({});
  });

  it("keeps working without a guard (operator-configured providers)", async () => {
    const provider = createOpenAICompatibleProvider({ baseUrl: server.baseUrl });
    await expect(provider.complete({ model: "m", messages: [{ role: "user", content: "hi" }] })).resolves.toMatchObject({ text: "ok" });
  });
});
