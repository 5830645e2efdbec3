import type { Template } from "liquidjs";
import { limits } from "../limits.js";
import { compileWith, referencesWith } from "./render-core.js";

// LiquidJS interprets templates (no code generation), so user templates cannot run JavaScript.
// The engine has no file system (see sandbox.ts); rendering lives in render.ts (Node only: it may use a worker).

/** Parses a template once and caches the result; throws TemplateError on bad syntax, `include`/`render`/`layout`, or oversized source. */
export function compileTemplate(source: string): Template[] {
  return compileWith(limits(), source).templates;
}

/** Values a template can reference. */
export interface TemplateScope {
  /** The run's inputs (fields of the input node). */
  inputs: Record<string, unknown>;
  /** The node's own input: the upstream output (or an object keyed by source id when several). */
  input?: unknown;
  /** Outputs of nodes that already ran, by node id. */
  nodes: Record<string, unknown>;
  [extra: string]: unknown;
}

/** Each variable path a template reads from its scope, e.g. [["inputs","question"], ["nodes","answer","text"]]. */
export function templateReferences(source: string): string[][] {
  return referencesWith(limits(), source);
}
