import { z } from "zod";
import { safeText } from "./text.js";

/**
 * Conversation memory of an AI node (see docs/tools-and-memory.md): which thread a run belongs
 * to, how much of it the model reads back, and whether it is read at all. Browser-safe.
 */

export const MEMORY_KINDS = ["window", "summary"] as const;
/** Most past exchanges (a user message and its reply) a node reads back. */
export const MAX_MEMORY_TURNS = 100;
export const DEFAULT_MEMORY_TURNS = 10;
/** Largest token budget a node may give its memory. */
export const MAX_MEMORY_TOKENS = 32_000;
/** Tokens a running summary keeps when the node does not say (`summary` kind). */
export const DEFAULT_SUMMARY_TOKENS = 400;
/** Characters of a thread id. */
export const MAX_THREAD_ID_CHARS = 128;

const THREAD_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/;
const THREAD_ID_RULE = `must start with a letter or digit and contain only letters, digits, _ . : @ or - (at most ${MAX_THREAD_ID_CHARS})`;

/** A conversation's thread id: what callers pass (a run input, the CLI's --thread, the API). */
export const ThreadIdSchema = z.string().min(1).max(MAX_THREAD_ID_CHARS).regex(THREAD_ID, THREAD_ID_RULE);

/** Why `id` is not a usable thread id, or undefined when it is. */
export function threadIdProblem(id: string): string | undefined {
  if (!id) return "is empty";
  if (id.length > MAX_THREAD_ID_CHARS || !THREAD_ID.test(id)) return THREAD_ID_RULE;
  return undefined;
}

export const MemoryConfigSchema = z.strictObject({
  /** Template giving the thread id, e.g. `{{ inputs.thread }}`; a run whose thread renders empty runs without memory. */
  thread: safeText({ min: 1, max: 500 }),
  /** `window`: the last turns verbatim; `summary`: a running summary kept by a model, plus the turns it has not folded in yet. */
  kind: z.enum(MEMORY_KINDS).default("window"),
  /** Most past exchanges read back (default 10). */
  maxTurns: z.number().int().min(1).max(MAX_MEMORY_TURNS).default(DEFAULT_MEMORY_TURNS),
  /** `window`: token budget of the turns read back (oldest dropped first); `summary`: most tokens the summary keeps (default 400). */
  maxTokens: z.number().int().min(16).max(MAX_MEMORY_TOKENS).optional(),
  /** `summary`: the provider and model that write the summary (default: the node's own). */
  summaryProvider: safeText({ min: 1, max: 200 }).optional(),
  summaryModel: safeText({ min: 1, max: 200 }).optional(),
  /** Prepend the memory to the model's messages (as the seed's include_context); false still records the turns. */
  includeContext: z.boolean().default(true),
}).superRefine((m, ctx) => {
  // A summary model on a window memory would silently do nothing.
  for (const f of ["summaryProvider", "summaryModel"] as const) {
    if (m[f] !== undefined && m.kind !== "summary") ctx.addIssue({ code: "custom", path: [f], message: `is only used by kind "summary" (this memory is "${m.kind}")` });
  }
});

export type MemoryConfig = z.infer<typeof MemoryConfigSchema>;
export type MemoryKind = MemoryConfig["kind"];
