/**
 * Stored provider configurations (API-managed providers). Rows hold the API key only as
 * ciphertext (`apiKeyEncrypted`, see server/secrets/cipher.ts); this store never sees a key.
 */
import type { PrismaClient } from "../../generated/prisma/client.js";
import { withDbRetry } from "./transient.js";

/** The only kind API-managed providers have today. */
export type ProviderKind = "openai-compatible";

/** One row of ProviderConfig. */
export interface ProviderConfigRecord {
  id: string;
  kind: ProviderKind;
  baseUrl: string;
  /** `v1.<iv>.<tag>.<ciphertext>`, or null when the provider needs no key. */
  apiKeyEncrypted: string | null;
  allowPrivateNetwork: boolean;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

export interface ProviderConfigWrite {
  id: string;
  kind: ProviderKind;
  baseUrl: string;
  /** New ciphertext; null removes the key; undefined keeps the stored one. */
  apiKeyEncrypted?: string | null;
  allowPrivateNetwork: boolean;
  actor: string;
}

export interface ProviderConfigStore {
  /** Every stored config, by id. */
  list(): Promise<ProviderConfigRecord[]>;
  get(id: string): Promise<ProviderConfigRecord | undefined>;
  /** Creates or replaces a config; `created` is true when the id was new. */
  upsert(write: ProviderConfigWrite): Promise<{ record: ProviderConfigRecord; created: boolean }>;
  /** Deletes a config; false when there was none. */
  delete(id: string): Promise<boolean>;
}

type Row = Awaited<ReturnType<PrismaClient["providerConfig"]["findUniqueOrThrow"]>>;

const toRecord = (row: Row): ProviderConfigRecord => ({ ...row, kind: row.kind as ProviderKind });

/** A ProviderConfigStore over Prisma. */
export function createProviderConfigStore(prisma: PrismaClient): ProviderConfigStore {
  return {
    async list() {
      return (await prisma.providerConfig.findMany({ orderBy: { id: "asc" } })).map(toRecord);
    },

    async get(id) {
      const row = await prisma.providerConfig.findUnique({ where: { id } });
      return row ? toRecord(row) : undefined;
    },

    async upsert(write) {
      const now = new Date();
      // One transaction, so `created` is exact even when two admins save the same id at once.
      return withDbRetry(() => prisma.$transaction(async (tx) => {
        const existed = (await tx.providerConfig.count({ where: { id: write.id } })) > 0;
        const fields = { kind: write.kind, baseUrl: write.baseUrl, allowPrivateNetwork: write.allowPrivateNetwork, updatedAt: now, updatedBy: write.actor };
        const row = await tx.providerConfig.upsert({
          where: { id: write.id },
          create: { id: write.id, ...fields, apiKeyEncrypted: write.apiKeyEncrypted ?? null, createdAt: now },
          update: write.apiKeyEncrypted === undefined ? fields : { ...fields, apiKeyEncrypted: write.apiKeyEncrypted },
        });
        return { record: toRecord(row), created: !existed };
      }));
    },

    async delete(id) {
      const { count } = await prisma.providerConfig.deleteMany({ where: { id } });
      return count > 0;
    },
  };
}
