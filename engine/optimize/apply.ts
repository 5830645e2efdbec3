import { FlowtuneError } from "../errors.js";
import type { AiParams, Graph } from "../schema/graph.js";
import { checkTemplateRenders } from "../template/render.js";
import type { CandidateParams } from "./candidate.js";

/** The graph with each target AI node's config replaced by the candidate's bundle. */
export function applyParams(graph: Graph, params: CandidateParams): Graph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.kind === "ai" && params[n.id] ? { ...n, config: params[n.id] } : n)),
  };
}

/** The current bundle of each target node; throws when a target is not an AI node. */
export function baselineParams(graph: Graph, targets: readonly string[]): CandidateParams {
  const out: CandidateParams = {};
  for (const id of targets) {
    const node = graph.nodes.find((n) => n.id === id);
    if (!node) throw new FlowtuneError("NOT_FOUND", `optimizer target "${id}" is not a node of workflow "${graph.id}"`, { nodeId: id });
    if (node.kind !== "ai") throw new FlowtuneError("INPUT_INVALID", `optimizer target "${id}" is ${/^[aeiou]/.test(node.kind) ? "an" : "a"} ${node.kind} node; only AI nodes can be tuned`, { nodeId: id });
    out[id] = node.config;
  }
  return out;
}

/** Renders a bundle's templates with placeholder values; returns why it cannot render, or undefined. */
export async function renderProblem(params: AiParams, owner?: string): Promise<string | undefined> {
  for (const [field, tpl] of [["systemPrompt", params.systemPrompt], ["prompt", params.prompt]] as const) {
    if (!tpl) continue;
    try {
      await checkTemplateRenders(tpl, { owner });
    } catch (err) {
      return `${field} does not render: ${(err as Error).message}`;
    }
  }
  return undefined;
}
