import { decode, encode } from "gpt-tokenizer/encoding/cl100k_base";
import type { ChatMessage } from "../types.js";

// Special-token text in user content is counted as plain text instead of throwing.
const ENCODE_OPTIONS = { disallowedSpecial: new Set<string>() };

/** Per-message framing overhead of the chat format (OpenAI cl100k chat models). */
export const TOKENS_PER_MESSAGE = 3;
/** Tokens that prime the assistant reply. */
export const TOKENS_REPLY_PRIMING = 3;

/** Number of cl100k_base tokens in a string. */
export function countTokens(text: string): number {
  return text ? encode(text, ENCODE_OPTIONS).length : 0;
}

/** Prompt tokens of a chat request: content tokens + 3 per message + 3 for the reply priming. */
export function countPromptTokens(messages: readonly ChatMessage[]): number {
  let total = TOKENS_REPLY_PRIMING;
  for (const m of messages) total += TOKENS_PER_MESSAGE + countTokens(m.content);
  return total;
}

/** Cuts text to at most `maxTokens` tokens; `truncated` says whether anything was cut. */
export function truncateToTokens(text: string, maxTokens: number): { text: string; tokens: number; truncated: boolean } {
  const ids = encode(text, ENCODE_OPTIONS);
  if (ids.length <= maxTokens) return { text, tokens: ids.length, truncated: false };
  const kept = ids.slice(0, Math.max(0, maxTokens));
  return { text: decode(kept), tokens: kept.length, truncated: true };
}
