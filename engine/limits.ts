/**
 * Resource limits on user text: templates, expressions, regular expressions, JSON and the sim's
 * input. One table, documented in docs/security.md; the server and the CLI may override it at
 * start-up (`configureLimits`, environment variables `FLOWTUNE_LIMIT_*`). Browser-safe.
 */

/** Every limit, with its unit in the name. */
export interface ResourceLimits {
  /** Characters of one template's source (Liquid `parseLimit`); also the graph format's cap on each template field, so it can only be lowered. */
  templateSourceChars: number;
  /** Characters of all template sources of one graph together (validation parses each of them). */
  graphTemplateChars: number;
  /** Milliseconds one template render may take (Liquid `renderLimit`; the render worker is killed shortly after). */
  templateRenderMs: number;
  /** Liquid `memoryLimit`: characters/items a render may allocate (strings, arrays, ranges, printed output). */
  templateMemory: number;
  /** Loop iterations (`for`, `tablerow`, nested ones counted) in one render. */
  templateLoopIterations: number;
  /** Characters of one rendered template (e.g. a prompt). */
  templateOutputChars: number;
  /** Heap of each template render worker, in MB. */
  templateWorkerHeapMb: number;
  /** Characters of one condition expression. */
  expressionSourceChars: number;
  /** Characters/items of strings and lists one condition evaluation may process (operands of each operator and transform). */
  expressionWorkChars: number;
  /** Characters of one regular expression (metric patterns, JSON Schema `pattern`). */
  regexPatternChars: number;
  /** Instructions of one compiled regular expression (counted repetitions multiply: `a{1000}` is 1,002). */
  regexProgramSize: number;
  /** Regex work of one check run inline (a metric, one JSON Schema validation): program instructions × characters of text, summed over every match. */
  regexWorkUnits: number;
  /** Regex work of one `regex` metric match run in a worker thread, when it is over `regexWorkUnits` (same unit). */
  regexWorkerWorkUnits: number;
  /** Milliseconds one regex match in a worker may take before the worker is terminated. */
  regexWorkerMs: number;
  /** Characters of text parsed as JSON (model answers in json metrics and responseFormat json). */
  jsonChars: number;
  /** Nesting depth of JSON parsed from model answers. */
  jsonDepth: number;
  /** Characters of all messages of one sim request (the sim's "context window"). */
  simInputChars: number;
  /** Characters of a run's inputs written as JSON (all fields together): each run stores them. */
  runInputChars: number;
  /** Items of the list one parallel map edge runs its target over. */
  mapItems: number;
  /** Bytes of one `http` tool response body read; a longer body fails that tool call. */
  toolHttpResponseBytes: number;
  /** Milliseconds one `http` tool request may take, body included. */
  toolHttpTimeoutMs: number;
  /** Milliseconds all tool calls of one AI node execution may take together. */
  toolTotalMs: number;
  /** Characters of the arguments a model passes to one tool call (as JSON). */
  toolArgumentChars: number;
  /** Characters of one tool result handed back to the model (longer ones are truncated with a marker). */
  toolResultChars: number;
}

/** The defaults, as documented. */
export const DEFAULT_LIMITS: Readonly<ResourceLimits> = Object.freeze({
  templateSourceChars: 50_000,
  graphTemplateChars: 2_000_000,
  templateRenderMs: 250,
  templateMemory: 10_000_000,
  templateLoopIterations: 100_000,
  templateOutputChars: 1_000_000,
  templateWorkerHeapMb: 256,
  expressionSourceChars: 2_000,
  expressionWorkChars: 10_000_000,
  regexPatternChars: 2_000,
  regexProgramSize: 2_000,
  regexWorkUnits: 400_000,
  regexWorkerWorkUnits: 50_000_000,
  regexWorkerMs: 1_000,
  jsonChars: 1_000_000,
  jsonDepth: 64,
  simInputChars: 100_000,
  runInputChars: 1_000_000,
  mapItems: 10_000,
  toolHttpResponseBytes: 1_000_000,
  toolHttpTimeoutMs: 10_000,
  toolTotalMs: 60_000,
  toolArgumentChars: 20_000,
  toolResultChars: 20_000,
});

/** Limits that may only be lowered: the graph format itself caps each template field at this many characters. */
const CEILINGS: Partial<Readonly<ResourceLimits>> = Object.freeze({ templateSourceChars: DEFAULT_LIMITS.templateSourceChars });

/** Environment variable of each limit, e.g. `FLOWTUNE_LIMIT_TEMPLATE_RENDER_MS`. */
export const LIMIT_ENV_VARS: Readonly<Record<keyof ResourceLimits, string>> = Object.freeze(
  Object.fromEntries(
    (Object.keys(DEFAULT_LIMITS) as Array<keyof ResourceLimits>).map((k) => [k, `FLOWTUNE_LIMIT_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`]),
  ) as Record<keyof ResourceLimits, string>,
);

let current: ResourceLimits = { ...DEFAULT_LIMITS };

/** The limits in force in this process. */
export function limits(): Readonly<ResourceLimits> {
  return current;
}

/**
 * Sets the limits of this process: the defaults with `overrides` applied (not cumulative, so
 * `configureLimits({})` restores the defaults). Throws naming the limit when a value is not a positive number.
 */
export function configureLimits(overrides: Partial<ResourceLimits> = {}): Readonly<ResourceLimits> {
  const next = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof ResourceLimits, number | undefined]>) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) throw new Error(`unknown limit "${key}" (known: ${Object.keys(DEFAULT_LIMITS).join(", ")})`);
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new Error(`limit ${key} must be a positive number (got ${String(value)})`);
    const ceiling = CEILINGS[key];
    if (ceiling !== undefined && value > ceiling) throw new Error(`limit ${key} cannot exceed ${formatCount(ceiling)}, the graph format's own cap (got ${formatCount(value)})`);
    next[key] = value;
  }
  current = next;
  return current;
}

/** The overrides set in an environment (`FLOWTUNE_LIMIT_*`); throws naming the variable when one is not a positive number. */
export function limitsFromEnv(env: Record<string, string | undefined>): Partial<ResourceLimits> {
  const out: Partial<ResourceLimits> = {};
  for (const [key, name] of Object.entries(LIMIT_ENV_VARS) as Array<[keyof ResourceLimits, string]>) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got ${JSON.stringify(raw)})`);
    out[key] = n;
  }
  return out;
}

/** `1000000` → `1,000,000`, for messages. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
