import { itemDraw } from "./answer-task.js";
import { getSimModel, SIM_MODELS, type SimModel, type SimModelId } from "./models.js";
import { segmentData } from "./segment.js";
import { bestLogit, sigmoid } from "./skill.js";
import type { SimTaskFamily } from "./tasks/family.js";
import { withSolver } from "./tasks/solvers.js";

/** A dataset row: the data string itself, or an object holding it (question/review/ticket/text/input, or reviews[]). */
export type SimRow = string | object;

export interface SimBestScoreOptions {
  /** Restrict to one model (default: the best single model). */
  model?: SimModelId;
  /** The provider's world seed (createSimProvider({ seed })); default 0. */
  seed?: number;
}

export interface SimBestScoreDetails {
  /** Share of items the best prompt gets right at temperature 0 on the best (or given) model — realized, not expected. */
  score: number;
  /** The model reaching `score`. */
  model: SimModelId;
  /** Expectation of that model's best score over the per-item draws. */
  expected: number;
  /** Items that at least one model gets right with the best prompt: the ceiling even for ensembles and juries. */
  ensemble: number;
  /** Realized best score of each considered model. */
  perModel: Partial<Record<SimModelId, number>>;
  items: number;
  /** Items the sim cannot parse (counted as failures). */
  unsolvable: number;
}

const FIELDS: Record<SimTaskFamily, string[]> = {
  arithmetic: ["question", "problem", "text", "input"],
  sentiment: ["review", "text", "input"],
  intent: ["ticket", "message", "text", "input"],
  extraction: ["text", "ticket", "input"],
};

/** The data strings of the rows (a `reviews` array contributes one item per review). */
export function rowItems(family: SimTaskFamily, rows: readonly SimRow[]): string[] {
  const out: string[] = [];
  for (const row of rows) {
    if (typeof row === "string") {
      out.push(row);
      continue;
    }
    const r = row as Record<string, unknown>;
    if (Array.isArray(r.reviews)) out.push(...r.reviews.map(String));
    else {
      const field = FIELDS[family].find((k) => typeof r[k] === "string");
      if (field) out.push(r[field] as string);
    }
  }
  return out;
}

/** Best-case correctness of every item (per model): probability and realized draw. */
function bestPerItem(family: SimTaskFamily, items: string[], models: SimModel[], seed: number): Array<Array<{ p: number; hit: boolean }> | undefined> {
  return items.map((text) =>
    withSolver(family, (solver) => {
      const c = solver.analyze(segmentData(text).data || text);
      if (!c) return undefined;
      return models.map((m) => {
        const p = sigmoid(bestLogit(m, family, c));
        return { p, hit: itemDraw(seed, m.id, family, c.key) < p };
      });
    }),
  );
}

/** Details of the best achievable score: per-model realized scores, the best model, its expectation, the ensemble ceiling. */
export function simBestScoreDetails(family: SimTaskFamily, rows: readonly SimRow[], opts: SimBestScoreOptions = {}): SimBestScoreDetails {
  const only = opts.model ? getSimModel(opts.model) : undefined;
  if (opts.model && !only) throw new Error(`unknown sim model "${opts.model}"`);
  const models = only ? [only] : [...SIM_MODELS];
  const items = rowItems(family, rows);
  const per = bestPerItem(family, items, models, opts.seed ?? 0);
  const n = Math.max(1, items.length);
  const perModel: Partial<Record<SimModelId, number>> = {};
  let best = 0;
  models.forEach((m, i) => {
    perModel[m.id] = per.reduce((s, r) => s + (r?.[i].hit ? 1 : 0), 0) / n;
    if ((perModel[m.id] ?? 0) > (perModel[models[best].id] ?? 0)) best = i;
  });
  return {
    score: perModel[models[best].id] ?? 0,
    model: models[best].id,
    expected: per.reduce((s, r) => s + (r ? r[best].p : 0), 0) / n,
    ensemble: per.reduce((s, r) => s + (r?.some((x) => x.hit) ? 1 : 0), 0) / n,
    perModel,
    items: items.length,
    unsolvable: per.filter((r) => !r).length,
  };
}

/**
 * Best achievable score for a task family on these rows: the share of items that the best prompt (task +
 * format instruction, helpful demos, step-by-step with self-check, hints) gets right at temperature 0.
 * No single-model prompt can score higher on answer correctness (ensembles: see simBestScoreDetails().ensemble).
 */
export function simBestScore(family: SimTaskFamily, rows: readonly SimRow[], opts: SimBestScoreOptions = {}): number {
  return simBestScoreDetails(family, rows, opts).score;
}
