/**
 * An upper estimate of the RE2 program a JavaScript pattern compiles to, computed without compiling:
 * counted repetitions multiply (`(?:a?){1000}` is 2,000 instructions), so a 20-character pattern can
 * make a program whose compile and match cost grows with its size. Compiling a 2,000-character
 * pattern of repetitions took about a second (285,000 instructions), so oversized patterns are
 * refused before RE2JS sees them. Linear in the pattern. Browser-safe.
 */

interface Frame {
  /** Instructions of the finished alternatives of this group. */
  alts: number;
  /** Number of `|` seen (each is one ALT instruction). */
  bars: number;
  /** Instructions of the current alternative, including `last`. */
  seq: number;
  /** The last atom's instructions (what a quantifier applies to); 0 when there is none. */
  last: number;
  /** Capturing groups compile to two CAPTURE instructions. */
  capture: boolean;
}

const QUANTIFIER = /^\{(\d+)(,(\d*))?\}/;

/** Instructions the pattern compiles to at most (plus the two every program has), or Infinity. */
export function estimateProgramSize(pattern: string): number {
  const stack: Frame[] = [];
  let cur: Frame = { alts: 0, bars: 0, seq: 0, last: 0, capture: false };
  const atom = (size: number) => {
    cur.seq += size;
    cur.last = size;
  };
  // Replaces the last atom by its repeated form.
  const repeat = (times: (a: number) => number) => {
    const a = cur.last;
    const r = times(a);
    cur.seq += r - a;
    cur.last = r;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i = escapeEnd(pattern, i);
      atom(1);
    } else if (c === "[") {
      i = classEnd(pattern, i);
      atom(1);
    } else if (c === "(") {
      const capture = pattern[i + 1] !== "?" || (pattern[i + 2] === "<" && pattern[i + 3] !== "=" && pattern[i + 3] !== "!");
      stack.push(cur);
      cur = { alts: 0, bars: 0, seq: 0, last: 0, capture };
      // Skip the group's prefix, e.g. "?:" or "?<name>".
      if (pattern[i + 1] === "?") i = pattern[i + 2] === "<" ? Math.max(i + 2, pattern.indexOf(">", i)) : i + 2;
    } else if (c === ")" && stack.length) {
      const size = total(cur) + (cur.capture ? 2 : 0);
      cur = stack.pop()!;
      atom(size);
    } else if (c === "|") {
      cur.alts += Math.max(1, cur.seq);
      cur.bars++;
      cur.seq = 0;
      cur.last = 0;
    } else if (c === "*" || c === "+" || c === "?") {
      repeat((a) => a + 1);
      if (pattern[i + 1] === "?") i++;
    } else if (c === "{" && QUANTIFIER.test(pattern.slice(i, i + 24))) {
      const m = QUANTIFIER.exec(pattern.slice(i, i + 24))!;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === "" ? undefined : Number(m[3]);
      // x{n,} is n copies and a star; x{n,m} is n copies and m−n optional ones.
      repeat((a) => (max === undefined ? min * a + a + 1 : min * a + Math.max(0, max - min) * (a + 1)));
      i += m[0].length - 1;
      if (pattern[i + 1] === "?") i++;
    } else {
      atom(1);
    }
  }
  while (stack.length) {
    const size = total(cur);
    cur = stack.pop()!;
    atom(size);
  }
  return total(cur) + 2;
}

// An empty alternative still compiles to one (empty-width) instruction.
function total(f: Frame): number {
  return f.alts + Math.max(1, f.seq) + f.bars;
}

// Index of the last character of the escape starting at `i` (`\u{…}`, `\p{…}`, `\xHH`, `\uHHHH`, `\cX`, `\k<…>`).
function escapeEnd(p: string, i: number): number {
  const n = p[i + 1];
  if ((n === "u" || n === "p" || n === "P") && p[i + 2] === "{") {
    const close = p.indexOf("}", i + 3);
    return close < 0 ? p.length - 1 : close;
  }
  if (n === "k" && p[i + 2] === "<") {
    const close = p.indexOf(">", i + 3);
    return close < 0 ? p.length - 1 : close;
  }
  if (n === "x") return Math.min(i + 3, p.length - 1);
  if (n === "u") return Math.min(i + 5, p.length - 1);
  if (n === "c") return Math.min(i + 2, p.length - 1);
  return i + 1;
}

// Index of the "]" closing the class that starts at `i` (JavaScript: `[]` is empty, `[^]` is any character).
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === "^") j++;
  for (; j < p.length; j++) {
    if (p[j] === "\\") j++;
    else if (p[j] === "]") return j;
  }
  return p.length - 1;
}
