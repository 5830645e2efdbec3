import { renderTemplate } from "../template/render.js";
import type { NodeKindDefinition } from "./types.js";

/** Publishes a run output: its named template fields, or its input unchanged. */
export const outputNode: NodeKindDefinition<"output"> = {
  kind: "output",
  title: "Output",
  outputFields: (node) => (node.config.fields ? Object.keys(node.config.fields) : "any"),
  templates: (node) =>
    Object.entries(node.config.fields ?? {}).map(([k, source]) => ({ field: `config.fields.${k}`, source })),
  async execute({ node, input, scope, renderOwner }) {
    if (!node.config.fields) return { output: input };
    const out: Record<string, string> = {};
    for (const [k, source] of Object.entries(node.config.fields)) out[k] = await renderTemplate(source, scope, { owner: renderOwner });
    return { output: out };
  },
};
