import type { Tool, ToolKind } from "../schema/tools.js";
import { expressionTool } from "./expression.js";
import type * as Http from "./http.js";
import type { SingleToolRunner, ToolKindRunner } from "./types.js";

// Loaded on first use: http.ts needs undici and node:net, and this registry is reachable from the
// editor's bundle (engine/browser.ts → validation → the AI node), which must stay browser-safe.
const HTTP_TOOL_MODULE = "./http.js";
const lazyHttpTool: SingleToolRunner<"http"> = {
  kind: "http",
  async run(tool, args, ctx) {
    // A specifier the bundler cannot follow: the editor's build never sees undici (no chunk, no warning).
    const { httpTool } = (await import(/* @vite-ignore */ HTTP_TOOL_MODULE)) as typeof Http;
    return httpTool.run(tool, args, ctx);
  },
};

/** Every tool kind's runner, by kind: a new kind (workflow, mcp) adds its schema in schema/tools.ts and its file here. */
export const TOOL_RUNNERS: { [K in ToolKind]: ToolKindRunner<K> } = {
  expression: expressionTool,
  http: lazyHttpTool,
};

/** The runner of a tool's kind (typed loosely for the loop). */
export function toolRunner(tool: Tool): ToolKindRunner {
  return TOOL_RUNNERS[tool.kind] as unknown as ToolKindRunner;
}
