/** React glue for the provider catalog: load it from the server, read it, refresh it after a change. */
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { useTRPC } from "../trpc.js";
import { providerCatalog, setProviderCatalog, subscribeProviderCatalog, type ProviderCatalog } from "./catalog.js";

/** Keeps the catalog the validation reads in step with `providers.available` (mount once, in the shell). */
export function useProviderCatalogSync(): void {
  const trpc = useTRPC();
  const available = useQuery({ ...trpc.providers.available.queryOptions(), staleTime: 30_000 });
  useEffect(() => {
    if (available.data) setProviderCatalog(available.data);
  }, [available.data]);
}

/** The catalog now (re-renders when it changes); null until loaded. */
export function useProviderCatalog(): ProviderCatalog | null {
  return useSyncExternalStore(subscribeProviderCatalog, providerCatalog, providerCatalog);
}

/** After a provider was saved or deleted: every provider query (list, available, models) asks again. */
export function invalidateProviderQueries(queryClient: QueryClient, trpc: ReturnType<typeof useTRPC>): Promise<void> {
  return queryClient.invalidateQueries(trpc.providers.pathFilter());
}
