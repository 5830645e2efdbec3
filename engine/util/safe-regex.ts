import { RE2JS } from "re2js";
import { formatCount, limits } from "../limits.js";

/**
 * Regular expressions from users (metric patterns, JSON Schema `pattern`) run on RE2JS, a
 * linear-time engine: `(a+)+$` against "aaaa…!" cannot hang. JavaScript syntax is translated;
 * what a linear-time engine cannot run (backreferences, lookahead, lookbehind) is refused with a
 * message naming it. Browser-safe.
 */

/** A compiled user pattern. */
export interface SafeRegex {
  readonly source: string;
  /** True when the pattern matches somewhere in `text` (unanchored, like RegExp.test). */
  test(text: string): boolean;
}

/** A pattern that cannot be used; `message` says why. */
export class RegexPatternError extends Error {}

const cache = new Map<string, SafeRegex>();
const MAX_CACHED = 500;

/** Compiles a user pattern for the linear-time engine; throws RegexPatternError naming the problem. */
export function compileSafeRegex(pattern: string, opts: { caseInsensitive?: boolean } = {}): SafeRegex {
  const key = `${opts.caseInsensitive ? "i" : "-"}${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const max = limits().regexPatternChars;
  if (pattern.length > max) throw new RegexPatternError(`the pattern is ${formatCount(pattern.length)} characters, over the limit of ${formatCount(max)} (regexPatternChars)`);
  const unsupported = unsupportedConstruct(pattern);
  if (unsupported) throw new RegexPatternError(`${unsupported} is not supported: patterns run on a linear-time engine (RE2), which has no backreferences or lookaround`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), opts.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    throw new RegexPatternError(`invalid regular expression: ${(err as Error).message.replace(/^error parsing regexp: /, "")}`);
  }
  const compiled: SafeRegex = { source: pattern, test: (text) => re.test(text) };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** Why a pattern cannot be used, or undefined when it can (for validation messages). */
export function regexPatternProblem(pattern: string, opts: { caseInsensitive?: boolean } = {}): string | undefined {
  try {
    compileSafeRegex(pattern, opts);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

// Scans outside character classes, skipping escaped characters, for what RE2 cannot express.
function unsupportedConstruct(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (!inClass && /[1-9]/.test(next)) return `the backreference \\${next}`;
      if (!inClass && next === "k" && pattern[i + 2] === "<") return "the named backreference \\k<…>";
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
      // A "]" right after "[" or "[^" is a literal in the class.
      if (pattern[i + 1] === "^") i++;
      if (pattern[i + 1] === "]") i++;
    } else if (c === "(" && pattern[i + 1] === "?") {
      const look = /^\(\?(<?[=!])/.exec(pattern.slice(i, i + 4));
      if (look) return `${look[1].startsWith("<") ? "lookbehind" : "lookahead"} (${look[0]}…)`;
    }
  }
  return undefined;
}
