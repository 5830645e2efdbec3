import { Liquid, type Template } from "liquidjs";
import { TemplateError } from "../errors.js";

// LiquidJS interprets templates (no code generation), so user templates cannot run JavaScript.
const liquid = new Liquid({
  strictFilters: true,
  ownPropertyOnly: true,
  cache: false,
  jsTruthy: true,
  // `{{ obj }}` prints JSON instead of "[object Object]"; strings print as they are (prompts are not HTML).
  outputEscape: (v: unknown) => (v !== null && typeof v === "object" ? JSON.stringify(v) : v == null ? "" : String(v)),
});

// Objects render as JSON instead of "[object Object]".
liquid.registerFilter("json", (v: unknown) => JSON.stringify(v));

const parsed = new Map<string, Template[]>();
const MAX_CACHED = 2000;

/** Parses a template once and caches the result; throws TemplateError on bad syntax. */
export function compileTemplate(source: string): Template[] {
  const hit = parsed.get(source);
  if (hit) return hit;
  let tpl: Template[];
  try {
    tpl = liquid.parse(source);
  } catch (err) {
    throw new TemplateError(`template syntax error: ${(err as Error).message.split("\n")[0]}`);
  }
  if (parsed.size >= MAX_CACHED) parsed.delete(parsed.keys().next().value as string);
  parsed.set(source, tpl);
  return tpl;
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

/** Renders a template against a scope; objects are printed as JSON. */
export function renderTemplate(source: string, scope: TemplateScope): string {
  const tpl = compileTemplate(source);
  try {
    return liquid.renderSync(tpl, scope) as string;
  } catch (err) {
    throw new TemplateError(`template render error: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** Each variable path a template reads from its scope, e.g. [["inputs","question"], ["nodes","answer","text"]]. */
export function templateReferences(source: string): string[][] {
  const tpl = compileTemplate(source);
  return liquid.globalVariableSegmentsSync(tpl).map((segs) => segs.map((s) => String(s)));
}
