import jexlModule from "jexl";
import { ExpressionError } from "../errors.js";

// Jexl parses and interprets expressions itself: no eval/new Function, and only whitelisted transforms are callable.
const jexl = new jexlModule.Jexl();
jexl.addTransform("lower", (v: unknown) => String(v ?? "").toLowerCase());
jexl.addTransform("upper", (v: unknown) => String(v ?? "").toUpperCase());
jexl.addTransform("trim", (v: unknown) => String(v ?? "").trim());
jexl.addTransform("length", (v: unknown) => (Array.isArray(v) || typeof v === "string" ? v.length : 0));
jexl.addTransform("number", (v: unknown) => Number(v));
jexl.addTransform("contains", (v: unknown, needle: unknown) =>
  Array.isArray(v) ? v.includes(needle) : String(v ?? "").includes(String(needle)),
);

type Compiled = ReturnType<typeof jexl.compile>;
const cache = new Map<string, Compiled>();

/** Parses an expression once; throws ExpressionError on bad syntax. */
export function compileExpression(source: string): Compiled {
  const hit = cache.get(source);
  if (hit) return hit;
  let expr: Compiled;
  try {
    expr = jexl.compile(source);
    // compile() is lazy in places; force the parse now so syntax errors surface at validation.
    (expr as unknown as { _getAst(): unknown })._getAst();
  } catch (err) {
    throw new ExpressionError(`expression syntax error in ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
  cache.set(source, expr);
  return expr;
}

/** Evaluates a guard expression against a context; the result is coerced to boolean. */
export function evaluateCondition(source: string, context: Record<string, unknown>): boolean {
  const expr = compileExpression(source);
  try {
    return Boolean(expr.evalSync(context));
  } catch (err) {
    throw new ExpressionError(`cannot evaluate ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
}

/** Transforms an expression may use with `|`, e.g. `input.text|lower`. */
export const EXPRESSION_TRANSFORMS = ["lower", "upper", "trim", "length", "number", "contains"] as const;
