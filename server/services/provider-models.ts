/**
 * A short-lived cache of each provider's model list: the inspector asks for it on every node it
 * shows and viewers may ask too, so one listing serves everyone for a while, concurrent asks
 * share one request, and a failure is remembered briefly rather than retried on every click.
 */
import type { ModelList } from "../../engine/index.js";

export interface ModelCacheOptions {
  /** How long a listing is reused (default 60 s). */
  ttlMs?: number;
  /** How long a failure is reused (default 10 s). */
  errorTtlMs?: number;
  /** A refresh within this long of the last fetch reuses it (default 5 s): refresh cannot hammer a provider. */
  minRefreshMs?: number;
  now?: () => number;
}

/** A listing as served: the models and when they were fetched. */
export interface CachedModelList extends ModelList {
  fetchedAt: Date;
  /** True when served from the cache rather than fetched for this call. */
  cached: boolean;
}

interface Entry {
  at: number;
  /** Set once the fetch settled; until then callers share `promise`. */
  failed?: boolean;
  promise: Promise<ModelList>;
}

/** Caches one model listing per provider id. */
export class ModelListCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly errorTtlMs: number;
  private readonly minRefreshMs: number;
  private readonly now: () => number;

  constructor(opts: ModelCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.errorTtlMs = opts.errorTtlMs ?? 10_000;
    this.minRefreshMs = opts.minRefreshMs ?? 5_000;
    this.now = opts.now ?? Date.now;
  }

  /** The listing of `id`: cached while fresh, else fetched with `fetch` (one fetch at a time per id). */
  async get(id: string, fetch: () => Promise<ModelList>, opts: { refresh?: boolean } = {}): Promise<CachedModelList> {
    const now = this.now();
    const existing = this.entries.get(id);
    const age = existing ? now - existing.at : Infinity;
    const fresh = existing && (existing.failed === undefined || age < (existing.failed ? this.errorTtlMs : this.ttlMs));
    const reuse = existing && fresh && (!opts.refresh || existing.failed === undefined || age < this.minRefreshMs);
    if (reuse) {
      const list = await existing.promise;
      return { ...list, fetchedAt: new Date(existing.at), cached: true };
    }
    const entry: Entry = { at: now, promise: fetch() };
    this.entries.set(id, entry);
    try {
      const list = await entry.promise;
      entry.failed = false;
      return { ...list, fetchedAt: new Date(entry.at), cached: false };
    } catch (err) {
      entry.failed = true;
      throw err;
    }
  }

  /** Forgets the listing of `id` (its provider changed or was deleted); a fetch in flight then serves only its own callers. */
  invalidate(id: string): void {
    this.entries.delete(id);
  }
}
