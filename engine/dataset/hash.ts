import { createHash } from "node:crypto";
import { canonicalJson } from "../graph/checksum.js";
import { cooperative } from "../util/cooperative.js";
import type { DatasetRow } from "./parse.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Content hash of a dataset: SHA-256 (hex) of the canonical JSON of its rows. Key order inside rows does
 * not matter; row order does (results are reported per row index, so reordering is a different dataset).
 */
export function datasetHash(rows: readonly DatasetRow[]): string {
  return sha256(canonicalJson(rows));
}

/** Content hash of one row: SHA-256 (hex) of its canonical JSON (key order does not matter). */
export function rowHash(row: DatasetRow): string {
  return sha256(canonicalJson(row));
}

/** A row's hash under a seed (SHA-256 of the seed and the row's canonical JSON); splits sort rows by it. */
export function seededRowHash(row: DatasetRow, seed: number | string): string {
  return sha256(`${seed}\u241f${canonicalJson(row)}`);
}

/** datasetHash for a server: the same hash, computed row by row with turns for the event loop. */
export async function datasetHashCooperatively(rows: readonly DatasetRow[]): Promise<string> {
  const hash = createHash("sha256").update("[");
  const slice = cooperative();
  for (let i = 0; i < rows.length; i++) {
    // canonicalJson of an array is its members' canonical JSON joined by commas (undefined → null).
    hash.update(`${i ? "," : ""}${canonicalJson(rows[i] === undefined ? null : rows[i])}`);
    await slice.tick();
  }
  return hash.update("]").digest("hex");
}
