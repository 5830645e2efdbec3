/**
 * Imported datasets, versioned by name and content-hashed. Rows are stored one per DatasetRow
 * with their position, so an optimizer can page through them and a resumed run reads the exact
 * rows it started with.
 */
import { randomUUID } from "node:crypto";
import { cooperative } from "../../engine/util/cooperative.js";
import { datasetHashCooperatively, FlowtuneError, parseDatasetCooperatively, type DatasetRow } from "../../engine/index.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { withDbRetry } from "./transient.js";

export interface DatasetInfo {
  id: string;
  name: string;
  version: number;
  /** Number of rows. */
  rows: number;
  /** sha256 (hex) of the canonical JSON of the row array. */
  hash: string;
  fileName: string;
  createdAt: Date;
}

export interface ImportDatasetResult extends DatasetInfo {
  /** False when the same name already had exactly these rows (that version is returned). */
  created: boolean;
}

export interface DatasetRowRecord {
  index: number;
  data: DatasetRow;
}

export interface DatasetWithRows extends DatasetInfo {
  /** The requested page of rows (all of them by default), in file order. */
  records: DatasetRowRecord[];
}

export interface RowPage {
  /** First row index of the page (default 0). */
  offset?: number;
  /** Page size (default: all rows). */
  limit?: number;
}

export interface DatasetStore {
  /** Parses `text` (CSV when `fileName` ends in .csv, else JSONL) and stores it under `name`. */
  importDataset(args: { name: string; fileName: string; text: string }): Promise<ImportDatasetResult>;
  /** Stores already-parsed rows (same versioning rules as importDataset). */
  importRows(args: { name: string; fileName: string; rows: DatasetRow[] }): Promise<ImportDatasetResult>;
  /** Every version of every dataset: by name, newest version first. */
  list(): Promise<DatasetInfo[]>;
  /** A dataset by id, or by name (newest version unless `version`), with its rows or a page of them. */
  get(nameOrId: string, version?: number, page?: RowPage): Promise<DatasetWithRows | undefined>;
  /**
   * Deletes one dataset version (by id, or name + version) or, given a bare name, all its
   * versions. CONFLICT when an optimization run used it. Returns how many versions were deleted.
   */
  delete(nameOrId: string, version?: number): Promise<number>;
}

// Keeps each createMany statement well under SQLite's bound-parameter limit (3 columns per row).
const ROW_CHUNK = 250;

const infoSelect = { id: true, name: true, version: true, rowCount: true, hash: true, fileName: true, createdAt: true } as const;

type InfoRow = { id: string; name: string; version: number; rowCount: number; hash: string; fileName: string; createdAt: Date };

function toInfo(row: InfoRow): DatasetInfo {
  return { id: row.id, name: row.name, version: row.version, rows: row.rowCount, hash: row.hash, fileName: row.fileName, createdAt: row.createdAt };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** Creates the dataset store on a Prisma client from openDatabase(). */
export function createDatasetStore(prisma: PrismaClient): DatasetStore {
  async function importOnce(name: string, fileName: string, rows: DatasetRow[], hash: string): Promise<ImportDatasetResult> {
    return prisma.$transaction(async (tx) => {
      const same = await tx.dataset.findFirst({ where: { name, hash }, orderBy: { version: "desc" }, select: infoSelect });
      if (same) return { ...toInfo(same), created: false };
      const latest = await tx.dataset.findFirst({ where: { name }, orderBy: { version: "desc" }, select: { version: true } });
      const created = await tx.dataset.create({
        data: { id: randomUUID(), name, version: (latest?.version ?? 0) + 1, hash, fileName, rowCount: rows.length },
        select: infoSelect,
      });
      // Multi-row INSERTs: Prisma's createMany costs several times more per row on this adapter.
      // The driver answers synchronously (microtasks only): without turns, a 10 MB import holds the event loop.
      const slice = cooperative();
      for (let i = 0; i < rows.length; i += ROW_CHUNK) {
        await slice.tick();
        const chunk = rows.slice(i, i + ROW_CHUNK);
        const params = chunk.flatMap((data, j) => [created.id, i + j, JSON.stringify(data)]);
        await tx.$executeRawUnsafe(`INSERT INTO "DatasetRow" ("datasetId", "index", "data") VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}`, ...params);
      }
      return { ...toInfo(created), created: true };
      // A 10 MB import under load outlasts Prisma's 5 s default; the rows are one atomic version or nothing.
    }, { maxWait: 10_000, timeout: 120_000 });
  }

  async function importRows(args: { name: string; fileName: string; rows: DatasetRow[] }): Promise<ImportDatasetResult> {
    const name = args.name.trim();
    if (!name || name.length > 200) throw new FlowtuneError("INPUT_INVALID", "a dataset name must have 1 to 200 characters");
    if (args.rows.length === 0) throw new FlowtuneError("INPUT_INVALID", `dataset ${args.fileName} has no rows`);
    const hash = await datasetHashCooperatively(args.rows);
    // Two importers racing for the next version number: the unique (name, version) key rejects one; retry it.
    for (let attempt = 1; ; attempt++) {
      try {
        // The transaction reads then writes: a busy database or a lost lock upgrade is retried whole.
        return await withDbRetry(() => importOnce(name, args.fileName, args.rows, hash));
      } catch (error) {
        if (attempt >= 3 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  async function find(nameOrId: string, version?: number): Promise<InfoRow | null> {
    if (version === undefined) {
      const byId = await prisma.dataset.findUnique({ where: { id: nameOrId }, select: infoSelect });
      if (byId) return byId;
      return prisma.dataset.findFirst({ where: { name: nameOrId }, orderBy: { version: "desc" }, select: infoSelect });
    }
    return prisma.dataset.findUnique({ where: { name_version: { name: nameOrId, version } }, select: infoSelect });
  }

  return {
    importRows,

    async importDataset({ name, fileName, text }) {
      return importRows({ name, fileName, rows: await parseDatasetCooperatively(fileName, text) });
    },

    async list() {
      const rows = await prisma.dataset.findMany({ orderBy: [{ name: "asc" }, { version: "desc" }], select: infoSelect });
      return rows.map(toInfo);
    },

    async get(nameOrId, version, page = {}) {
      const info = await find(nameOrId, version);
      if (!info) return undefined;
      const offset = Math.max(0, Math.trunc(page.offset ?? 0));
      const rows = await prisma.datasetRow.findMany({
        where: { datasetId: info.id, index: { gte: offset } },
        orderBy: { index: "asc" },
        select: { index: true, data: true },
        ...(page.limit !== undefined ? { take: Math.max(0, Math.trunc(page.limit)) } : {}),
      });
      return { ...toInfo(info), records: rows.map((r) => ({ index: r.index, data: JSON.parse(r.data) as DatasetRow })) };
    },

    async delete(nameOrId, version) {
      return withDbRetry(() => prisma.$transaction(async (tx) => {
        let ids: string[];
        if (version !== undefined) {
          const one = await tx.dataset.findUnique({ where: { name_version: { name: nameOrId, version } }, select: { id: true } });
          ids = one ? [one.id] : [];
        } else {
          const byId = await tx.dataset.findUnique({ where: { id: nameOrId }, select: { id: true } });
          ids = byId ? [byId.id] : (await tx.dataset.findMany({ where: { name: nameOrId }, select: { id: true } })).map((d) => d.id);
        }
        if (ids.length === 0) return 0;
        const used = await tx.optimizationRun.findMany({ where: { datasetId: { in: ids } }, select: { id: true }, take: 5 });
        if (used.length > 0) {
          throw new FlowtuneError("CONFLICT", `dataset "${nameOrId}" is used by optimization run(s) ${used.map((r) => r.id).join(", ")}`);
        }
        const { count } = await tx.dataset.deleteMany({ where: { id: { in: ids } } });
        return count;
      }));
    },
  };
}
