/**
 * Persistent provider response cache (the engine's ResponseCacheStore) in the ProviderCache
 * table. Keys are whatever the provider layer hashes a request into.
 */
import type { CompletionResponse, ResponseCacheStore } from "../../engine/providers/types.js";
import type { PrismaClient } from "../../generated/prisma/client.js";

export interface ProviderCacheEntry {
  key: string;
  providerId: string;
  model: string;
  hits: number;
  createdAt: Date;
}

export interface ProviderCacheStore extends ResponseCacheStore {
  /** The stored response, counting a hit; undefined on a miss. */
  get(key: string): Promise<CompletionResponse | undefined>;
  /** Stores (or replaces) a response; replacing resets the hit count. */
  set(key: string, providerId: string, model: string, response: CompletionResponse): Promise<void>;
  /** Entry metadata without counting a hit. */
  peek(key: string): Promise<ProviderCacheEntry | undefined>;
  /** Removes entries (of one provider, or created before a date); returns how many. */
  clear(filter?: { providerId?: string; olderThan?: Date }): Promise<number>;
}

export function createProviderCacheStore(prisma: PrismaClient): ProviderCacheStore {
  return {
    async get(key) {
      // One statement: count the hit and read the response.
      const rows = await prisma.$queryRawUnsafe<{ response: string }[]>(
        `UPDATE "ProviderCache" SET "hits" = "hits" + 1 WHERE "key" = ? RETURNING "response"`,
        key,
      );
      const row = rows[0];
      return row ? (JSON.parse(row.response) as CompletionResponse) : undefined;
    },

    async set(key, providerId, model, response) {
      const text = JSON.stringify(response);
      await prisma.providerCache.upsert({
        where: { key },
        create: { key, providerId, model, response: text },
        update: { providerId, model, response: text, hits: 0, createdAt: new Date() },
      });
    },

    async peek(key) {
      const row = await prisma.providerCache.findUnique({
        where: { key },
        select: { key: true, providerId: true, model: true, hits: true, createdAt: true },
      });
      return row ?? undefined;
    },

    async clear(filter = {}) {
      const { count } = await prisma.providerCache.deleteMany({
        where: {
          ...(filter.providerId !== undefined ? { providerId: filter.providerId } : {}),
          ...(filter.olderThan !== undefined ? { createdAt: { lt: filter.olderThan } } : {}),
        },
      });
      return count;
    },
  };
}
