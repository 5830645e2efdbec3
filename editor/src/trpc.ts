/**
 * The editor's tRPC client: queries and mutations over batched HTTP, subscriptions (run events)
 * over SSE. Only the router's TYPE comes from the server.
 */
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "../../server/router.js";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type WorkflowSummary = RouterOutputs["workflows"]["list"][number];
export type WorkflowRecord = RouterOutputs["workflows"]["get"];
export type RunSummary = RouterOutputs["runs"]["list"]["runs"][number];
export type RunDetail = RouterOutputs["runs"]["get"];

export function createClient(url = "/trpc") {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        // The browser's EventSource; it reconnects with the last tracked id (the event's seq).
        true: httpSubscriptionLink({ url }),
        false: httpBatchLink({ url }),
      }),
    ],
  });
}
