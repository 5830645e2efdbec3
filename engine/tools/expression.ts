import { evaluateExpression } from "../expression/expression.js";
import type { SingleToolRunner } from "./types.js";

/** `expression` tools: the tool's safe expression (engine/expression) with the arguments in scope, e.g. `expression|calc`. */
export const expressionTool: SingleToolRunner<"expression"> = {
  kind: "expression",
  async run(tool, args) {
    const value = evaluateExpression(tool.expression, { ...args });
    // undefined is what jexl gives for a missing name: say so instead of handing the model "undefined".
    if (value === undefined) throw new Error(`the expression ${JSON.stringify(tool.expression)} has no value for these arguments`);
    return value;
  },
};
