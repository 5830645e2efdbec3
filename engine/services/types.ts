import type { PreparedGraph } from "../graph/prepare.js";

/**
 * What a run may reach beyond its own graph: stored workflows (for `workflow` nodes and tools) and
 * admin-configured MCP servers (for `mcp` tools). The server and the CLI supply them; a run without
 * them fails such nodes and tools with a clear error. Interfaces only: the engine never imports
 * the server's store or the MCP SDK transports.
 */
export interface RunServices {
  workflows?: WorkflowHost;
  mcp?: McpHost;
}

/** A stored workflow to call: a pinned graph version, or "production" (the latest graph with the active parameter versions). */
export interface WorkflowRef {
  workflowId: string;
  version?: number | "production";
}

/** A stored workflow ready to run as a child of another run. */
export interface ResolvedWorkflow {
  workflowId: string;
  name: string;
  /** The graph version resolved. */
  version: number;
  graph: PreparedGraph;
  /** AI node id → the parameter version applied (production), as a run records them. */
  parameterVersions?: Record<string, number>;
}

/** Looks stored workflows up for `workflow` nodes and tools; refuses what the run's caller may not run. */
export interface WorkflowHost {
  resolve(ref: WorkflowRef, signal: AbortSignal): Promise<ResolvedWorkflow>;
}

/** One tool an MCP server offers (its `tools/list` entry). */
export interface McpToolInfo {
  name: string;
  description: string;
  /** The tool's JSON Schema input (an object schema). */
  inputSchema: Record<string, unknown>;
}

/** Admin-configured MCP servers, by the name an `mcp` tool gives. */
export interface McpHost {
  listTools(server: string, signal: AbortSignal): Promise<McpToolInfo[]>;
  callTool(server: string, tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<unknown>;
}
