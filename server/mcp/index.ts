/**
 * Flowtune's MCP server: the tools of server/mcp/*.ts on an McpServer bound to one principal (the
 * bearer token's on HTTP, the token's or the local user's on stdio). Every tool goes through the
 * tRPC procedures (tool.ts), so it is refused exactly where the API would refuse that principal.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { TRPCError } from "@trpc/server";
import type { Principal } from "../auth/principal.js";
import type { Role } from "../auth/roles.js";
import type { AppServices } from "../services/app.js";
import { datasetTools } from "./datasets.js";
import { optimizationTools } from "./optimizations.js";
import { runTools } from "./runs.js";
import { apiFor, requiredRole, toolError, toolResult, type ToolSpec } from "./tool.js";
import { versionTools } from "./versions.js";
import { workflowTools } from "./workflows.js";

/** Every tool, in the order tools/list shows them. */
export const MCP_TOOLS: readonly ToolSpec[] = [...workflowTools, ...runTools, ...datasetTools, ...optimizationTools, ...versionTools] as readonly ToolSpec[];

/** Name, required role and description of every tool (docs/mcp.md lists them; a test keeps it equal). */
export function mcpToolTable(): Array<{ name: string; role: Role; title: string }> {
  return MCP_TOOLS.map((t) => ({ name: t.name, role: requiredRole(t.procedures), title: t.title }));
}

/**
 * The tools as a Markdown table (docs/mcp.md embeds it between `mcp-tools` markers; a test keeps
 * them equal): name, required role, arguments (optional ones with `?`), description.
 */
export function mcpToolsMarkdown(): string {
  const lines = ["| Tool | Role | Arguments | What it does |", "| --- | --- | --- | --- |"];
  for (const t of MCP_TOOLS) {
    const args = Object.entries(t.input.shape).map(([name, field]) => `\`${name}${(field as { isOptional(): boolean }).isOptional() ? "?" : ""}\``);
    lines.push(`| \`${t.name}\` | ${requiredRole(t.procedures)} | ${args.join(", ") || "—"} | ${t.description} |`);
  }
  return lines.join("\n");
}

/** Most array elements and object members one call's arguments may hold (bounds the work of validating them). */
export const MAX_TOOL_INPUT_ELEMENTS = 100_000;

const INSTRUCTIONS =
  "Flowtune runs and tunes LLM workflow graphs. Typical loop: list_workflows, get_workflow_nodes (AI nodes and their tunable " +
  "parameters, evaluation nodes to use as objectives), import_dataset, start_optimization (returns a runId at once), poll " +
  "get_optimization_progress until the status is no longer running, list_candidates, save_candidate or promote_candidate " +
  "(rollback_version undoes a promotion), then finalize_optimization with notes. Each tool says the role it needs.";

export interface McpServerOptions {
  services: AppServices;
  /** Who every tool call acts as. */
  principal: Principal;
  /** Internal errors (the client gets "internal error (ref …)"; this gets the error under the same id). */
  onError?: (err: Error, where: string) => void;
}

/** Builds the MCP server for one principal (connect it to a transport). */
export function createMcpServer(opts: McpServerOptions): McpServer {
  const { services, principal } = opts;
  const server = new McpServer({ name: "flowtune", version: "0.1.0" }, { instructions: INSTRUCTIONS, maxToolInputElements: MAX_TOOL_INPUT_ELEMENTS });
  for (const tool of MCP_TOOLS) {
    const role = requiredRole(tool.procedures);
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: `${tool.description} Requires role ${role}.`,
        inputSchema: tool.input,
        annotations: { title: tool.title, readOnlyHint: role === "viewer", openWorldHint: false },
      },
      async (args: Record<string, unknown>, extra) => {
        try {
          const api = apiFor(services, principal, extra.signal);
          const value = await tool.run(args, { api, signal: extra.signal, apiWith: (signal) => apiFor(services, principal, signal) });
          return toolResult(value);
        } catch (err) {
          return toolError(err, { services, principal, tool: tool.name }, (e: TRPCError) => opts.onError?.(e, `mcp ${tool.name}`));
        }
      },
    );
  }
  return server;
}
