import { NodeExecutionError, errorMessage } from "../errors.js";
import type { Tool } from "../schema/tools.js";
import { toolRunner } from "./registry.js";
import type { OfferedTool, ToolRunContext } from "./types.js";

/**
 * The tools a node offers its model, in the order listed: each graph entry's own tool, or the
 * tools it stands for (an `mcp` entry). Names must stay unique after expansion, since the model
 * calls tools by name; a clash or an entry that cannot list its tools fails the node, naming it.
 */
export async function offerTools(tools: readonly Tool[], ctx: ToolRunContext): Promise<OfferedTool[]> {
  const offered: OfferedTool[] = [];
  const from = new Map<string, string>();
  for (const [i, tool] of tools.entries()) {
    const runner = toolRunner(tool);
    let list: OfferedTool[];
    if (runner.offer) {
      try {
        list = await runner.offer(tool as never, ctx);
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        throw new NodeExecutionError(ctx.nodeId, `tools[${i}] "${tool.name}" (${tool.kind}): ${errorMessage(err)}`);
      }
    } else {
      const run = runner.run;
      list = [{ name: tool.name, description: tool.description, parameters: tool.parameters as Record<string, unknown>, run: (args, c) => run(tool as never, args, c) }];
    }
    for (const t of list) {
      const first = from.get(t.name);
      if (first !== undefined) throw new NodeExecutionError(ctx.nodeId, `tools[${i}] "${tool.name}" offers a tool named "${t.name}", which ${first} already offers; tool names must be unique per node`);
      from.set(t.name, `tools[${i}] "${tool.name}"`);
      offered.push(t);
    }
  }
  return offered;
}
