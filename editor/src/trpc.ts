/**
 * The editor's tRPC client: queries and mutations over batched HTTP, subscriptions (run events)
 * over SSE. Only the router's TYPE comes from the server.
 */
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, isTRPCClientError, splitLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "../../server/router.js";
import { CSRF_HEADER } from "./auth/api.js";
import { keepaliveFor } from "./shell/unload.js";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type WorkflowSummary = RouterOutputs["workflows"]["list"][number];
export type WorkflowRecord = RouterOutputs["workflows"]["get"];
export type RunSummary = RouterOutputs["runs"]["list"]["runs"][number];
export type RunDetail = RouterOutputs["runs"]["get"];

export interface ClientOptions {
  /** The session's CSRF token, sent on every batched request (the server requires it on mutations). */
  csrfToken: string;
  /** Called when the server answers 401: the session cookie expired or was revoked. */
  onUnauthorized: () => void;
  url?: string;
}

export function createClient({ csrfToken, onUnauthorized, url = "/trpc" }: ClientOptions) {
  const headers = () => ({ [CSRF_HEADER]: csrfToken });
  const send = async (input: RequestInfo | URL, init?: RequestInit) => {
    // A save sent as the page goes away must outlive it (see shell/unload.ts).
    const res = await fetch(input, { ...(init as RequestInit), credentials: "same-origin", ...keepaliveFor(init as RequestInit) });
    if (res.status === 401) onUnauthorized();
    return res;
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // The browser's EventSource; it reconnects with the last tracked id (the event's seq).
        // Same origin, so the session cookie goes along; subscriptions need no CSRF header.
        true: httpSubscriptionLink({ url }),
        false: splitLink({
          // `context.unbatched`: sent at once, not on the batch's next timer tick (a page being
          // closed runs no more timers: its last save must leave during the pagehide event).
          condition: (op) => op.context.unbatched === true,
          true: httpLink({ url, headers, fetch: send }),
          false: httpBatchLink({ url, headers, fetch: send }),
        }),
      }),
    ],
  });
}

/** True for a tRPC error that means "not signed in" (as opposed to FORBIDDEN: signed in, not allowed). */
export function isUnauthorized(err: unknown): boolean {
  if (!isTRPCClientError(err)) return false;
  const data = err.data as { code?: string; httpStatus?: number } | undefined;
  return data?.code === "UNAUTHORIZED" || data?.httpStatus === 401;
}

/** Errors a retry cannot fix. */
export function isAuthError(err: unknown): boolean {
  if (!isTRPCClientError(err)) return false;
  const code = (err.data as { code?: string } | undefined)?.code;
  return code === "UNAUTHORIZED" || code === "FORBIDDEN";
}
