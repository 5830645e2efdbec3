/** Tools on AI nodes: one runner per tool kind (registry.ts), argument checks, the tool-calling loop. See docs/tools-and-memory.md. */
export { TOOL_RUNNERS, toolRunner } from "./registry.js";
export { runToolLoop, toolSpec, resultText, type ToolEvent, type ToolLoopOptions, type ToolLoopResult } from "./loop.js";
export { parseToolArguments, type ParsedArguments } from "./args.js";
export { offerTools } from "./offer.js";
export { configureToolNetwork, toolNetwork, TOOL_NETWORK_ENV, type ToolNetworkPolicy } from "./network.js";
export { fillTemplate, templateNames } from "./http.js";
export type { OfferedTool, OfferingToolRunner, SingleToolRunner, ToolCallRecord, ToolKindRunner, ToolRunContext } from "./types.js";
