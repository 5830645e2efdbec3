/**
 * The editor's tRPC client: queries and mutations over batched HTTP, subscriptions (run events)
 * over SSE. Only the router's TYPE comes from the server.
 */
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, isTRPCClientError, splitLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "../../server/router.js";
import { CSRF_HEADER } from "./auth/api.js";

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
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // The browser's EventSource; it reconnects with the last tracked id (the event's seq).
        // Same origin, so the session cookie goes along; subscriptions need no CSRF header.
        true: httpSubscriptionLink({ url }),
        false: httpBatchLink({
          url,
          headers: () => ({ [CSRF_HEADER]: csrfToken }),
          fetch: async (input, init) => {
            const res = await fetch(input, { ...(init as RequestInit), credentials: "same-origin" });
            if (res.status === 401) onUnauthorized();
            return res;
          },
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
