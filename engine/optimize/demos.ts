import type { FewShotExample } from "./types-extra.js";
import type { Graph } from "../schema/graph.js";
import { isTemplateLimitError } from "../template/render-core.js";
import { renderTemplate } from "../template/render.js";
import type { IndexedRow } from "./evaluate.js";

/**
 * Labelled demos for a target AI node from dataset rows: the node's prompt rendered for the row,
 * paired with the expected answer of the evaluation node that grades this node's output. Rows
 * whose prompt needs upstream outputs are skipped (they cannot be rendered from inputs alone).
 * `owner` is whose turn the renders take in the render workers (the optimization's run id).
 */
export async function labelledDemos(graph: Graph, target: string, rows: readonly IndexedRow[], opts: { owner?: string } = {}): Promise<FewShotExample[]> {
  const node = graph.nodes.find((n) => n.id === target);
  if (!node || node.kind !== "ai") return [];
  const grader = graph.nodes.find((n) => n.kind === "evaluation" && n.config.expected && n.config.actual.includes(`nodes.${target}.`));
  if (!grader || grader.kind !== "evaluation") return [];
  const demos: FewShotExample[] = [];
  for (const { row } of rows) {
    try {
      const scope = { inputs: row, nodes: {} };
      const input = (await renderTemplate(node.config.prompt, scope, { owner: opts.owner })).trim();
      const output = (await renderTemplate(grader.config.expected!, scope, { owner: opts.owner })).trim();
      if (input && output) demos.push({ input, output });
    } catch (err) {
      // A prompt over a resource limit fails every row alike (and costs a worker each): the baseline reports it.
      if (isTemplateLimitError(err)) break;
      // A prompt that reads upstream outputs cannot be rendered from the row alone.
    }
  }
  return demos;
}
