import { FlowtuneError } from "../../errors.js";
import type { GraphIndex } from "../../graph/model.js";
import type { AggregateNode } from "../../schema/graph.js";
import { renderTemplate, type RenderOptions } from "../../template/render.js";
import type { TemplateScope } from "../../template/template.js";
import type { NodeKindDefinition } from "../types.js";
import type { AggregateOutput, BranchResponse } from "./types.js";
import { defaultVoteKey, tally } from "./vote.js";

/**
 * Joins branch responses with the node's strategy; fails when too few branches succeeded, or
 * when a strategy that picks one response has none. `emptyMaps` explains a join fed by mapped
 * nodes that ran over empty lists (see emptyMapNotes), for the error message.
 */
export async function aggregateResponses(
  node: AggregateNode,
  all: BranchResponse[],
  scope: TemplateScope,
  emptyMaps: string[] = [],
  render: RenderOptions = {},
): Promise<AggregateOutput> {
  const cfg = node.config;
  const ok = all.filter((r) => r.ok).sort((a, b) => a.order - b.order);
  const failed = all.length - ok.length;
  const why = [
    ...(failed ? [`${failed} failed: ${all.filter((r) => !r.ok).map((r) => `${r.source}: ${r.error}`).join("; ")}`] : []),
    ...emptyMaps,
  ];
  const because = why.length ? ` (${why.join("; ")})` : "";
  if (ok.length < cfg.minResponses) {
    const hint = ok.length === 0 && failed === 0 && emptyMaps.length && cfg.strategy === "all" ? `; minResponses: 0 lets an "all" join accept an empty list` : "";
    throw new FlowtuneError(
      "JOIN_FAILED",
      `aggregate "${node.id}": ${ok.length} successful response(s), minResponses is ${cfg.minResponses}${because}${hint}`,
      { nodeId: node.id },
    );
  }
  if (ok.length === 0 && cfg.strategy !== "all") {
    // Only `all` has a value for nothing (the empty list); the others pick one response.
    throw new FlowtuneError("JOIN_FAILED", `aggregate "${node.id}": strategy "${cfg.strategy}" has no response to pick from${because}`, { nodeId: node.id });
  }
  const responses = ok.map((r) => r.value);
  const base = { responses, count: ok.length, failed };
  // Vote keys are rendered up front (rendering is async) and only for the strategies that vote.
  const voted = cfg.strategy === "majority" || cfg.strategy === "weighted" || cfg.strategy === "consensus";
  const keys = new Map<BranchResponse, string>();
  if (voted && cfg.vote) for (const r of ok) keys.set(r, (await renderTemplate(cfg.vote, { ...scope, response: r.value }, render)).trim().toLowerCase());
  const keyOf = (r: BranchResponse) => keys.get(r) ?? defaultVoteKey(r.value);
  switch (cfg.strategy) {
    case "all":
      return { ...base, value: responses };
    case "first": {
      const first = [...ok].sort((a, b) => a.arrival - b.arrival)[0];
      return { ...base, value: first?.value };
    }
    case "majority":
    case "weighted": {
      const weightOf = cfg.strategy === "weighted" ? (r: BranchResponse) => cfg.weights[r.source] ?? 1 : () => 1;
      const t = tally(ok, keyOf, weightOf);
      return { ...base, value: t.winnerResponse.value, votes: t.votes, agreement: t.agreement };
    }
    case "consensus": {
      const t = tally(ok, keyOf, () => 1);
      if (t.agreement + 1e-9 < cfg.consensusThreshold) {
        throw new FlowtuneError(
          "JOIN_FAILED",
          `aggregate "${node.id}": no consensus (${Object.entries(t.votes).map(([k, v]) => `${k}×${v}`).join(", ")}; ` +
            `needs ${Math.round(cfg.consensusThreshold * 100)}% agreement)`,
          { nodeId: node.id },
        );
      }
      return { ...base, value: t.winnerResponse.value, votes: t.votes, agreement: t.agreement };
    }
  }
}

/** Joins broadcast or parallel branches. The executor passes the branch responses as its input. */
export const aggregateNode: NodeKindDefinition<"aggregate"> = {
  kind: "aggregate",
  title: "Aggregate",
  outputFields: () => ["value", "responses", "count", "failed", "votes", "agreement"],
  templates: (node) => (node.config.vote ? [{ field: "config.vote", source: node.config.vote, extraRoots: ["response"] }] : []),
  validate(node, index) {
    return index.inEdges.get(node.id)!.length === 0
      ? [{ nodeId: node.id, message: "an aggregate node needs at least one incoming edge to join" }]
      : [];
  },
  async execute({ node, input, scope, index, renderOwner }) {
    return { output: await aggregateResponses(node, input as BranchResponse[], scope, emptyMapNotes(node.id, index, scope), { owner: renderOwner }) };
  },
};

/** For each source of the join that is mapped and produced an empty list: which edge mapped it over what. */
export function emptyMapNotes(joinId: string, index: GraphIndex, scope: TemplateScope): string[] {
  return (index.inEdges.get(joinId) ?? []).flatMap((e) => {
    const mapEdge = index.inEdges.get(e.source)?.find((x) => x.kind === "parallel" && x.map);
    const out = scope.nodes[e.source];
    if (!mapEdge || mapEdge.kind !== "parallel" || !Array.isArray(out) || out.length > 0) return [];
    return [`edge "${mapEdge.id}" mapped "${e.source}" over an empty list ("${mapEdge.map}" of "${mapEdge.source}")`];
  });
}
