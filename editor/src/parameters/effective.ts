/**
 * Pure view model of managed parameters (no React): what the inspector and the canvas show for
 * an AI node whose production version wins over the graph's own fields. The server decides what
 * runs (`parameters.effective`); here we only merge it with the local, possibly unsaved, graph.
 */
import { AiParamsSchema } from "../../../engine/browser.js";
import type { RouterOutputs } from "../trpc.js";

export type EffectiveNode = RouterOutputs["parameters"]["effective"]["nodes"][number];
type Config = Record<string, unknown>;

// The schema's defaults (a field missing from the graph means its default, as on the server).
const DEFAULTS: Config = AiParamsSchema.parse({ model: "-", prompt: "-" });
delete DEFAULTS.model;
delete DEFAULTS.prompt;

/** A field's value with the schema default for a missing one. */
function valueOf(config: Config, field: string): unknown {
  return config[field] === undefined ? DEFAULTS[field] : config[field];
}

/** Order-independent JSON, so `{a, b}` equals `{b, a}` (few-shot examples). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Config)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

const same = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);

/** What the inspector shows for a managed node. */
export interface ManagedView {
  /** The values to show: production's, except the fields the user edited (shown as typed). */
  config: Config;
  /** The production version that runs. */
  version: number;
  /** Fields edited but not saved yet (saving them creates a draft). */
  unsaved: string[];
  /** The saved draft holding earlier edits, while it is not in production. */
  draft: { version: number; fields: string[] } | null;
}

/**
 * The inspector's view of an AI node: null for an unmanaged node (the graph's fields run, shown as
 * today). For a managed one, each field shows production's value unless the user edited it: a
 * local value that differs from the stored graph (unsaved), or a field of the pending draft.
 */
export function managedView(local: Config, eff: EffectiveNode | undefined): ManagedView | null {
  if (!eff?.managed) return null;
  const stored = eff.graphParams as Config;
  const production = eff.params as Config;
  const pending = eff.pendingDraft;
  const config: Config = { ...local };
  const unsaved: string[] = [];
  for (const f of eff.managedFields) {
    const mine = valueOf(local, f);
    const edited = !same(mine, stored[f]);
    if (edited) unsaved.push(f);
    if (edited || pending?.fields.includes(f)) config[f] = mine;
    else if (production[f] === undefined) delete config[f];
    else config[f] = production[f];
  }
  return { config, version: eff.version, unsaved, draft: pending ? { version: pending.version, fields: pending.fields } : null };
}

/** The canvas summary of an AI node: what runs (production for a managed node), and its marker. */
export function canvasView(local: Config, eff: EffectiveNode | undefined): { config: Config; marker: string | null; draft: number | null } {
  if (!eff?.managed) return { config: local, marker: null, draft: null };
  return { config: eff.params as Config, marker: `production v${eff.version}`, draft: eff.pendingDraft?.version ?? null };
}

/** "prompt" / "prompt and model" / "prompt, model and temperature". */
export function fieldList(fields: readonly string[]): string {
  if (fields.length <= 1) return fields.join("");
  return `${fields.slice(0, -1).join(", ")} and ${fields.at(-1)}`;
}
