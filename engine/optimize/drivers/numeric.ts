import type { OptimizationContext } from "../context.js";
import { buildParamSpace } from "../param-space.js";
import { createSearchStrategy } from "../strategies.js";
import { pointKey } from "../space.js";
import type { Objective, Point } from "../types.js";

/**
 * Drives a numeric strategy (random, grid, tpe, nsga2) over the AI parameter space: ask a batch,
 * evaluate each point on validation, tell the results in ask order (so a resume replays exactly).
 */
export async function runNumericSearch(ctx: OptimizationContext, id: "random" | "grid" | "tpe" | "nsga2"): Promise<void> {
  const { space, decode } = buildParamSpace(ctx.config, ctx.baseline, ctx.material);
  const objectives: Objective[] = ctx.config.objectives.map((o) => ({ name: o.metric, direction: o.direction }));
  const budget = ctx.config.limits.maxCandidates - 1;
  const strategy = createSearchStrategy(id, {
    space,
    objectives,
    seed: ctx.config.seed,
    // Small budgets need small populations to get past the first generation.
    populationSize: Math.max(4, Math.min(20, Math.floor(budget / 3))),
    nStartup: Math.max(3, Math.min(10, Math.floor(budget / 3))),
  });
  let generation = 1;
  // Evaluated point → its candidate index, so bred points can name their parents (lineage).
  const indexByPoint = new Map<string, number>();
  const parentIdsOf = (point: Point): number[] =>
    (strategy.parentsOf?.(point) ?? []).map((p) => indexByPoint.get(pointKey(space, p))).filter((i): i is number => i !== undefined);
  while (!ctx.stopReason()) {
    const points = strategy.ask(Math.min(ctx.config.concurrency, ctx.config.limits.maxCandidates - ctx.records.length));
    if (points.length === 0) break;
    const records = [];
    for (const point of points) {
      if (ctx.stopReason()) break;
      const rec = await ctx.evaluate(decode(point), { generation, parentIds: parentIdsOf(point), origin: id });
      indexByPoint.set(pointKey(space, point), rec.index);
      records.push({ point, rec });
    }
    strategy.tell(
      records.map(({ point, rec }) => ({
        point,
        values: rec.objectives.map((v) => (Number.isFinite(v) ? v : 0)),
        feasible: rec.status === "evaluated",
      })),
    );
    generation++;
  }
}
