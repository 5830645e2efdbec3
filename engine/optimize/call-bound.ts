/**
 * Upper bounds of what one model call can cost, for the budget's admission control: the prompt's
 * tokens (exact for the sim, a proven upper bound for any other provider) and the reply's
 * (its `maxTokens`, which providers honour).
 */
import { limits } from "../limits.js";
import { countPromptTokensAsync } from "../providers/sim/tokens.js";
import type { ChatMessage } from "../providers/types.js";

/** `maxTokens` the budget gives a request that has none: the room left, at most this. */
export const DEFAULT_REPLY_TOKENS = 4096;
/** A request without `maxTokens` is not started with room for fewer reply tokens than this. */
export const MIN_REPLY_TOKENS = 16;
/**
 * Chat-template framing assumed for providers other than the sim: tokens per message and per
 * request (OpenAI adds 3 + 3, Llama 3 and ChatML 5 + 5; a server's default system prompt fits in
 * the per-request share).
 */
export const FRAME_TOKENS_PER_MESSAGE = 8;
export const FRAME_TOKENS_PER_REQUEST = 64;

/**
 * Most prompt tokens a request can be billed for. The sim counts with cl100k_base
 * (providers/sim/tokens.ts), so the same count is exact. For any other provider the tokenizer is
 * unknown: the UTF-8 length of the messages is an upper bound for every byte-level BPE tokenizer
 * (OpenAI, Llama 3, Qwen, Mistral: a token covers at least one byte), plus generous framing. An
 * estimate such as chars / 3 would be beaten by digits, CJK or emoji, and the cap would not hold.
 */
export async function promptTokenBound(providerId: string, messages: readonly ChatMessage[]): Promise<number> {
  const chars = messages.reduce((n, m) => n + m.content.length, 0);
  // The sim refuses longer prompts without charging; counting them exactly would only cost time.
  if (providerId === "sim" && chars <= limits().simInputChars) return countPromptTokensAsync(messages);
  return messages.reduce((n, m) => n + utf8Length(m.content) + FRAME_TOKENS_PER_MESSAGE, FRAME_TOKENS_PER_REQUEST);
}

/** Bytes of a string in UTF-8 (a lone surrogate counts 3, as it is encoded as U+FFFD). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
