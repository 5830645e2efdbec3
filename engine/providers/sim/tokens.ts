import { decode, encode } from "gpt-tokenizer/encoding/cl100k_base";
import type { ChatMessage } from "../types.js";

// Special-token text in user content is counted as plain text instead of throwing.
const ENCODE_OPTIONS = { disallowedSpecial: new Set<string>() };

/** Per-message framing overhead of the chat format (OpenAI cl100k chat models). */
export const TOKENS_PER_MESSAGE = 3;
/** Tokens that prime the assistant reply. */
export const TOKENS_REPLY_PRIMING = 3;

/**
 * Longest run of one character class (letters, digits, whitespace, other) encoded whole. BPE is
 * quadratic in the length of a pre-token, and a run is one pre-token: 100K letters without a space
 * took 24 s. Longer runs are cut every MAX_RUN characters (their count changes slightly); text
 * without such runs is counted exactly.
 */
export const MAX_RUN = 64;
/** Normal text is encoded in slices of about this many characters, cut where tokens never span. */
const SLICE = 16_384;
/** Work between two yields to the event loop in the async variants. */
const YIELD_MS = 8;

const RUNS = /\p{L}+|\p{N}+|\s+|[^\s\p{L}\p{N}]+/gu;
// A single space between two non-space characters: every cl100k pre-token ends before it and the next starts
// with it, so cutting here leaves the tokens unchanged.
const SAFE_CUT = /(?<=\S) (?=\S)/g;

function forcedCuts(text: string): number[] {
  const cuts: number[] = [];
  for (const m of text.matchAll(RUNS)) {
    const end = m.index + m[0].length;
    for (let c = m.index + MAX_RUN; c < end; c += MAX_RUN) {
      const code = text.charCodeAt(c);
      // Never split a surrogate pair.
      cuts.push(code >= 0xdc00 && code <= 0xdfff ? c - 1 : c);
    }
  }
  return cuts;
}

/** The text in pieces that are encoded separately: linear time overall, exact for text without long runs. */
export function* tokenPieces(text: string): Generator<string> {
  const forced = forcedCuts(text);
  let f = 0;
  let start = 0;
  while (start < text.length) {
    while (f < forced.length && forced[f] <= start) f++;
    const nextForced = f < forced.length ? forced[f] : text.length;
    let end = nextForced;
    if (nextForced - start > SLICE) {
      SAFE_CUT.lastIndex = start + SLICE;
      const m = SAFE_CUT.exec(text);
      if (m && m.index < nextForced) end = m.index;
    }
    yield text.slice(start, end);
    start = end;
  }
}

const encodePiece = (piece: string): number[] => encode(piece, ENCODE_OPTIONS);

/** Number of cl100k_base tokens in a string (linear time; see MAX_RUN). */
export function countTokens(text: string): number {
  let n = 0;
  for (const piece of tokenPieces(text)) n += encodePiece(piece).length;
  return n;
}

/** Like countTokens, but yields to the event loop every few milliseconds on long text. */
export async function countTokensAsync(text: string): Promise<number> {
  let n = 0;
  let since = performance.now();
  for (const piece of tokenPieces(text)) {
    n += encodePiece(piece).length;
    if (performance.now() - since > YIELD_MS) {
      await yieldToEventLoop();
      since = performance.now();
    }
  }
  return n;
}

/** Prompt tokens of a chat request: content tokens + 3 per message + 3 for the reply priming. */
export function countPromptTokens(messages: readonly ChatMessage[]): number {
  let total = TOKENS_REPLY_PRIMING;
  for (const m of messages) total += TOKENS_PER_MESSAGE + countTokens(m.content);
  return total;
}

/** Like countPromptTokens, without blocking the event loop on long prompts. */
export async function countPromptTokensAsync(messages: readonly ChatMessage[]): Promise<number> {
  let total = TOKENS_REPLY_PRIMING;
  for (const m of messages) total += TOKENS_PER_MESSAGE + (await countTokensAsync(m.content));
  return total;
}

/** Cuts text to at most `maxTokens` tokens; `truncated` says whether anything was cut. */
export function truncateToTokens(text: string, maxTokens: number): { text: string; tokens: number; truncated: boolean } {
  const ids: number[] = [];
  for (const piece of tokenPieces(text)) {
    for (const id of encodePiece(piece)) ids.push(id);
    // Encoding stops once the limit is passed: the rest is cut anyway.
    if (ids.length > maxTokens) break;
  }
  if (ids.length <= maxTokens) return { text, tokens: ids.length, truncated: false };
  const kept = ids.slice(0, Math.max(0, maxTokens));
  return { text: decode(kept), tokens: kept.length, truncated: true };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
