import type { Tool, ToolKind } from "../schema/tools.js";
import { expressionTool } from "./expression.js";
import { httpTool } from "./http.js";
import type { ToolKindRunner } from "./types.js";

/** Every tool kind's runner, by kind: a new kind (workflow, mcp) adds its schema in schema/tools.ts and its file here. */
export const TOOL_RUNNERS: { [K in ToolKind]: ToolKindRunner<K> } = {
  expression: expressionTool,
  http: httpTool,
};

/** The runner of a tool's kind (typed loosely for the loop). */
export function toolRunner(tool: Tool): ToolKindRunner {
  return TOOL_RUNNERS[tool.kind] as unknown as ToolKindRunner;
}
