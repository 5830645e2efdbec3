import { NUMBER_PATTERN as N, parseNumber } from "../text.js";

export type ArithKind = "add" | "sub" | "mul" | "div";

/** One operation of a word problem, applied to the running total. */
export interface ArithOp {
  kind: ArithKind;
  n: number;
  /** The words that stated it ("buys 5 more"). */
  phrase: string;
  /** Set for "buys 3 packs of 4" (adds 3 × 4). */
  product?: [number, number];
}

/** A parsed arithmetic problem: a start value and operations applied in order. */
export interface ArithProblem {
  start: number;
  ops: ArithOp[];
  /** Who the story is about ("Sam"), empty for bare expressions. */
  subject: string;
  /** What is counted ("apples"), empty for bare expressions. */
  item: string;
  usesNumberWords: boolean;
}

type OpRule = { re: RegExp; make: (m: RegExpExecArray) => ArithOp | undefined };

const num = (s: string): number => parseNumber(s) ?? NaN;
const CONTAINERS = "(?:packs|boxes|bags|bundles|crates)";

const RULES: OpRule[] = [
  {
    re: new RegExp(`\\b(?:buys|bought|gets|got|receives|received|orders|ordered)\\s+${N}\\s+${CONTAINERS}\\s+of\\s+${N}`, "gi"),
    make: (m) => ({ kind: "add", n: num(m[1]) * num(m[2]), phrase: m[0], product: [num(m[1]), num(m[2])] }),
  },
  {
    re: new RegExp(`\\b(?:buys|bought|finds|found|gets|got|receives|received|picks up|picked up|earns|earned|collects|collected|wins|won|adds|added)\\s+(?:another\\s+)?${N}\\b(?!\\s+${CONTAINERS})(?:\\s+more)?`, "gi"),
    make: (m) => ({ kind: "add", n: num(m[1]), phrase: m[0] }),
  },
  {
    re: new RegExp(`\\b(?:gives away|gave away|eats|ate|loses|lost|sells|sold|uses|used|donates|donated|breaks|broke|spends|spent|removes|removed)\\s+${N}\\b`, "gi"),
    make: (m) => ({ kind: "sub", n: num(m[1]), phrase: m[0] }),
  },
  {
    re: /\b(?:gives away|gave away|sells|sold|loses|lost|eats|ate|donates|donated|uses|used)\s+half\b(?:\s+of\s+(?:them|it))?/gi,
    make: (m) => ({ kind: "div", n: 2, phrase: m[0] }),
  },
  { re: /\b(?:doubles|doubled)\b(?:\s+(?:the|his|her|their|its)\s+[a-z]+)?/gi, make: (m) => ({ kind: "mul", n: 2, phrase: m[0] }) },
  { re: /\b(?:triples|tripled)\b(?:\s+(?:the|his|her|their|its)\s+[a-z]+)?/gi, make: (m) => ({ kind: "mul", n: 3, phrase: m[0] }) },
  {
    re: new RegExp(`\\b(?:splits|split|divides|divided|shares|shared)\\b[^.?!]*?\\b(?:into|among|between)\\s+${N}(?:\\s+equal)?(?:\\s+[a-z]+)?(?:\\s+and keeps? (?:one|1) [a-z]+)?`, "gi"),
    make: (m) => ({ kind: "div", n: num(m[1]), phrase: m[0] }),
  },
];

const START = new RegExp(
  `(?:\\b([A-Z][a-z]+)\\s+)?\\b(?:has|had|have|starts with|started with|owns|owned|collected|there (?:are|were))\\s+${N}\\s+([a-z]+)`,
  "i",
);

function parseStory(text: string): ArithProblem | undefined {
  if (!/\bhow (?:many|much)\b/i.test(text)) return undefined;
  const start = START.exec(text);
  if (!start) return undefined;
  const after = start.index + start[0].length;
  const found: Array<{ at: number; end: number; op: ArithOp }> = [];
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m; m = rule.re.exec(text)) {
      const op = rule.make(m);
      if (m.index >= after && op && Number.isFinite(op.n)) found.push({ at: m.index, end: m.index + m[0].length, op });
    }
  }
  found.sort((a, b) => a.at - b.at);
  // Overlapping matches (e.g. "buys 3 packs of 4" also read as "buys 3") keep the first, longest one.
  const ops: ArithOp[] = [];
  let lastEnd = -1;
  for (const f of found) {
    if (f.at < lastEnd) continue;
    ops.push(f.op);
    lastEnd = f.end;
  }
  if (ops.length === 0) return undefined;
  const subject = start[1] && !/^there$/i.test(start[1]) ? start[1] : "";
  const usesNumberWords = new RegExp(`\\b(?!\\d)${N}\\b`, "i").test(text.replace(/\bone (?:pile|share|group)\b/gi, ""));
  return { start: num(start[2]), ops, subject, item: start[3].toLowerCase(), usesNumberWords };
}

const SYMBOL: Record<string, ArithKind> = { "+": "add", "-": "sub", "*": "mul", x: "mul", "×": "mul", "/": "div", "÷": "div" };

function parseExpression(text: string): ArithProblem | undefined {
  // (?<!\d): starting inside a digit run can only repeat the run's own failed attempt (quadratic on "1111…").
  const m = /(?<!\d)(\d+(?:\s*[-+*/x×÷]\s*\d+)+)/.exec(text);
  if (!m || /^\d{4}-\d{1,2}-\d{1,2}$/.test(m[1])) return undefined;
  // An expression must be asked about, or be the whole data (dates and phone numbers are not sums).
  const asked = /\b(?:what is|what's|how much is|calculate|compute|evaluate)\b|=\s*\??\s*$/i.test(text);
  if (!asked && !/^[\d\s+\-*/x×÷=?.]+$/.test(text.trim())) return undefined;
  const tokens = m[1].match(/\d+|[-+*/x×÷]/g) ?? [];
  const ops: ArithOp[] = [];
  for (let i = 1; i + 1 < tokens.length; i += 2) {
    ops.push({ kind: SYMBOL[tokens[i]], n: Number(tokens[i + 1]), phrase: `${tokens[i]} ${tokens[i + 1]}` });
  }
  // Only chains where left-to-right order equals operator precedence are read as expressions.
  const weak = (k: ArithKind): boolean => k === "add" || k === "sub";
  if (ops.some((op, i) => i > 0 && !weak(op.kind) && weak(ops[i - 1].kind))) return undefined;
  return { start: Number(tokens[0]), ops, subject: "", item: "", usesNumberWords: false };
}

/** More operations than any word problem has: longer chains are not read as arithmetic (bounds the sim's work). */
export const MAX_ARITH_OPS = 64;

/** Parses a word problem ("Sam has 12 apples, buys 5 more …") or a bare expression ("What is 12 + 5 - 3?"). */
export function parseArithmetic(text: string): ArithProblem | undefined {
  const p = parseStory(text) ?? parseExpression(text);
  return p && p.ops.length <= MAX_ARITH_OPS ? p : undefined;
}
