/**
 * Connect-time SSRF pin for provider requests: an undici dispatcher whose connector resolves the
 * host itself, vets every address with the URL guard's classification, and lets the socket
 * connect only to vetted addresses. The URL check before a request resolves the host once; without
 * this pin `fetch` would resolve it again when connecting, and a DNS-rebinding host could answer
 * a public address to the check and 169.254.169.254 to the connection.
 *
 * The socket still connects *by host name* (the vetted addresses come back through net's `lookup`
 * hook), so TLS SNI, certificate checks and the Host header keep using the name.
 */
import type { LookupAddress, LookupOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, buildConnector, type Dispatcher } from "undici";
import { FlowtuneError } from "../errors.js";
import { addressRefusal, defaultHostLookup, providerUrlGuard, type CheckProviderUrlOptions, type HostLookup } from "./url-guard.js";

/** A connection refused because the host resolved (at connect time) to an address a provider may not reach. */
export class AddressRefusedError extends FlowtuneError {
  override name = "AddressRefusedError";
  constructor(
    readonly host: string,
    readonly address: string,
    reason: string,
  ) {
    const where = host === address ? `address ${address}` : `host "${host}" resolves to ${address}, which`;
    super("INPUT_INVALID", `connection refused: ${where} ${reason}`, { field: "baseUrl" });
  }
}

/** True when `err` or any error in its `cause` chain is an AddressRefusedError (fetch wraps it). */
export function findAddressRefusal(err: unknown): AddressRefusedError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof AddressRefusedError) return e;
  }
  return undefined;
}

export interface PinnedDispatcherOptions extends CheckProviderUrlOptions {
  /** Connect timeout in ms (undici's default: 10 000). */
  connectTimeoutMs?: number;
}

/** Vets every address of `host`; throws AddressRefusedError for the first refused one (a mixed answer is refused whole). */
function vetAll(host: string, addresses: string[], allowPrivateNetwork: boolean): void {
  for (const address of addresses) {
    const refusal = addressRefusal(address, allowPrivateNetwork);
    if (refusal) throw new AddressRefusedError(host, address, refusal.reason);
  }
}

/**
 * A `lookup` for net/tls.connect: resolves with `resolve`, refuses the whole answer if any address
 * is refused (the OS or happy-eyeballs may pick any of them), and returns only vetted addresses.
 */
export function vettedLookup(resolve: HostLookup, allowPrivateNetwork: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    resolve(hostname).then(
      (addresses) => {
        try {
          if (addresses.length === 0) throw Object.assign(new Error(`host "${hostname}" resolved to no address`), { code: "ENOTFOUND" });
          vetAll(hostname, addresses, allowPrivateNetwork);
          const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
          const list = addresses.map((address) => ({ address, family: isIP(address) })).filter((a) => a.family !== 0 && (wanted === undefined || a.family === wanted));
          if (list.length === 0) throw Object.assign(new Error(`host "${hostname}" has no IPv${wanted} address`), { code: "ENOTFOUND" });
          if (options.all) callback(null, list);
          else callback(null, list[0].address, list[0].family);
        } catch (err) {
          callback(err as NodeJS.ErrnoException, []);
        }
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), []),
    );
  };
}

/**
 * An undici Agent for one provider: every new connection resolves its host through `lookup`
 * (default: the OS resolver) and connects only to addresses the URL guard allows for
 * `allowPrivateNetwork`. IP-literal hosts (net skips `lookup` for them) are vetted directly.
 */
export function createPinnedDispatcher(opts: PinnedDispatcherOptions): Agent {
  const lookup = vettedLookup(opts.lookup ?? defaultHostLookup, opts.allowPrivateNetwork);
  const connector = buildConnector({ lookup, ...(opts.connectTimeoutMs !== undefined ? { timeout: opts.connectTimeoutMs } : {}) });
  const connect: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host)) {
      try {
        vetAll(host, [host], opts.allowPrivateNetwork);
      } catch (err) {
        callback(err as Error, null);
        return;
      }
    }
    connector(options, callback);
  };
  return new Agent({ connect });
}

/** Both halves of a guarded provider transport: the URL check before each request, and the connect-time pin. */
export interface GuardedTransport {
  urlGuard: (url: URL) => Promise<void>;
  dispatcher: Dispatcher;
}

/** The URL guard and the pinned dispatcher for one provider, sharing its settings and resolver. */
export function guardedTransport(opts: PinnedDispatcherOptions): GuardedTransport {
  return { urlGuard: providerUrlGuard(opts), dispatcher: createPinnedDispatcher(opts) };
}
