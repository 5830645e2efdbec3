import { z } from "zod";

// C0/C1 controls except tab/newline/CR, bidi overrides and isolates (Trojan-Source style spoofing),
// and lone surrogates (not valid Unicode; they break JSON consumers and terminals).
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
// Single-line labels (names, reasons) also refuse line breaks.
const LINE_BREAK = /[\n\r\u2028\u2029]/;

const UNSAFE_GLOBAL = new RegExp(UNSAFE_TEXT.source, "gu");

/**
 * Text with every unsafe character (as safeText refuses them) shown as `\u{…}`, for printing stored
 * values that predate the checks to a terminal or log. `keep` spares matches it accepts (our own colour codes).
 */
export function escapeUnsafe(text: string, keep?: RegExp): string {
  const escape = (t: string) => t.replace(UNSAFE_GLOBAL, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);
  if (!keep) return escape(text);
  const sticky = new RegExp(keep.source, "gu");
  let out = "";
  let last = 0;
  for (const m of text.matchAll(sticky)) {
    out += escape(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escape(text.slice(last));
}

/** The first unsafe character of `text` described for an error message, or undefined when it is clean. */
export function unsafeCharacter(text: string, opts: { multiline?: boolean } = {}): string | undefined {
  const m = UNSAFE_TEXT.exec(text) ?? (opts.multiline ? null : LINE_BREAK.exec(text));
  if (!m) return undefined;
  const code = m[0].codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")} at position ${m.index}`;
}

/**
 * A zod string for user-visible text (names, labels, reasons): refuses control characters,
 * bidi overrides and lone surrogates; `multiline` allows line breaks (descriptions, notes).
 */
export function safeText(opts: { max: number; min?: number; multiline?: boolean }) {
  return z
    .string()
    .min(opts.min ?? 0)
    .max(opts.max)
    .superRefine((s, ctx) => {
      const bad = unsafeCharacter(s, opts);
      if (bad) ctx.addIssue({ code: "custom", message: `contains a control or invisible formatting character (${bad})` });
    });
}
