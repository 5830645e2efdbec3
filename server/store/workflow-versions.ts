/**
 * How a workflow version's graph is stored: whole ("full"), or as an RFC 6902 JSON patch against
 * the previous version ("patch"), so that an autosave after moving one node of a 1,000-node graph
 * stores a few dozen bytes rather than the whole graph again. A full snapshot is written when the
 * patch would not be smaller than the graph, when the patches since the last snapshot would add up
 * to the graph's size, and every SNAPSHOT_EVERY versions: a read applies at most SNAPSHOT_EVERY - 1
 * patches and reads at most about twice the graph's size. Reads are transparent: the graph is
 * rebuilt from the nearest snapshot and its checksum verified against the row's.
 */
import fjp, { type Operation } from "fast-json-patch";
import type { Graph } from "../../engine/schema/graph.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { checksumOf } from "./canonical.js";

/** A version at most this many versions after the last full snapshot is stored as a patch. */
export const SNAPSHOT_EVERY = 100;

export type VersionEncoding = "full" | "patch";

/** What to write in a version row's `graph` and `encoding` columns. */
export interface EncodedVersion {
  encoding: VersionEncoding;
  text: string;
}

/** The previous version as the encoder needs it. */
export interface PreviousVersion {
  version: number;
  graph: Graph;
  /** Version number of the nearest full snapshot at or before `version`. */
  snapshotVersion: number;
  /** Characters of the patches stored since that snapshot. */
  chainChars: number;
}

/** A stored graph that cannot be rebuilt (a broken patch chain or a checksum mismatch): data corruption. */
export class StoredGraphError extends Error {
  constructor(workflowId: string, version: number, why: string) {
    super(`stored graph of workflow "${workflowId}" version ${version} cannot be read: ${why}`);
    this.name = "StoredGraphError";
  }
}

/**
 * Encodes `graph` (JSON text `text`; `graph` is JSON.parse(text), not an object that may hold
 * undefined values) as version `previous.version + 1`: a patch against the
 * previous graph when that is shorter than the full text, the patches since the last snapshot
 * stay shorter than it too, and the chain is shorter than SNAPSHOT_EVERY; else the full text.
 */
export function encodeVersion(previous: PreviousVersion | null, graph: Graph, text: string, snapshotEvery = SNAPSHOT_EVERY): EncodedVersion {
  if (!previous || previous.version + 1 - previous.snapshotVersion >= snapshotEvery) return { encoding: "full", text };
  const patch = JSON.stringify(fjp.compare(previous.graph, graph));
  return previous.chainChars + patch.length < text.length ? { encoding: "patch", text: patch } : { encoding: "full", text };
}

type VersionRow = { version: number; graph: string; checksum: string; encoding: string };
type Db = Pick<Prisma.TransactionClient, "workflowVersion">;

function parse(workflowId: string, row: VersionRow): unknown {
  try {
    return JSON.parse(row.graph);
  } catch (error) {
    throw new StoredGraphError(workflowId, row.version, `not JSON (${(error as Error).message})`);
  }
}

/**
 * Rebuilds a graph from its rows, oldest first: a full snapshot, then patches of consecutive
 * versions. Verifies the last row's checksum (and so the whole chain).
 */
export function decodeChain(workflowId: string, rows: readonly VersionRow[]): Graph {
  const [first, ...rest] = rows;
  if (!first) throw new StoredGraphError(workflowId, 0, "no rows");
  const last = rows[rows.length - 1];
  if (first.encoding !== "full") throw new StoredGraphError(workflowId, last.version, `no full snapshot before version ${first.version}`);
  let doc = parse(workflowId, first);
  let prev = first.version;
  for (const row of rest) {
    if (row.version !== prev + 1) throw new StoredGraphError(workflowId, last.version, `version ${prev + 1} is missing`);
    prev = row.version;
    if (row.encoding === "full") {
      doc = parse(workflowId, row);
      continue;
    }
    if (row.encoding !== "patch") throw new StoredGraphError(workflowId, row.version, `unknown encoding "${row.encoding}"`);
    const patch = parse(workflowId, row);
    if (!Array.isArray(patch)) throw new StoredGraphError(workflowId, row.version, "the patch is not an array");
    try {
      // The document is ours (parsed above): patch it in place; prototype keys are refused.
      doc = fjp.applyPatch(doc, patch as Operation[], true, true, true).newDocument;
    } catch (error) {
      throw new StoredGraphError(workflowId, row.version, `the patch does not apply (${(error as Error).message})`);
    }
  }
  const graph = doc as Graph;
  if (checksumOf(graph) !== last.checksum) throw new StoredGraphError(workflowId, last.version, "checksum mismatch");
  return graph;
}

/** The rows needed to rebuild `version`: from the nearest full snapshot at or before it, oldest first. */
export async function chainRows(db: Db, workflowId: string, version: number): Promise<{ rows: VersionRow[]; snapshotVersion: number; chainChars: number }> {
  const select = { version: true, graph: true, checksum: true, encoding: true } as const;
  const snapshot = await db.workflowVersion.findFirst({
    where: { workflowId, version: { lte: version }, encoding: "full" },
    orderBy: { version: "desc" },
    select,
  });
  if (!snapshot) throw new StoredGraphError(workflowId, version, "no full snapshot");
  if (snapshot.version === version) return { rows: [snapshot], snapshotVersion: version, chainChars: 0 };
  const patches = await db.workflowVersion.findMany({
    where: { workflowId, version: { gt: snapshot.version, lte: version } },
    orderBy: { version: "asc" },
    select,
  });
  return { rows: [snapshot, ...patches], snapshotVersion: snapshot.version, chainChars: patches.reduce((n, r) => n + r.graph.length, 0) };
}

/** The graph of a stored version, rebuilt and checksum-verified (`row` is that version's row when already read). */
export async function readStoredGraph(db: Db, workflowId: string, version: number, row?: VersionRow): Promise<Graph> {
  if (row && row.version === version && row.encoding === "full") return decodeChain(workflowId, [row]);
  const { rows } = await chainRows(db, workflowId, version);
  return decodeChain(workflowId, rows);
}

/** The newest version of a workflow as a save needs it (decoded), with its checksum. */
export interface VersionHead extends PreviousVersion {
  workflowId: string;
  checksum: string;
}

/**
 * The decoded newest versions of the last few workflows saved by this process, so that the next
 * save diffs against it without reading and rebuilding the chain. An entry is used only when the
 * stored newest version has its version number and checksum, so another process's save is seen.
 */
export class VersionHeads {
  private readonly heads = new Map<string, VersionHead>();
  constructor(private readonly max = 8) {}

  get(workflowId: string, version: number, checksum: string): VersionHead | undefined {
    const head = this.heads.get(workflowId);
    return head && head.version === version && head.checksum === checksum ? head : undefined;
  }

  set(head: VersionHead): void {
    this.heads.delete(head.workflowId);
    this.heads.set(head.workflowId, head);
    if (this.heads.size > this.max) this.heads.delete(this.heads.keys().next().value as string);
  }

  delete(workflowId: string): void {
    this.heads.delete(workflowId);
  }
}

/** The previous version for encodeVersion: from `heads` when it is there, else rebuilt from the rows. */
export async function previousVersion(db: Db, workflowId: string, latest: { version: number; checksum: string }, heads: VersionHeads): Promise<PreviousVersion> {
  const cached = heads.get(workflowId, latest.version, latest.checksum);
  if (cached) return cached;
  const chain = await chainRows(db, workflowId, latest.version);
  return { version: latest.version, graph: decodeChain(workflowId, chain.rows), snapshotVersion: chain.snapshotVersion, chainChars: chain.chainChars };
}

/** The head after storing `encoded` as the version after `previous`. */
export function nextHead(workflowId: string, version: number, previous: PreviousVersion | null, graph: Graph, checksum: string, encoded: EncodedVersion): VersionHead {
  const patch = encoded.encoding === "patch" && previous;
  return { workflowId, version, graph, checksum, snapshotVersion: patch ? previous.snapshotVersion : version, chainChars: patch ? previous.chainChars + encoded.text.length : 0 };
}
