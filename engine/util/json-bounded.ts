import { formatCount, limits } from "../limits.js";

/** Text refused before parsing because it is over `jsonChars` or `jsonDepth`: too large to check, which says nothing about whether it is JSON. */
export class JsonLimitError extends Error {}

/**
 * JSON.parse for untrusted text (model answers): refuses text over `jsonChars` characters or nested
 * deeper than `jsonDepth`, before parsing, so recursive walkers (schema validation) stay shallow and
 * bounded. Throws JsonLimitError naming the limit, or JSON.parse's SyntaxError; browser-safe.
 */
export function parseJsonBounded(text: string): unknown {
  const { jsonChars, jsonDepth } = limits();
  if (text.length > jsonChars) throw new JsonLimitError(`${formatCount(text.length)} characters is over the limit of ${formatCount(jsonChars)} (jsonChars)`);
  const depth = maxNesting(text);
  if (depth > jsonDepth) throw new JsonLimitError(`nested deeper than ${formatCount(jsonDepth)} levels (jsonDepth)`);
  return JSON.parse(text);
}

/** Deepest bracket nesting outside string literals (one linear scan; the text need not be valid JSON). */
export function maxNesting(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}
