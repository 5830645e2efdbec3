import { passedAll, type CandidateParams } from "../candidate.js";
import type { OptimizationContext } from "../context.js";
import { createRng } from "../rng.js";
import type { FewShotExample } from "../types-extra.js";
import { renderTemplate } from "../../template/render.js";

/**
 * Bootstrap few-shot (as in DSPy): run the baseline on the train split, keep the traces that pass
 * every metric as demos, then try demo sets of growing size drawn from them.
 */
export async function runBootstrapFewShot(ctx: OptimizationContext): Promise<void> {
  const traces = await ctx.run(ctx.baseline, ctx.splits.train);
  const pool: Record<string, FewShotExample[]> = {};
  for (const t of ctx.config.targets) {
    pool[t] = [];
    for (const r of traces) {
      if (!r.ok || !passedAll(r)) continue;
      const row = ctx.splits.train.find((x) => x.index === r.row)!.row;
      try {
        pool[t].push({ input: (await renderTemplate(ctx.baseline[t].prompt, { inputs: row, nodes: {} }, { owner: ctx.runId })).trim(), output: r.outputs[t] });
      } catch {
        // Prompts that need upstream outputs cannot be replayed as demos.
      }
    }
    // Labelled demos fill in when too few traces pass.
    for (const d of ctx.material[t].demos) if (pool[t].length < ctx.config.searchSpace.maxDemos * 2) pool[t].push(d);
  }
  const rng = createRng(ctx.config.seed);
  const maxDemos = Math.max(1, ctx.config.searchSpace.maxDemos);
  let generation = 1;
  while (!ctx.stopReason()) {
    const k = 1 + ((generation - 1) % maxDemos);
    const params: CandidateParams = {};
    for (const t of ctx.config.targets) {
      const shuffled = rng.shuffle([...pool[t]]);
      params[t] = { ...ctx.baseline[t], fewShot: shuffled.slice(0, k) };
    }
    await ctx.evaluate(params, { generation, parentIds: [0], origin: `bootstrap_fewshot(k=${k})` });
    generation++;
  }
}
