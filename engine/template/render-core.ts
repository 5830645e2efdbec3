import { AssertionError, LiquidError, Output, TypeGuards, type Template } from "liquidjs";
import { TemplateError } from "../errors.js";
import { formatCount, type ResourceLimits } from "../limits.js";
import { createSandbox, SandboxViolation, type Sandbox } from "./sandbox.js";

/** A parsed template and whether it is cheap enough to render on the caller's thread. */
export interface Compiled {
  templates: Template[];
  inline: boolean;
  /** The variable paths it reads, once asked for (validation asks on every save and run start). */
  references?: string[][];
}

const sandboxes = new Map<string, Sandbox>();
// Parsed templates by engine and source, oldest first. A parsed template takes about 45 bytes of heap
// per source character, so the cache is bounded by characters, not entries (2,000 entries of 100 KB were ~9 GB).
const parsed = new Map<string, Compiled & { chars: number }>();
let cachedChars = 0;
let maxCachedChars = 2_000_000;

/** Sets how many template source characters the parse cache keeps (render workers keep fewer: their heap is small). */
export function setParseCacheChars(chars: number): void {
  maxCachedChars = chars;
  evict(0);
}

function evict(incoming: number): void {
  for (const [key, entry] of parsed) {
    if (cachedChars + incoming <= maxCachedChars) break;
    parsed.delete(key);
    cachedChars -= entry.chars;
  }
}

// One engine per distinct limits (normally one per process); a new limits object builds another.
function engineFor(limits: Readonly<ResourceLimits>): { key: string; sandbox: Sandbox } {
  const key = JSON.stringify(limits);
  let sandbox = sandboxes.get(key);
  if (!sandbox) {
    if (sandboxes.size >= 8) sandboxes.clear();
    sandbox = createSandbox(limits);
    sandboxes.set(key, sandbox);
  }
  return { key, sandbox };
}

/** Parses a template once per engine; throws TemplateError on bad syntax, refused tags or oversized source. */
export function compileWith(limits: Readonly<ResourceLimits>, source: string): Compiled {
  const engine = engineFor(limits);
  const cacheKey = `${engine.key}\u0000${source}`;
  const hit = parsed.get(cacheKey);
  if (hit) {
    // Most recently used last, so eviction drops the coldest.
    parsed.delete(cacheKey);
    parsed.set(cacheKey, hit);
    return hit;
  }
  if (source.length > limits.templateSourceChars) {
    throw new TemplateError(`template is ${formatCount(source.length)} characters, over the limit of ${formatCount(limits.templateSourceChars)} (templateSourceChars)`);
  }
  let templates: Template[];
  try {
    templates = engine.sandbox.liquid.parse(source);
  } catch (err) {
    const root = rootError(err);
    if (root instanceof SandboxViolation) throw new TemplateError(`${root.message}${where(err)}`);
    throw new TemplateError(`template syntax error: ${firstLine(err)}`);
  }
  const compiled = { templates, inline: isInlineSafe(templates, engine.sandbox), chars: source.length };
  if (source.length <= maxCachedChars) {
    evict(source.length);
    parsed.set(cacheKey, compiled);
    cachedChars += source.length;
  }
  return compiled;
}

/** Each variable path a parsed template reads, e.g. [["inputs","question"]]. */
export function referencesWith(limits: Readonly<ResourceLimits>, source: string): string[][] {
  const compiled = compileWith(limits, source);
  compiled.references ??= engineFor(limits)
    .sandbox.liquid.globalVariableSegmentsSync(compiled.templates)
    .map((segs) => segs.map((s) => String(s)));
  return compiled.references;
}

/**
 * Renders synchronously within the limits: render time, memory, loop iterations, output size.
 * Every exceeded limit is a TemplateError naming the limit; a render never returns more than the output limit.
 */
export function renderWith(limits: Readonly<ResourceLimits>, source: string, scope: object): string {
  const { templates } = compileWith(limits, source);
  let out: string;
  try {
    out = engineFor(limits).sandbox.liquid.renderSync(templates, scope) as string;
  } catch (err) {
    const budget = budgetExceeded(err);
    const message = renderErrorMessage(err, limits);
    throw budget ? new TemplateBudgetError(message, budget) : new TemplateError(message);
  }
  if (out.length > limits.templateOutputChars) throw new TemplateError(outputTooLong(limits));
  return out;
}

/** A render stopped by its time or memory budget (the caller may retry with a larger one). */
export class TemplateBudgetError extends TemplateError {
  constructor(
    message: string,
    readonly limit: "templateRenderMs" | "templateMemory",
  ) {
    super(message);
  }
}

function budgetExceeded(err: unknown): TemplateBudgetError["limit"] | undefined {
  const root = rootError(err);
  if (!(root instanceof AssertionError)) return undefined;
  if (/template render limit/.test(root.message)) return "templateRenderMs";
  if (/memory alloc limit/.test(root.message)) return "templateMemory";
  return undefined;
}

/** True when a render failed on a resource limit (every limit message names its `(template…)` key). */
export function isTemplateLimitError(err: unknown): boolean {
  return err instanceof TemplateError && /\(template[A-Z][A-Za-z]+\)/.test(err.message);
}

function outputTooLong(limits: Readonly<ResourceLimits>): string {
  return `rendered template exceeds ${formatCount(limits.templateOutputChars)} characters (templateOutputChars)`;
}

/** The message for a failed render: which limit was exceeded, or the template's own error. */
export function renderErrorMessage(err: unknown, limits: Readonly<ResourceLimits>): string {
  const root = rootError(err);
  if (root instanceof SandboxViolation && root.kind === "loop-limit") {
    return `template loops exceeded ${formatCount(limits.templateLoopIterations)} iterations (templateLoopIterations)${where(err)}`;
  }
  if (root instanceof AssertionError && /template render limit/.test(root.message)) {
    return `template render exceeded ${formatCount(limits.templateRenderMs)} ms (templateRenderMs)`;
  }
  if (root instanceof AssertionError && /memory alloc limit/.test(root.message)) {
    return `template memory limit exceeded: more than ${formatCount(limits.templateMemory)} characters or items allocated (templateMemory)${where(err)}`;
  }
  // V8's own string size limit: only reachable by output far beyond the output limit.
  if (root instanceof RangeError && /Invalid string length|Invalid array length/.test(root.message)) return outputTooLong(limits);
  return `template render error: ${firstLine(err)}`;
}

function rootError(err: unknown): unknown {
  let e = err;
  while (e instanceof LiquidError && e.originalError && e.originalError !== e) e = e.originalError;
  return e;
}

// ", line:1, col:25" from a liquidjs error, so a limit message still points at the tag.
function where(err: unknown): string {
  const m = err instanceof Error ? /, line:\d+, col:\d+/.exec(err.message) : null;
  return m ? m[0].replace(/^, /, " (at ") + ")" : "";
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}

// Filters whose work is proportional to what they charge to the memory limit (or constant):
// a template of only text and such outputs cannot run long, so it needs no worker.
const INLINE_FILTERS = new Set([
  "json", "raw", "default", "upcase", "downcase", "capitalize", "strip", "lstrip", "rstrip", "strip_newlines",
  "newline_to_br", "escape", "escape_once", "url_encode", "url_decode", "append", "prepend", "replace", "replace_first",
  "replace_last", "remove", "remove_first", "remove_last", "truncate", "join", "map", "first", "last", "size",
  "plus", "minus", "times", "divided_by", "modulo", "round", "floor", "ceil", "abs", "at_least", "at_most",
]);

/** True for templates of plain text and `{{ … }}` outputs with cheap filters: no tags, loops or ranges. */
export function isInlineSafe(templates: readonly Template[], sandbox: Sandbox): boolean {
  // liquidjs appends the output escape to every output as a filter named `toString.call(outputEscape)` ("[object Function]").
  const escape = Object.prototype.toString.call(sandbox.liquid.options.outputEscape);
  return templates.every((t) => {
    if (TypeGuards.isHTMLToken(t.token)) return true;
    if (!(t instanceof Output)) return false;
    // "(" is how ranges and grouped expressions start; a quoted one only costs a worker round trip.
    if (t.token.getText().includes("(")) return false;
    return t.value.filters.every((f) => INLINE_FILTERS.has(f.name) || f.name === escape);
  });
}

// Any path resolves to another placeholder that prints as "x", so only syntax and filter use can fail.
const placeholder: unknown = new Proxy(
  {},
  { get: (_t, k) => (k === "toString" || k === Symbol.toPrimitive ? () => "x" : typeof k === "string" ? placeholder : undefined) },
);

/** A scope where every variable exists (renders as "x"): for checking that a template renders at all. */
export function placeholderScope(): Record<string, unknown> {
  return { inputs: placeholder, input: placeholder, nodes: placeholder, item: "x", index: 0, response: placeholder };
}
