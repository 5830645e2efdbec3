import { checksum } from "./checksum.js";
import { indexGraph, type GraphIndex } from "./model.js";
import { parseGraph, parseGraphCooperatively } from "./validate.js";
import type { Graph, GraphInput } from "../schema/graph.js";

const PREPARED = Symbol("flowtune.prepared");

/** A validated graph with its indexes and checksum, ready to run many times (batches, optimizers, servers). */
export interface PreparedGraph {
  readonly [PREPARED]: true;
  readonly graph: Graph;
  readonly index: GraphIndex;
  readonly checksum: string;
}

/** Validates (throwing GraphValidationError) and indexes a graph once, like compiling it. */
export function prepareGraph(raw: Graph | GraphInput | unknown): PreparedGraph {
  const graph = parseGraph(raw);
  return Object.freeze({ [PREPARED]: true as const, graph, index: indexGraph(graph), checksum: checksum(graph) });
}

/** prepareGraph for servers: validation gives the event loop back between nodes (see validateGraphCooperatively). */
export async function prepareGraphCooperatively(raw: Graph | GraphInput | unknown): Promise<PreparedGraph> {
  const graph = await parseGraphCooperatively(raw);
  return Object.freeze({ [PREPARED]: true as const, graph, index: indexGraph(graph), checksum: checksum(graph) });
}

/** True for the result of prepareGraph. */
export function isPreparedGraph(v: unknown): v is PreparedGraph {
  return typeof v === "object" && v !== null && (v as { [PREPARED]?: boolean })[PREPARED] === true;
}
