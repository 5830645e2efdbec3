/**
 * What "a located issue" means for the property tests: a graph issue names a node or edge of the
 * document (by id, or `#index` when it has no usable id) or a field of the graph, and says what
 * is wrong in a bounded message.
 */
import type { GraphIssue } from "../errors.js";
import { type Doc } from "./markers.js";

/** Longest issue message the properties accept (a hostile document must not inflate the reply). */
export const MAX_ISSUE_MESSAGE = 2_000;

const GRAPH_KEYS = ["$schema", "version", "id", "name", "description", "timeoutMs", "nodes", "edges", "meta"];
const NODE_KEYS = ["id", "kind", "label", "description", "position", "onError", "timeoutMs", "meta", "config"];
const EDGE_KEYS = ["id", "source", "target", "kind", "label", "meta", "condition", "default", "maxConcurrency", "map"];

type Item = Record<string, unknown>;

/** The items of `doc[key]` an issue's id may name: by string id, or `#index`. */
function named(doc: Doc, key: "nodes" | "edges", id: string): Item[] {
  const items = Array.isArray(doc[key]) ? (doc[key] as unknown[]) : [];
  const byIndex = /^#(\d+)$/.exec(id);
  if (byIndex) {
    const item = items[Number(byIndex[1])];
    return item !== undefined ? [typeof item === "object" && item !== null ? (item as Item) : {}] : [];
  }
  return items.filter((x): x is Item => typeof x === "object" && x !== null && (x as Item).id === id);
}

/**
 * Why `issue` is not a located issue of `doc`, or undefined when it is: a non-empty bounded
 * message, and a nodeId / edgeId of the document or a field whose first segment is a key of the
 * located object (present in the document or defined by the format).
 */
export function issueProblem(issue: GraphIssue, doc: Doc): string | undefined {
  if (typeof issue.message !== "string" || !issue.message.trim()) return "no message";
  if (issue.message.length > MAX_ISSUE_MESSAGE) return `message of ${issue.message.length} characters`;
  const field = issue.field;
  for (const [id, key, known] of [
    [issue.nodeId, "nodes", NODE_KEYS],
    [issue.edgeId, "edges", EDGE_KEYS],
  ] as const) {
    if (id === undefined) continue;
    const items = named(doc, key, id);
    if (!items.length) return `${key} has no item ${JSON.stringify(id.slice(0, 80))}`;
    if (field !== undefined && !startsWithKey(field, [...known, ...items.flatMap((it) => Object.keys(it))])) return `field ${JSON.stringify(field)} is not a key of ${id}`;
    return undefined;
  }
  // The key "" of the graph object itself: its dotted path is the empty string, and the message names it.
  if (field === "" && issue.message.startsWith('unrecognized key ""') && Object.keys(doc).includes("")) return undefined;
  if (!field) return "no location (nodeId, edgeId or field)";
  if (!startsWithKey(field, [...GRAPH_KEYS, ...Object.keys(doc)])) return `field ${JSON.stringify(field)} is not a key of the graph`;
  return undefined;
}

// A dotted path starts with one of the keys (keys may hold dots themselves; long ones are cut to 100 characters).
function startsWithKey(field: string, keys: string[]): boolean {
  return keys.some((k) => field === k || field.startsWith(`${k}.`) || (k.length > 100 && field.startsWith(k.slice(0, 100))));
}
