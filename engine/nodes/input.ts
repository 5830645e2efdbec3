import type { NodeKindDefinition } from "./types.js";

/** Declares the run's input fields; outputs the (validated) run inputs. */
export const inputNode: NodeKindDefinition<"input"> = {
  kind: "input",
  title: "Input",
  outputFields: (node) => node.config.fields.map((f) => f.name),
  templates: () => [],
  validate(node, index) {
    return index.inEdges.get(node.id)!.length > 0
      ? [{ nodeId: node.id, message: "an input node cannot have incoming edges" }]
      : [];
  },
  async execute({ scope }) {
    return { output: scope.inputs };
  },
};
