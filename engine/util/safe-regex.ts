import { RE2JS } from "re2js";
import { formatCount, limits, type ResourceLimits } from "../limits.js";
import { estimateProgramSize } from "./regex-size.js";

/**
 * Regular expressions from users (metric patterns, JSON Schema `pattern`) run on RE2JS, a
 * linear-time engine: `(a+)+$` against "aaaa…!" cannot hang. JavaScript syntax is translated;
 * what a linear-time engine cannot run (backreferences, lookahead, lookbehind) is refused with a
 * message naming it. Linear is not cheap: a match costs up to about 300 ns per program
 * instruction per character (measured), so both the program (`regexProgramSize`) and the work of
 * each check (`regexWorkUnits`, instructions × characters) are bounded; the `regex` metric runs
 * bigger matches in a worker (engine/evaluation/regex-check.ts). Browser-safe.
 */

/** A compiled user pattern. */
export interface SafeRegex {
  readonly source: string;
  /** Instructions of the compiled program: the worst-case work per character of text. */
  readonly programSize: number;
  /**
   * True when the pattern matches somewhere in `text` (unanchored, like RegExp.test). Charges
   * programSize × (text length + 1) to `work` (by default a budget for this one match) first, and
   * throws RegexWorkError instead of matching when that is over the budget.
   */
  test(text: string, work?: RegexWork): boolean;
}

/** A pattern that cannot be used; `message` says why. */
export class RegexPatternError extends Error {}

/** A match refused because its work is over a regex work limit, or stopped at a deadline; `message` says why, naming the limit. */
export class RegexWorkError extends Error {}

/** The work one match costs: program instructions × (characters of text + 1). */
export function regexWorkUnits(re: Pick<SafeRegex, "programSize">, text: string): number {
  return re.programSize * (text.length + 1);
}

/**
 * The regex work budget of one check (one metric score, one JSON Schema validation): every match
 * charges its program size × text length, so many matches of one check share one bound.
 */
export class RegexWork {
  private used = 0;

  /** `name` is the limit `limit` comes from, for messages. */
  constructor(
    readonly limit: number = limits().regexWorkUnits,
    readonly name: keyof ResourceLimits = "regexWorkUnits",
  ) {}

  /** Charges one match; throws RegexWorkError naming the sizes and the limit when the budget cannot cover it. */
  charge(re: Pick<SafeRegex, "programSize">, text: string): void {
    const units = regexWorkUnits(re, text);
    if (this.used + units > this.limit) {
      const earlier = this.used > 0 ? `, with ${formatCount(this.used)} already spent by earlier matches of this check` : "";
      throw new RegexWorkError(
        `text too long for this pattern: ${formatCount(text.length)} characters × ${formatCount(re.programSize)} program instructions is over the regex work limit of ${formatCount(this.limit)} (${this.name})${earlier}`,
      );
    }
    this.used += units;
  }
}

const cache = new Map<string, SafeRegex>();
const MAX_CACHED = 500;
// Patterns whose estimate is this many times over the program limit are refused without compiling (compiling costs about 3.5 ms per 1,000 instructions).
const ESTIMATE_SLACK = 4;

/** How to compile: case-insensitive, and the limits to apply (default: this process's; a worker gets its caller's). */
export interface CompileOptions {
  caseInsensitive?: boolean;
  limits?: Readonly<ResourceLimits>;
}

/** Compiles a user pattern for the linear-time engine; throws RegexPatternError naming the problem. */
export function compileSafeRegex(pattern: string, opts: CompileOptions = {}): SafeRegex {
  const lim = opts.limits ?? limits();
  const key = `${opts.caseInsensitive ? "i" : "-"}${pattern}`;
  const hit = cache.get(key);
  if (hit) {
    checkProgramSize(hit.programSize, lim.regexProgramSize);
    return hit;
  }
  const max = lim.regexPatternChars;
  if (pattern.length > max) throw new RegexPatternError(`the pattern is ${formatCount(pattern.length)} characters, over the limit of ${formatCount(max)} (regexPatternChars)`);
  const unsupported = unsupportedConstruct(pattern);
  if (unsupported) throw new RegexPatternError(`${unsupported} is not supported: patterns run on a linear-time engine (RE2), which has no backreferences or lookaround`);
  const estimate = estimateProgramSize(pattern);
  if (estimate > ESTIMATE_SLACK * lim.regexProgramSize) checkProgramSize(estimate, lim.regexProgramSize);
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), opts.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    throw new RegexPatternError(`invalid regular expression: ${(err as Error).message.replace(/^error parsing regexp: /, "")}`);
  }
  const programSize = re.programSize();
  checkProgramSize(programSize, lim.regexProgramSize);
  const compiled: SafeRegex = {
    source: pattern,
    programSize,
    test(text, work = new RegexWork()) {
      work.charge(compiled, text);
      return re.test(text);
    },
  };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

function checkProgramSize(size: number, max: number): void {
  if (size > max) {
    throw new RegexPatternError(
      `the pattern expands to ${formatCount(size)} program instructions, over the limit of ${formatCount(max)} (regexProgramSize): counted repetitions multiply, e.g. a{1000} is 1,002`,
    );
  }
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
