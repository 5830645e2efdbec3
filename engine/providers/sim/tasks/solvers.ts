import { arithmeticSolver } from "./arithmetic.js";
import { extractionSolver } from "./extraction.js";
import type { SimTaskFamily } from "./family.js";
import { intentSolver } from "./intent.js";
import { sentimentSolver } from "./sentiment.js";
import type { Solver, TaskCase } from "./types.js";

/** Solver registry; use withSolver for type-safe access to a family's case and answer types. */
export const SOLVERS = {
  arithmetic: arithmeticSolver,
  sentiment: sentimentSolver,
  intent: intentSolver,
  extraction: extractionSolver,
} as const;

/** Calls `visit` with the family's solver, keeping its case/answer types together. */
export function withSolver<R>(family: SimTaskFamily, visit: <C extends TaskCase, A>(solver: Solver<C, A>) => R): R {
  switch (family) {
    case "arithmetic":
      return visit(arithmeticSolver);
    case "sentiment":
      return visit(sentimentSolver);
    case "intent":
      return visit(intentSolver);
    case "extraction":
      return visit(extractionSolver);
  }
}
