import jexlModule from "jexl";
import { ExpressionError } from "../errors.js";
import { formatCount, limits } from "../limits.js";

// Jexl parses and interprets expressions itself: no eval/new Function, and only whitelisted transforms are callable.
const jexl = new jexlModule.Jexl();

// Bounded work: without collection filters (refused below) an expression does one step per syntax node, and
// each string/array step is charged its operands' length, so huge inputs cannot make a condition slow.
let charged = 0;
let budget = Infinity;
function charge(...values: unknown[]): void {
  for (const v of values) if (typeof v === "string" || Array.isArray(v)) charged += v.length;
  if (charged > budget) throw new ExpressionError(`expression work limit exceeded: more than ${formatCount(budget)} characters or items processed (expressionWorkChars)`);
}

// The grammar's binary operators, wrapped to charge their operands (the && / || operators evaluate lazily and are left as they are).
type BinaryOp = { type: string; precedence: number; eval?: (l: unknown, r: unknown) => unknown };
const elements = (jexl as unknown as { _grammar: { elements: Record<string, BinaryOp> } })._grammar.elements;
for (const [op, el] of Object.entries(elements)) {
  const evaluate = el.eval;
  if (el.type === "binaryOp" && evaluate) {
    jexl.addBinaryOp(op, el.precedence, (l: unknown, r: unknown) => {
      charge(l, r);
      return evaluate(l, r);
    });
  }
}

const text = (v: unknown): string => {
  const s = String(v ?? "");
  charge(s);
  return s;
};
jexl.addTransform("lower", (v: unknown) => text(v).toLowerCase());
jexl.addTransform("upper", (v: unknown) => text(v).toUpperCase());
jexl.addTransform("trim", (v: unknown) => text(v).trim());
jexl.addTransform("length", (v: unknown) => (Array.isArray(v) || typeof v === "string" ? v.length : 0));
jexl.addTransform("number", (v: unknown) => Number(v));
jexl.addTransform("contains", (v: unknown, needle: unknown) => {
  charge(v, needle);
  return Array.isArray(v) ? v.includes(needle) : text(v).includes(String(needle));
});

/**
 * Deepest nesting of brackets, and most conditionals (`a ? b : c`), a condition may have: jexl parses
 * each nested level with a sub-parser that sees every later token again, so parsing is quadratic in
 * the nesting (999 nested parentheses in 2,000 characters: ~140 ms of blocked event loop).
 */
export const MAX_EXPRESSION_NESTING = 32;

// String literals as jexl's lexer matches them (its own patterns), so brackets and `?` inside strings do not count.
const STRING_LITERAL = /'(?:(?:\\')|[^'])*'|"(?:(?:\\")|[^"])*"/g;

// Deepest bracket nesting and number of `?` outside string literals, in linear time.
function nesting(source: string): { brackets: number; conditionals: number } {
  const code = source.replace(STRING_LITERAL, "''");
  let depth = 0;
  let brackets = 0;
  let conditionals = 0;
  for (const c of code) {
    if (c === "(" || c === "[" || c === "{") brackets = Math.max(brackets, ++depth);
    else if (c === ")" || c === "]" || c === "}") depth = Math.max(0, depth - 1);
    else if (c === "?") conditionals++;
  }
  return { brackets, conditionals };
}

type Compiled = ReturnType<typeof jexl.compile>;
const cache = new Map<string, Compiled>();
const MAX_CACHED = 2000;

/** Parses an expression once; throws ExpressionError on bad syntax, an oversized or too deeply nested source, or a collection filter. */
export function compileExpression(source: string): Compiled {
  const hit = cache.get(source);
  if (hit) return hit;
  const max = limits().expressionSourceChars;
  if (source.length > max) {
    throw new ExpressionError(`expression is ${formatCount(source.length)} characters, over the limit of ${formatCount(max)} (expressionSourceChars)`);
  }
  const { brackets, conditionals } = nesting(source);
  if (brackets > MAX_EXPRESSION_NESTING || conditionals > MAX_EXPRESSION_NESTING) {
    const what = brackets > MAX_EXPRESSION_NESTING ? `nests brackets ${brackets} deep` : `has ${conditionals} conditionals (?:)`;
    throw new ExpressionError(`expression ${what}, over the limit of ${MAX_EXPRESSION_NESTING}`);
  }
  let expr: Compiled;
  let ast: unknown;
  try {
    expr = jexl.compile(source);
    // compile() is lazy in places; force the parse now so syntax errors surface at validation.
    ast = (expr as unknown as { _getAst(): unknown })._getAst();
  } catch (err) {
    throw new ExpressionError(`expression syntax error in ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
  if (hasCollectionFilter(ast)) {
    // `list[.x in list]` runs its inner expression once per item: quadratic on a large input.
    throw new ExpressionError(`collection filters like list[.field == value] are not supported in ${JSON.stringify(source)} (they run once per item); index with list[0] or use |contains`);
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(source, expr);
  return expr;
}

function hasCollectionFilter(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasCollectionFilter);
  if (node === null || typeof node !== "object") return false;
  const n = node as { type?: unknown; relative?: unknown };
  if (n.type === "FilterExpression" && n.relative === true) return true;
  return Object.values(node).some(hasCollectionFilter);
}

/** Evaluates a guard expression against a context; the result is coerced to boolean. Work is bounded by expressionWorkChars. */
export function evaluateCondition(source: string, context: Record<string, unknown>): boolean {
  const expr = compileExpression(source);
  charged = 0;
  budget = limits().expressionWorkChars;
  try {
    return Boolean(expr.evalSync(context));
  } catch (err) {
    if (err instanceof ExpressionError) throw err;
    throw new ExpressionError(`cannot evaluate ${JSON.stringify(source)}: ${(err as Error).message}`);
  } finally {
    budget = Infinity;
  }
}

/**
 * Evaluates an expression to its value (expression tools), work bounded by expressionWorkChars like
 * conditions; a nested evaluation (the `calc` transform) shares its caller's budget.
 */
export function evaluateExpression(source: string, context: Record<string, unknown>): unknown {
  const expr = compileExpression(source);
  const nested = budget !== Infinity;
  if (!nested) {
    charged = 0;
    budget = limits().expressionWorkChars;
  }
  try {
    return expr.evalSync(context);
  } catch (err) {
    if (err instanceof ExpressionError) throw err;
    throw new ExpressionError(`cannot evaluate ${JSON.stringify(source)}: ${(err as Error).message}`);
  } finally {
    if (!nested) budget = Infinity;
  }
}

// `"(12 + 5) * 3"|calc`: an arithmetic expression written as text (by a model) evaluated with nothing in scope.
jexl.addTransform("calc", (v: unknown) => {
  const result = evaluateExpression(text(v), {});
  if (typeof result !== "number" || !Number.isFinite(result)) throw new ExpressionError(`calc: ${JSON.stringify(String(v)).slice(0, 200)} is not an arithmetic expression with a finite number as its value`);
  return result;
});

/** Transforms an expression may use with `|`, e.g. `input.text|lower`. */
export const EXPRESSION_TRANSFORMS = ["lower", "upper", "trim", "length", "number", "contains", "calc"] as const;
