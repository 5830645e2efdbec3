import { checksum } from "../graph/checksum.js";
import { raceAbort, throwIfAborted } from "./retry.js";
import type { CallOptions, CompletionRequest, CompletionResponse, Provider, ResponseCacheStore } from "./types.js";

/** Bump when the key recipe changes so old entries stop matching. */
const KEY_VERSION = 1;

/**
 * Deterministic cache key: SHA-256 (hex) of canonical JSON (sorted keys, undefined dropped) of the
 * provider id and the whole request (model, messages, every sampling parameter). `responseFormat: "text"`
 * is the default and keys the same as leaving it out.
 */
export function cacheKey(providerId: string, request: CompletionRequest): string {
  const { responseFormat, ...rest } = request;
  const normalized = { ...rest, responseFormat: responseFormat === "text" ? undefined : responseFormat };
  return checksum({ v: KEY_VERSION, provider: providerId, request: normalized });
}

export interface ResponseCacheOptions {
  /** Whether to consult/fill the cache for this request. Default: always. */
  shouldCache?: (request: CompletionRequest) => boolean;
  /** Store failures degrade to a miss / an unsaved response; this hears about them. Default: ignore. */
  onStoreError?: (error: unknown, op: "get" | "set") => void;
}

interface Flight {
  promise: Promise<{ response: CompletionResponse; hit: boolean }>;
  controller: AbortController;
  waiters: number;
}

/**
 * Wraps `provider` with a response cache. Hits come back with `cached: true` and `latencyMs` of the lookup;
 * misses call the provider and store the answer if it finished with "stop" or "length". Concurrent identical
 * requests share one lookup and at most one provider call (single-flight): the caller that started it gets
 * the fresh response, the others get it as `cached: true`. One caller's abort only rejects that caller; the
 * shared call is aborted when every waiting caller has gone.
 */
export function withResponseCache(provider: Provider, store: ResponseCacheStore, opts: ResponseCacheOptions = {}): Provider {
  const inFlight = new Map<string, Flight>();
  const reportStoreError = (err: unknown, op: "get" | "set") => {
    try {
      opts.onStoreError?.(err, op);
    } catch {
      // a broken error hook must not fail the call
    }
  };

  function startFlight(key: string, request: CompletionRequest): Flight {
    const controller = new AbortController();
    const promise = (async () => {
      let stored: CompletionResponse | undefined;
      try {
        stored = await store.get(key);
      } catch (err) {
        reportStoreError(err, "get");
      }
      if (stored) return { response: stored, hit: true };
      const response = await provider.complete(request, { signal: controller.signal });
      if ((response.finishReason === "stop" || response.finishReason === "length") && !response.cached) {
        try {
          await store.set(key, provider.id, response.model, stripCached(response));
        } catch (err) {
          reportStoreError(err, "set");
        }
      }
      return { response, hit: false };
    })();
    const flight: Flight = { promise, controller, waiters: 0 };
    inFlight.set(key, flight);
    // Settled flights leave the map so later calls go back to the store.
    promise.then(
      () => inFlight.get(key) === flight && inFlight.delete(key),
      () => inFlight.get(key) === flight && inFlight.delete(key),
    );
    return flight;
  }

  return {
    id: provider.id,
    async complete(request: CompletionRequest, options: CallOptions = {}): Promise<CompletionResponse> {
      const { signal } = options;
      throwIfAborted(signal);
      if (opts.shouldCache && !opts.shouldCache(request)) return provider.complete(request, options);
      const started = performance.now();
      const key = cacheKey(provider.id, request);
      const existing = inFlight.get(key);
      const flight = existing ?? startFlight(key, request);
      flight.waiters++;
      try {
        const { response, hit } = await raceAbort(flight.promise, signal);
        if (hit || existing) {
          return { ...stripCached(response), cached: true, latencyMs: Math.round(performance.now() - started) };
        }
        return response;
      } finally {
        // Abort the shared call only when the last waiting caller has given up on it.
        if (--flight.waiters === 0 && signal?.aborted) {
          if (inFlight.get(key) === flight) inFlight.delete(key); // newcomers must not join a dying flight
          flight.controller.abort(signal.reason);
        }
      }
    },
  };
}

function stripCached(response: CompletionResponse): CompletionResponse {
  const { cached: _cached, ...rest } = response;
  return rest;
}

/** An in-process ResponseCacheStore (tests, CLI without a database). Entries are copied in and out. */
export function createMemoryCacheStore(): ResponseCacheStore & { readonly size: number; clear(): void } {
  const entries = new Map<string, { providerId: string; model: string; response: CompletionResponse }>();
  return {
    get size() {
      return entries.size;
    },
    clear: () => entries.clear(),
    get: async (key) => {
      const e = entries.get(key);
      return e ? structuredClone(e.response) : undefined;
    },
    set: async (key, providerId, model, response) => {
      entries.set(key, { providerId, model, response: structuredClone(response) });
    },
  };
}
