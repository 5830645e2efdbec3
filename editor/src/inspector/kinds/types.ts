/** What every per-kind field group of the node form receives, and a helper they share. */
import type { GraphIssue, GraphNode, NodeOfKind } from "../../../../engine/browser.js";
import type { NodePatch } from "../../document/reducer.js";

/** Marks `field` (and its sub-fields) as shown by a control and returns its issues. */
export type Claim = (field: string) => GraphIssue[];
/** Applies a patch to the node; `field` names the undo step that consecutive edits coalesce into. */
export type Setter = (patch: NodePatch, field: string) => void;

/** The props of one kind's field group. */
export interface KindProps<K extends GraphNode["kind"]> {
  node: NodeOfKind<K>;
  claim: Claim;
  readOnly: boolean;
  cfg: (field: string, value: unknown) => void;
}

/** Drops a nested object that became empty (all keys undefined). */
export function compact<T extends object>(obj: T): T | undefined {
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}
