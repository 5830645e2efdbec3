/**
 * Where `http` tools may connect. The graph is written by editors, so it cannot widen this: the
 * operator does, like an admin's `allowPrivateNetwork` on a provider (FLOWTUNE_TOOLS_ALLOW_PRIVATE_NETWORK=1
 * for the server or the CLI, or configureToolNetwork in tests and embedders).
 */
import type { Dispatcher } from "undici";
import { guardedTransport } from "../providers/pinned-dispatcher.js";
import type { HostLookup } from "../providers/url-guard.js";

export interface ToolNetworkPolicy {
  /** Allow loopback and private-network addresses (a tool service on this machine or in the VPC). */
  allowPrivateNetwork: boolean;
  /** Injectable resolver (tests). */
  lookup?: HostLookup;
}

/** The environment variable that lets http tools reach loopback and private networks. */
export const TOOL_NETWORK_ENV = "FLOWTUNE_TOOLS_ALLOW_PRIVATE_NETWORK";

let configured: ToolNetworkPolicy | undefined;
let transport: { key: ToolNetworkPolicy; urlGuard: (url: URL) => Promise<void>; dispatcher: Dispatcher } | undefined;

/** Sets this process's policy; without an argument it goes back to the environment's. */
export function configureToolNetwork(policy?: ToolNetworkPolicy): void {
  configured = policy ? { ...policy } : undefined;
  transport = undefined;
}

/** The policy in force: the configured one, else the environment's (private networks refused unless the variable is 1/true). */
export function toolNetwork(): ToolNetworkPolicy {
  if (configured) return configured;
  const raw = (process.env[TOOL_NETWORK_ENV] ?? "").trim().toLowerCase();
  return { allowPrivateNetwork: raw === "1" || raw === "true" || raw === "yes" };
}

/** The URL check and pinned dispatcher of the policy in force (one dispatcher, reused across calls). */
export function toolTransport(): { urlGuard: (url: URL) => Promise<void>; dispatcher: Dispatcher } {
  const policy = toolNetwork();
  if (!transport || transport.key.allowPrivateNetwork !== policy.allowPrivateNetwork || transport.key.lookup !== policy.lookup) {
    transport = { key: policy, ...guardedTransport(policy) };
  }
  return transport;
}
