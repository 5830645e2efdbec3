export type { RunServices, WorkflowHost, WorkflowRef, ResolvedWorkflow, McpHost, McpToolInfo } from "./types.js";
