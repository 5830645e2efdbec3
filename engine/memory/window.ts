import type * as Tokens from "../providers/sim/tokens.js";
import type { MemoryTurn } from "./types.js";

type TokensModule = typeof Tokens;
// Loaded on first use through a specifier the bundler cannot follow: the AI node (and so this file)
// is reachable from the editor's bundle, and the tokenizer's tables are ~1 MB.
const TOKENS_MODULE = "../providers/sim/tokens.js";
let tokensModule: Promise<TokensModule> | undefined;
async function countTokensAsync(text: string): Promise<number> {
  tokensModule ??= import(/* @vite-ignore */ TOKENS_MODULE) as Promise<TokensModule>;
  return (await tokensModule).countTokensAsync(text);
}


/** Tokens one chat message costs beyond its content (as the sim and OpenAI count them). */
const TOKENS_PER_MESSAGE = 3;

/** Messages read for `maxTurns` exchanges: a user message and its reply each. */
export function messagesFor(maxTurns: number): number {
  return maxTurns * 2;
}

/**
 * The newest messages of `turns` (oldest first) that fit `maxTokens` (cl100k tokens of their
 * content plus the per-message overhead), never starting with a reply whose question was dropped.
 */
export async function fitWindow(turns: readonly MemoryTurn[], maxTokens: number | undefined): Promise<{ turns: MemoryTurn[]; tokens: number }> {
  let tokens = 0;
  let start = turns.length;
  for (let i = turns.length - 1; i >= 0; i--) {
    const cost = TOKENS_PER_MESSAGE + (await countTokensAsync(turns[i].content));
    if (maxTokens !== undefined && tokens + cost > maxTokens) break;
    tokens += cost;
    start = i;
  }
  const kept = turns.slice(start);
  // A reply without the message it answers reads as the model talking to itself.
  while (kept.length && kept[0].role === "assistant") tokens -= TOKENS_PER_MESSAGE + (await countTokensAsync(kept.shift()!.content));
  return { turns: kept, tokens };
}
