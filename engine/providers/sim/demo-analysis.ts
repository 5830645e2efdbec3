import type { Demo } from "./demos.js";
import { segmentData } from "./segment.js";
import { finalAnswerLine, normalizeAnswer } from "./text.js";
import type { Solver, TaskCase } from "./tasks/types.js";

/** What the few-shot demos teach for one family. */
export interface DemoStats {
  /** Demos of this family whose output is correct. */
  helpful: number;
  /** Demos of this family whose output is wrong (they hurt). */
  misleading: number;
  /** Every helpful demo shows a bare answer: format learned by example. */
  bareByExample: boolean;
  /** Some helpful demo shows reasoning ending in "Answer: X": step-by-step learned by example. */
  reasoningByExample: boolean;
  /** Extraction demos show YYYY-MM-DD dates / the keys name, email, date. */
  isoByExample: boolean;
  keysByExample: boolean;
}

function isBare(output: string): boolean {
  const t = output.trim();
  if (t.includes("\n")) return false;
  if (t.startsWith("{") && t.endsWith("}")) {
    try {
      JSON.parse(t);
      return true;
    } catch {
      return false;
    }
  }
  return /^-?[\w.-]+$/.test(normalizeAnswer(t)) && !/[.!?]$/.test(t);
}

/** Checks each demo with the family's solver: relevant if it can read both sides, helpful if correct. */
export function analyzeDemos<C extends TaskCase, A>(solver: Solver<C, A>, demos: readonly Demo[]): DemoStats {
  const stats: DemoStats = {
    helpful: 0, misleading: 0, bareByExample: false, reasoningByExample: false, isoByExample: false, keysByExample: false,
  };
  let allBare = true;
  for (const demo of demos) {
    const c = solver.analyze(segmentData(demo.input).data || demo.input);
    const shown = c ? solver.read(demo.output, c) : undefined;
    if (!c || shown === undefined) continue;
    if (!solver.equal(shown, solver.truth(c))) {
      stats.misleading++;
      continue;
    }
    stats.helpful++;
    const reasoning = demo.output.trim().includes("\n") && finalAnswerLine(demo.output) !== undefined;
    if (reasoning) stats.reasoningByExample = true;
    if (!isBare(demo.output)) allBare = false;
    if (/\b\d{4}-\d{2}-\d{2}\b/.test(demo.output)) stats.isoByExample = true;
    if (/"name"\s*:/.test(demo.output) && /"email"\s*:/.test(demo.output)) stats.keysByExample = true;
  }
  stats.bareByExample = stats.helpful > 0 && allBare;
  return stats;
}
