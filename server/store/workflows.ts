/**
 * Saved workflows and their immutable versions. A save creates a new version only when the
 * graph's checksum (sha256 of its canonical JSON, keys sorted) differs from the latest one.
 */
import type { Graph } from "../../engine/schema/graph.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { FlowtuneError } from "../../engine/errors.js";
import { checksumOf } from "./canonical.js";
import { withDbRetry } from "./transient.js";
import { encodeVersion, nextHead, previousVersion, readStoredGraph, VersionHeads, type VersionHead } from "./workflow-versions.js";

export interface WorkflowSummary {
  id: string;
  name: string;
  currentVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface WorkflowVersionInfo {
  version: number;
  checksum: string;
  note: string | null;
  createdAt: Date;
}

/** One version of a workflow with its graph. */
export interface WorkflowRecord extends WorkflowVersionInfo {
  id: string;
  name: string;
  /** The workflow's newest version (equal to `version` for get()). */
  currentVersion: number;
  graph: Graph;
}

export interface SaveResult {
  workflow: WorkflowRecord;
  /** True when the workflow did not exist before. */
  created: boolean;
  /** False when the graph was unchanged and no version was added. */
  newVersion: boolean;
}

/**
 * How `save` treats an existing (or missing) workflow: `upsert` creates or adds a version,
 * `create` fails with CONFLICT if the id exists, `update` fails with NOT_FOUND if it does not.
 */
export type SaveMode = "upsert" | "create" | "update";

export interface SaveOptions {
  mode?: SaveMode;
}

/**
 * The graph as stored: without its `$schema` reference (an editor hint that depends on where the
 * file lives), so that the checksum, and so versioning, ignores it.
 */
export function storableGraph(graph: Graph): Graph {
  if (graph.$schema === undefined) return graph;
  const { $schema: _ignored, ...rest } = graph;
  return rest;
}

export interface WorkflowStore {
  /** All workflows, most recently updated first. */
  list(): Promise<WorkflowSummary[]>;
  /** The latest version. */
  get(id: string): Promise<WorkflowRecord | undefined>;
  getVersion(id: string, version: number): Promise<WorkflowRecord | undefined>;
  /** Version history, newest first (without graphs). */
  listVersions(id: string): Promise<WorkflowVersionInfo[]>;
  /**
   * Saves `graph` (already validated by the caller) under `graph.id`: creates the workflow at
   * version 1, or adds version n+1 if the graph changed. All in one transaction. `options.mode`
   * restricts it to creating (CONFLICT if the id exists) or updating (NOT_FOUND if it does not).
   * The graph's `$schema` is not stored (see storableGraph).
   */
  save(graph: Graph, note?: string, options?: SaveOptions): Promise<SaveResult>;
  /** Deletes the workflow and its versions (its runs stay in the history); false if unknown. */
  delete(id: string): Promise<boolean>;
}

export { checksumOf as graphChecksum };

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export function createWorkflowStore(prisma: PrismaClient): WorkflowStore {
  function toRecord(
    workflow: { id: string; name: string; currentVersion: number },
    version: { version: number; checksum: string; note: string | null; createdAt: Date },
    graph: Graph,
  ): WorkflowRecord {
    return {
      id: workflow.id,
      name: workflow.name,
      currentVersion: workflow.currentVersion,
      version: version.version,
      checksum: version.checksum,
      note: version.note,
      createdAt: version.createdAt,
      graph,
    };
  }

  async function getVersion(id: string, version?: number): Promise<WorkflowRecord | undefined> {
    const workflow = await prisma.workflow.findUnique({ where: { id } });
    if (!workflow) return undefined;
    const row = await prisma.workflowVersion.findUnique({
      where: { workflowId_version: { workflowId: id, version: version ?? workflow.currentVersion } },
    });
    // A patch row is rebuilt from the nearest full snapshot (checksum verified).
    return row ? toRecord(workflow, row, await readStoredGraph(prisma, id, row.version, row)) : undefined;
  }

  // The decoded newest versions this process saved: the next save diffs against them directly.
  const heads = new VersionHeads();

  async function saveOnce(input: Graph, note: string | undefined, mode: SaveMode): Promise<SaveResult> {
    const graph = storableGraph(input);
    const checksum = checksumOf(graph);
    const text = JSON.stringify(graph);
    let head: VersionHead | undefined;
    const result = await prisma.$transaction(async (tx) => {
      const existing = await tx.workflow.findUnique({ where: { id: graph.id } });
      if (existing && mode === "create") {
        throw new FlowtuneError("CONFLICT", `workflow "${graph.id}" already exists`, { field: "id" });
      }
      if (!existing && mode === "update") {
        throw new FlowtuneError("NOT_FOUND", `workflow "${graph.id}" not found`);
      }
      if (!existing) {
        const now = new Date();
        const workflow = await tx.workflow.create({
          data: {
            id: graph.id,
            name: graph.name,
            currentVersion: 1,
            createdAt: now,
            versions: { create: { version: 1, graph: text, checksum, note: note ?? null, createdAt: now } },
          },
        });
        head = nextHead(graph.id, 1, null, JSON.parse(text) as Graph, checksum, { encoding: "full", text });
        return {
          workflow: toRecord(workflow, { version: 1, checksum, note: note ?? null, createdAt: now }, graph),
          created: true,
          newVersion: true,
        };
      }
      const latest = await tx.workflowVersion.findUnique({
        where: { workflowId_version: { workflowId: existing.id, version: existing.currentVersion } },
        select: { version: true, checksum: true, note: true, createdAt: true },
      });
      if (latest && latest.checksum === checksum) {
        // Same checksum, same graph: no need to rebuild the stored one.
        return { workflow: toRecord(existing, latest, JSON.parse(text) as Graph), created: false, newVersion: false };
      }
      const version = existing.currentVersion + (latest ? 1 : 0);
      // Stored as a patch against the previous version when that is smaller (see workflow-versions.ts).
      const previous = latest ? await previousVersion(tx, existing.id, latest, heads) : null;
      const stored = JSON.parse(text) as Graph;
      const encoded = encodeVersion(previous, stored, text);
      head = nextHead(existing.id, version, previous, stored, checksum, encoded);
      const created = await tx.workflowVersion.create({
        data: { workflowId: existing.id, version, graph: encoded.text, encoding: encoded.encoding, checksum, note: note ?? null },
      });
      const workflow = await tx.workflow.update({
        where: { id: existing.id },
        data: { name: graph.name, currentVersion: version },
      });
      return { workflow: toRecord(workflow, created, JSON.parse(text) as Graph), created: false, newVersion: true };
    });
    // Only once committed.
    if (head) heads.set(head);
    return result;
  }

  return {
    async list() {
      return prisma.workflow.findMany({
        orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
        select: { id: true, name: true, currentVersion: true, createdAt: true, updatedAt: true },
      });
    },

    get: (id) => getVersion(id),

    getVersion: (id, version) => getVersion(id, version),

    async listVersions(id) {
      return prisma.workflowVersion.findMany({
        where: { workflowId: id },
        orderBy: { version: "desc" },
        select: { version: true, checksum: true, note: true, createdAt: true },
      });
    },

    async save(graph, note, options) {
      // A concurrent save of the same workflow (another process) can win the race for a
      // version number; the unique (workflowId, version) key rejects ours, so try again.
      for (let attempt = 1; ; attempt++) {
        try {
          // The transaction reads then writes: a busy database or a lost lock upgrade is retried whole.
          return await withDbRetry(() => saveOnce(graph, note, options?.mode ?? "upsert"));
        } catch (error) {
          if (attempt >= 3 || !isUniqueViolation(error)) throw error;
          // Lost a race to create the same id: for a create that is a conflict.
          if (options?.mode === "create") {
            throw new FlowtuneError("CONFLICT", `workflow "${graph.id}" already exists`, { field: "id" });
          }
        }
      }
    },

    async delete(id) {
      // Its input presets and conversation memory go with it (they have no foreign key to cascade on; turns cascade from threads).
      const [, , { count }] = await prisma.$transaction([
        prisma.inputPreset.deleteMany({ where: { workflowId: id } }),
        prisma.memoryThread.deleteMany({ where: { workflowId: id } }),
        prisma.workflow.deleteMany({ where: { id } }),
      ]);
      return count > 0;
    },
  };
}
