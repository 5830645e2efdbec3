/** Small text helpers shared by the sim's parsers. */

/** Lowercases, drops punctuation at the ends and collapses whitespace (for answer comparison). */
export function normalizeAnswer(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/^["'`([{\s]+|["'`.)\]}!?,;:\s]+$/g, "");
}

/** Canonical key of a piece of data: lowercase words and digits only. */
export function canonicalKey(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9@.]+/g, " ").trim();
}

/** Splits text into sentences (keeps emails and decimals intact). */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=["'(]?[A-Z0-9])/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19, twenty: 20,
};

/** Regex source matching a number in digits or words up to twenty. */
export const NUMBER_PATTERN = `(\\d+|${Object.keys(NUMBER_WORDS).join("|")})`;

/** Parses "12" or "twelve"; undefined when it is neither. */
export function parseNumber(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  return NUMBER_WORDS[token.toLowerCase()];
}

/** Spells 0–20 as a word (generators use it for harder problems). */
export function numberWord(n: number): string {
  return Object.keys(NUMBER_WORDS).find((w) => NUMBER_WORDS[w] === n) ?? String(n);
}

/** Capitalizes the first letter. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The text after the last `Answer:` marker, if any (the extractable final line of a reasoning reply). */
export function finalAnswerLine(text: string): string | undefined {
  const m = /(?:^|\n)\s*(?:final\s+)?answer\s*:\s*([^\n]*)\s*$/i.exec(text.trimEnd());
  return m ? m[1].trim() : undefined;
}
