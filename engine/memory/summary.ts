import type { CompletionRequest, Provider, TokenUsage } from "../providers/types.js";
import type { MemoryStore, MemoryTurn, ThreadKey } from "./types.js";

/** The summariser's instruction; the sim recognises it (engine/providers/sim/memory.ts). */
export const SUMMARY_INSTRUCTION =
  "You maintain a running summary of a conversation between a user and an assistant. Merge the new messages into the previous summary. Keep every fact the user stated about themselves or their task (names, numbers, preferences, decisions) in the user's own words, drop small talk, and answer with the updated summary only.";

/** Characters of one message shown to the summariser (a long paste is summarised from its start). */
const MESSAGE_CHARS = 2_000;

/** The request that folds `turns` into `previous`. */
export function summaryRequest(previous: string, turns: readonly MemoryTurn[], model: string, maxTokens: number): CompletionRequest {
  const lines = turns.map((t) => `${t.role}: ${t.content.length > MESSAGE_CHARS ? `${t.content.slice(0, MESSAGE_CHARS)}…` : t.content}`);
  return {
    model,
    temperature: 0,
    maxTokens,
    messages: [
      { role: "system", content: SUMMARY_INSTRUCTION },
      { role: "user", content: `Previous summary:\n${previous.trim() || "(none)"}\n\nNew messages:\n${lines.join("\n")}\n\nUpdated summary:` },
    ],
  };
}

export interface FoldResult {
  /** The summary version now stored (unchanged when there was nothing to fold). */
  version: number;
  usage: TokenUsage;
  costUsd: number;
  /** Set when the summary could not be stored (another run kept updating it); the messages stay for the next fold. */
  conflict?: boolean;
}

/**
 * Folds the thread's messages that the summary does not cover yet (at most `maxMessages`, the
 * newest) into it with one model call, stored only if no other run updated the summary
 * meanwhile; on such a race it reads the new summary and folds once more.
 */
export async function foldSummary(args: {
  store: MemoryStore;
  key: ThreadKey;
  provider: Provider;
  model: string;
  maxTokens: number;
  maxMessages: number;
  signal?: AbortSignal;
}): Promise<FoldResult> {
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  let costUsd = 0;
  let version = 0;
  for (let attempt = 0; attempt < 2; attempt++) {
    const current = await args.store.summary(args.key);
    version = current?.version ?? 0;
    const pending = await args.store.recent(args.key, { limit: args.maxMessages, afterSeq: current?.throughSeq ?? 0 });
    if (!pending.length) return { version, usage, costUsd };
    const res = await args.provider.complete(summaryRequest(current?.text ?? "", pending, args.model, args.maxTokens), { signal: args.signal });
    usage.promptTokens += res.usage.promptTokens;
    usage.completionTokens += res.usage.completionTokens;
    usage.totalTokens += res.usage.totalTokens;
    costUsd += res.cached ? 0 : (res.costUsd ?? 0);
    if (await args.store.saveSummary(args.key, { text: res.text.trim(), throughSeq: pending[pending.length - 1].seq }, version)) {
      return { version: version + 1, usage, costUsd };
    }
  }
  return { version, usage, costUsd, conflict: true };
}
