import { FlowtuneError } from "../../errors.js";
import type { AggregateNode } from "../../schema/graph.js";
import { renderTemplate, type TemplateScope } from "../../template/template.js";
import type { NodeKindDefinition } from "../types.js";
import type { AggregateOutput, BranchResponse } from "./types.js";
import { defaultVoteKey, tally } from "./vote.js";

/** Joins branch responses with the node's strategy; fails when too few branches succeeded. */
export function aggregateResponses(node: AggregateNode, all: BranchResponse[], scope: TemplateScope): AggregateOutput {
  const cfg = node.config;
  const ok = all.filter((r) => r.ok).sort((a, b) => a.order - b.order);
  const failed = all.length - ok.length;
  if (ok.length < cfg.minResponses) {
    throw new FlowtuneError(
      "JOIN_FAILED",
      `aggregate "${node.id}": ${ok.length} successful response(s), minResponses is ${cfg.minResponses}` +
        (failed ? ` (${failed} failed: ${all.filter((r) => !r.ok).map((r) => `${r.source}: ${r.error}`).join("; ")})` : ""),
      { nodeId: node.id },
    );
  }
  const responses = ok.map((r) => r.value);
  const base = { responses, count: ok.length, failed };
  const keyOf = (r: BranchResponse) =>
    cfg.vote ? renderTemplate(cfg.vote, { ...scope, response: r.value }).trim().toLowerCase() : defaultVoteKey(r.value);
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
  async execute({ node, input, scope }) {
    return { output: aggregateResponses(node, input as BranchResponse[], scope) };
  },
};
