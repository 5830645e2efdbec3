/**
 * SSRF guard for provider base URLs: classifies IP addresses (IPv4, IPv6, IPv4-mapped IPv6) and
 * refuses URLs whose host resolves to an address a server-side request must never reach
 * (link-local, cloud metadata, unspecified, multicast, reserved), or — unless an admin allows
 * it for that provider — a loopback or private-network address.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { FlowtuneError } from "../errors.js";

/** What kind of network an address belongs to. */
export type AddressCategory =
  | "loopback"
  | "private"
  | "link-local"
  | "metadata"
  | "unspecified"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "public";

/** Resolves a host name to every address it has (A and AAAA). */
export type HostLookup = (host: string) => Promise<string[]>;

export interface CheckProviderUrlOptions {
  /** Allow loopback and private-network addresses (a local Ollama, a vLLM in the VPC). */
  allowPrivateNetwork: boolean;
  /** Injectable resolver (tests); default: node:dns lookup of all addresses. */
  lookup?: HostLookup;
}

export interface CheckedProviderUrl {
  url: URL;
  /** Every address the host resolved to (the literal itself for an IP host). */
  addresses: string[];
}

/** Categories refused whatever the provider's settings. */
const ALWAYS_REFUSED: ReadonlySet<AddressCategory> = new Set(["link-local", "metadata", "unspecified", "multicast", "broadcast", "reserved"]);
/** Categories refused unless the provider allows private networks. */
const PRIVATE: ReadonlySet<AddressCategory> = new Set(["loopback", "private"]);

/** Cloud instance-metadata endpoints (AWS, GCP, Azure, Alibaba, AWS IPv6). */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16"]);
const METADATA_V6_TEXT = ["fd00:ec2::254"];
/** Host names that reach a metadata service from inside a cloud VM. */
const METADATA_HOSTS = new Set(["metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"]);

const DESCRIPTIONS: Record<AddressCategory, string> = {
  loopback: "a loopback address",
  private: "a private-network address",
  "link-local": "a link-local address",
  metadata: "a cloud metadata address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  broadcast: "a broadcast address",
  reserved: "a reserved address",
  public: "a public address",
};

/** Parses a dotted-quad IPv4 address into its 4 bytes; undefined when it is not one. */
export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

/** Parses an IPv6 address (`::` shorthand, embedded IPv4 tail, `[…]` and `%zone` tolerated) into 16 bytes. */
export function parseIPv6(text: string): number[] | undefined {
  let s = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(":")) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIPv4(piece);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

/** The IPv6 metadata addresses as bytes, for an exact comparison. */
const METADATA_V6: number[][] = METADATA_V6_TEXT.map((t) => parseIPv6(t)!);

function classifyIPv4(b: number[]): AddressCategory {
  const [a, b1, c, d] = b;
  const dotted = b.join(".");
  if (METADATA_ADDRESSES.has(dotted)) return "metadata";
  if (a === 0) return "unspecified"; // 0.0.0.0/8: "this host"; Linux connects 0.0.0.0 to localhost
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && b1 >= 16 && b1 <= 31) || (a === 192 && b1 === 168)) return "private";
  if (a === 100 && b1 >= 64 && b1 <= 127) return "private"; // CGNAT 100.64/10
  if (a === 169 && b1 === 254) return "link-local";
  if (a >= 224 && a <= 239) return "multicast";
  if (a === 255 && b1 === 255 && c === 255 && d === 255) return "broadcast";
  if (a >= 240) return "reserved";
  if (a === 192 && b1 === 0 && (c === 0 || c === 2)) return "reserved"; // IETF protocol assignments, TEST-NET-1
  if (a === 198 && (b1 === 18 || b1 === 19)) return "reserved"; // benchmarking
  if ((a === 198 && b1 === 51 && c === 100) || (a === 203 && b1 === 0 && c === 113)) return "reserved"; // TEST-NET-2/3
  return "public";
}

function classifyIPv6(b: number[]): AddressCategory {
  const words = Array.from({ length: 8 }, (_, i) => (b[2 * i] << 8) | b[2 * i + 1]);
  const zeroUpTo = (n: number) => words.slice(0, n).every((w) => w === 0);
  if (METADATA_V6.some((m) => m.every((byte, i) => byte === b[i]))) return "metadata";
  if (zeroUpTo(8)) return "unspecified";
  if (zeroUpTo(7) && words[7] === 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) forms reach the IPv4 host.
  if (zeroUpTo(5) && (words[5] === 0xffff || words[5] === 0)) return classifyIPv4(b.slice(12));
  // NAT64 (64:ff9b::/96) also reaches the embedded IPv4 host.
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0)) return classifyIPv4(b.slice(12));
  if (words[0] === 0x2002) {
    const embedded = classifyIPv4(b.slice(2, 6)); // 6to4 embeds the IPv4 address in bits 16–47
    if (embedded !== "public") return embedded;
  }
  if ((words[0] & 0xfe00) === 0xfc00) return "private"; // fc00::/7 unique local
  if ((words[0] & 0xffc0) === 0xfe80) return "link-local"; // fe80::/10
  if ((words[0] & 0xffc0) === 0xfec0) return "private"; // fec0::/10, deprecated site-local
  if ((words[0] & 0xff00) === 0xff00) return "multicast";
  if (words[0] === 0x2001 && words[1] === 0x0db8) return "reserved"; // documentation
  if ((words[0] & 0xe000) === 0x2000) return "public"; // 2000::/3 global unicast
  return "reserved";
}

/** True when `text` is an IPv4 or IPv6 literal (brackets allowed). */
export function isIpLiteral(text: string): boolean {
  return parseIPv4(text) !== undefined || parseIPv6(text) !== undefined;
}

/** The category of an IP address literal; throws when `address` is not an IP address. */
export function classifyAddress(address: string): AddressCategory {
  const v4 = parseIPv4(address);
  if (v4) return classifyIPv4(v4);
  const v6 = parseIPv6(address);
  if (v6) return classifyIPv6(v6);
  throw new Error(`not an IP address: ${JSON.stringify(address)}`);
}

/** True for a host name that names a cloud metadata service (case-insensitive, trailing dot ignored). */
export function isMetadataHostname(host: string): boolean {
  return METADATA_HOSTS.has(host.toLowerCase().replace(/\.$/, ""));
}

/** The default resolver: every A/AAAA address of the host, as the OS resolver sees it. */
export const defaultHostLookup: HostLookup = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Why an address is refused: its category (undefined when it is not an IP address) and a phrase starting "is …". */
export interface AddressRefusal {
  category: AddressCategory | undefined;
  reason: string;
}

/**
 * Whether a provider request may connect to `address` (one IP literal): undefined when it may,
 * else why not. The one classification both the URL check and the connect-time pin apply.
 */
export function addressRefusal(address: string, allowPrivateNetwork: boolean): AddressRefusal | undefined {
  let category: AddressCategory;
  try {
    category = classifyAddress(address);
  } catch {
    return { category: undefined, reason: "is not a recognised IP address" };
  }
  if (ALWAYS_REFUSED.has(category)) return { category, reason: `is ${DESCRIPTIONS[category]}; provider requests to it are always refused` };
  if (PRIVATE.has(category) && !allowPrivateNetwork) {
    return { category, reason: `is ${DESCRIPTIONS[category]}; an admin must set allowPrivateNetwork for this provider to use it` };
  }
  return undefined;
}

/** A refused provider base URL (INPUT_INVALID, field `baseUrl`); `reason` tells a malformed URL, an unknown host and a refused address apart. */
export class ProviderUrlError extends FlowtuneError {
  constructor(
    message: string,
    readonly reason: "malformed" | "unresolvable" | "refused",
  ) {
    super("INPUT_INVALID", message, { field: "baseUrl" });
  }
}

const invalid = (message: string, reason: ProviderUrlError["reason"] = "malformed") => new ProviderUrlError(message, reason);

/**
 * Validates a provider base URL against SSRF: http(s) only, no credentials, and every address the
 * host resolves to must be allowed (link-local, metadata, unspecified, multicast and reserved
 * never; loopback and private only with `allowPrivateNetwork`). Throws FlowtuneError
 * INPUT_INVALID (field `baseUrl`) naming the address and the reason.
 */
export async function checkProviderUrl(url: string, opts: CheckProviderUrlOptions): Promise<CheckedProviderUrl> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`baseUrl is not a valid URL (expected e.g. https://api.openai.com/v1)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw invalid(`baseUrl must be http or https, got ${parsed.protocol}`);
  // Credentials in a URL end up in logs and error messages; the API key field is the place for them.
  if (parsed.username || parsed.password) throw invalid("baseUrl must not contain a user name or password; set the API key instead");
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw invalid("baseUrl has no host");
  if (isMetadataHostname(host)) throw invalid(`baseUrl host "${host}" is a cloud metadata service; provider requests to it are always refused`, "refused");

  let addresses: string[];
  if (isIpLiteral(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await (opts.lookup ?? defaultHostLookup)(host);
    } catch (err) {
      throw invalid(`baseUrl host "${host}" could not be resolved: ${err instanceof Error ? err.message : String(err)}`, "unresolvable");
    }
    if (addresses.length === 0) throw invalid(`baseUrl host "${host}" resolved to no address`, "unresolvable");
  }

  // ANY bad address refuses the URL: the OS may pick any of them when connecting.
  for (const address of addresses) {
    const refusal = addressRefusal(address, opts.allowPrivateNetwork);
    if (!refusal) continue;
    if (refusal.category === undefined) throw invalid(`baseUrl host "${host}" resolved to an unrecognised address ${JSON.stringify(address)}`, "refused");
    const where = address === host ? `address ${address}` : `host "${host}" resolves to ${address}, which`;
    throw invalid(`baseUrl ${where} ${refusal.reason}`, "refused");
  }
  return { url: parsed, addresses };
}

/** A `urlGuard` for createOpenAICompatibleProvider: re-checks the URL (and re-resolves its host) before each request. */
export function providerUrlGuard(opts: CheckProviderUrlOptions): (url: URL) => Promise<void> {
  return async (url) => {
    await checkProviderUrl(url.toString(), opts);
  };
}
