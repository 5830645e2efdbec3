import type { AiParams } from "../schema/graph.js";
import type { Tool } from "../schema/tools.js";
import type { Dimension, Point } from "./types.js";

/**
 * Tool text as tunable parameters: a node's `toolInstructions` and each tool's `description`.
 * Generic material only: tool-use instructions that name no task, and descriptions completed from
 * the tool's own JSON Schema (what each argument is), never knowledge of a particular model.
 */

/** Tool-use instructions a search may put in a node's toolInstructions (choice 0 keeps the baseline's). */
export const TOOL_INSTRUCTION_LIBRARY: readonly string[] = [
  "Use the available tools for every calculation or lookup instead of working it out yourself, then answer from the tool's result.",
  "Call a tool whenever its description matches what the task needs, and base the answer on what it returns.",
];

/** A tool's description completed with what its arguments are, from its parameters' own descriptions. */
export function describedTool(tool: Tool): string {
  const props = tool.parameters.properties as Record<string, { type?: unknown; description?: unknown }>;
  const args = Object.entries(props).map(([name, s]) => {
    const type = typeof s.type === "string" ? ` (${s.type})` : "";
    const what = typeof s.description === "string" && s.description.trim() ? `: ${s.description.trim().replace(/\.$/, "")}` : "";
    return `${name}${type}${what}`;
  });
  if (args.length === 0) return tool.description;
  const base = tool.description.trim().replace(/\.?$/, ".");
  const line = `Arguments: ${args.join("; ")}.`;
  return base.includes(line) ? base : `${base} ${line}`;
}

/** The search dimensions of a node's tool text: one for its tool instructions, one per tool description with something to add. */
export function toolDimensions(target: string, params: AiParams): Dimension[] {
  const tools = params.tools ?? [];
  if (tools.length === 0) return [];
  const dims: Dimension[] = [{ kind: "categorical", name: `${target}.toolInstructions`, choices: [0, ...TOOL_INSTRUCTION_LIBRARY.map((_, i) => i + 1)] }];
  tools.forEach((t, i) => {
    if (describedTool(t) !== t.description) dims.push({ kind: "categorical", name: `${target}.tool${i}.description`, choices: [false, true] });
  });
  return dims;
}

/** Applies a point's tool choices to `p` (a copy of the baseline `base`). */
export function applyToolPoint(target: string, p: AiParams, base: AiParams, point: Point): void {
  const tools = base.tools ?? [];
  if (tools.length === 0) return;
  const ins = point[`${target}.toolInstructions`];
  if (typeof ins === "number" && ins > 0) p.toolInstructions = TOOL_INSTRUCTION_LIBRARY[ins - 1];
  if (tools.some((_, i) => point[`${target}.tool${i}.description`] === true)) {
    p.tools = tools.map((t, i) => (point[`${target}.tool${i}.description`] === true ? { ...t, description: describedTool(t) } : t));
  }
}

/** The params with `toolInstructions` replaced. */
export function withToolInstructions(params: AiParams, toolInstructions: string): AiParams {
  return { ...params, toolInstructions };
}

/** The params with one tool's description replaced. */
export function withToolDescription(params: AiParams, name: string, description: string): AiParams {
  return { ...params, tools: (params.tools ?? []).map((t) => (t.name === name ? { ...t, description } : t)) };
}
